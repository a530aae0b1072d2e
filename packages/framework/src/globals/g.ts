/**
 * `g`: a plain namespace that lives as long as one app context (one request, usually).
 * Store what a request computes once and reads many times: the current user, a DB handle.
 */
export class Globals {
  [name: string]: unknown

  /** The attribute's value, or `fallback` when it is not set. */
  get<T = unknown>(name: string, fallback?: T): T | undefined {
    return Object.hasOwn(this, name) ? (this[name] as T) : fallback
  }

  /** Removes the attribute and returns its value, or `fallback` when it was not set. */
  pop<T = unknown>(name: string, fallback?: T): T | undefined {
    if (!Object.hasOwn(this, name)) return fallback
    const value = this[name] as T
    delete this[name]
    return value
  }

  /** Sets the attribute when it is not set yet; returns its value either way. */
  setDefault<T = unknown>(name: string, value: T): T {
    if (!Object.hasOwn(this, name)) this[name] = value
    return this[name] as T
  }
}

// The methods live on the prototype; keep them from showing up as if they were user data.
for (const method of ['get', 'pop', 'setDefault'] as const) {
  Object.defineProperty(Globals.prototype, method, { enumerable: false })
}
