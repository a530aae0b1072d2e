/**
 * The session a request carries (Flask's `SecureCookieSession` and `SessionMixin`): a Map-like store of
 * the user's data that remembers whether it was read (`accessed`, which earns the response a
 * `Vary: Cookie`) or changed (`modified`, which makes the interface save it). A session interface opens
 * it when the request starts and saves it when the response is ready.
 */

/**
 * The keys and value types of your sessions. Declare them once, by augmenting this interface, and
 * `session.get('colour')` is typed; undeclared keys still work and give `unknown`.
 *
 * @example
 * declare module '@flagon/sessions' {
 *   interface SessionData {
 *     colour: string
 *   }
 * }
 * session.get('colour') // string | undefined
 */
// biome-ignore lint/suspicious/noEmptyInterface: users fill it in by declaration merging
export interface SessionData {}

/** A session key: one declared in {@link SessionData}, or any other string. */
export type SessionKey = Extract<keyof SessionData, string> | (string & {})

/** The type of a session key's value: as declared in {@link SessionData}, otherwise `unknown`. */
export type SessionValue<K extends string> = K extends keyof SessionData ? SessionData[K] : unknown

/** What a session can be created or updated from: entries, or an object. */
export type SessionInit = Iterable<readonly [string, unknown]> | { readonly [key: string]: unknown }

/**
 * A session: a Map of the user's data, in insertion order, with the flags a session interface reads.
 * Every method marks it `accessed`; every write marks it `modified`. A change inside a stored value
 * (`session.get('cart').push(item)`) is not seen: set `session.modified = true` yourself.
 *
 * @example
 * session.set('colour', 'blue')
 * session.get('colour', 'black') // 'blue'
 * session.permanent = true // the cookie outlives the browser session
 */
export class Session implements Iterable<[string, unknown]> {
  /** Whether the data was changed; settable by hand after changing a value in place. */
  modified = false
  /**
   * Whether the session was used at all. A response to a request that used it varies on the cookie.
   * (Flask 3.1.3: the `session` proxy sets it on any use, `in` and `len` included.)
   */
  accessed = false
  /** Whether the session was created for this request rather than loaded; server-side stores set it. */
  new = false
  readonly #data: Map<string, unknown>

  constructor(initial?: SessionInit | null) {
    this.#data = initial ? new Map(entriesOf(initial)) : new Map()
  }

  /**
   * Whether the session outlives the browser session, until `PERMANENT_SESSION_LIFETIME` has passed.
   * Stored in the data under `_permanent`, as Flask does, so Flask and Flagon agree on it.
   */
  get permanent(): boolean {
    return Boolean(this.get('_permanent', false))
  }

  set permanent(value: boolean) {
    this.set('_permanent', Boolean(value))
  }

  /** The number of keys. */
  get size(): number {
    this.accessed = true
    return this.#data.size
  }

  /** The value of a key, or `defaultValue` (`undefined` unless given) when it is absent. */
  get<K extends SessionKey>(key: K): SessionValue<K> | undefined
  get<K extends SessionKey, D>(key: K, defaultValue: D): SessionValue<K> | D
  get(key: string, defaultValue?: unknown): unknown {
    this.accessed = true
    return this.#data.has(key) ? this.#data.get(key) : defaultValue
  }

  /** Sets a key's value. */
  set<K extends SessionKey>(key: K, value: SessionValue<K>): this {
    this.#data.set(key, value)
    this.#touch()
    return this
  }

  /** Whether the key is present. */
  has(key: SessionKey): boolean {
    this.accessed = true
    return this.#data.has(key)
  }

  /** Removes a key; whether it was there. Only a removal marks the session modified. */
  delete(key: SessionKey): boolean {
    const deleted = this.#data.delete(key)
    if (deleted) this.#touch()
    else this.accessed = true
    return deleted
  }

  /** Removes every key. An emptied session deletes its cookie. */
  clear(): void {
    this.#data.clear()
    this.#touch()
  }

  /** The key's value; when the key is absent, sets it to `value` first (which marks the session modified). */
  setDefault<K extends SessionKey>(key: K, value: SessionValue<K>): SessionValue<K> {
    if (!this.#data.has(key)) {
      this.set(key, value)
      return value
    }
    this.accessed = true
    return this.#data.get(key) as SessionValue<K>
  }

  /** Removes a key and returns its value, or `defaultValue` when it is absent. */
  pop<K extends SessionKey>(key: K): SessionValue<K> | undefined
  pop<K extends SessionKey, D>(key: K, defaultValue: D): SessionValue<K> | D
  pop(key: string, defaultValue?: unknown): unknown {
    const value = this.get(key, defaultValue)
    this.delete(key)
    return value
  }

  /** Sets every key of `other` (entries or an object). Marks the session modified, even for no keys (as Flask). */
  update(other: SessionInit): void {
    for (const [key, value] of entriesOf(other)) this.#data.set(key, value)
    this.#touch()
  }

  /** The keys, in insertion order. */
  keys(): IterableIterator<string> {
    this.accessed = true
    return this.#data.keys()
  }

  /** The values, in insertion order. */
  values(): IterableIterator<unknown> {
    this.accessed = true
    return this.#data.values()
  }

  /** The `[key, value]` pairs, in insertion order. */
  entries(): IterableIterator<[string, unknown]> {
    this.accessed = true
    return this.#data.entries()
  }

  /** Calls `callback` with each value and key, as `Map.prototype.forEach`. */
  forEach(callback: (value: unknown, key: string, session: this) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this)
  }

  [Symbol.iterator](): IterableIterator<[string, unknown]> {
    return this.entries()
  }

  /** The data as a plain object (what `JSON.stringify(session)` writes). */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this.entries())
  }

  get [Symbol.toStringTag](): string {
    return 'Session'
  }

  #touch(): void {
    this.modified = true
    this.accessed = true
  }
}

/**
 * The session a request gets when sessions are unavailable, because no `SECRET_KEY` is set. It reads as
 * empty, and every write throws: losing the data silently would be worse. Interfaces never save it.
 */
export class NullSession extends Session {
  override get permanent(): boolean {
    return super.permanent
  }

  override set permanent(value: boolean) {
    throw new SessionUnavailableError(`session.permanent = ${Boolean(value)}`)
  }

  /** @throws SessionUnavailableError always. */
  override set(key: string, _value: unknown): never {
    throw new SessionUnavailableError(`session.set(${JSON.stringify(key)}, …)`)
  }

  /** @throws SessionUnavailableError always. */
  override delete(key: string): never {
    throw new SessionUnavailableError(`session.delete(${JSON.stringify(key)})`)
  }

  /** @throws SessionUnavailableError always. */
  override clear(): never {
    throw new SessionUnavailableError('session.clear()')
  }

  /** @throws SessionUnavailableError always. */
  override setDefault(key: string, _value: unknown): never {
    throw new SessionUnavailableError(`session.setDefault(${JSON.stringify(key)}, …)`)
  }

  /** @throws SessionUnavailableError always. */
  override pop(key: string, _defaultValue?: unknown): never {
    throw new SessionUnavailableError(`session.pop(${JSON.stringify(key)})`)
  }

  /** @throws SessionUnavailableError always. */
  override update(_other: SessionInit): never {
    throw new SessionUnavailableError('session.update(…)')
  }
}

/** A write to a {@link NullSession}: sessions are unavailable because no `SECRET_KEY` is set. */
export class SessionUnavailableError extends Error {
  override name = 'SessionUnavailableError'

  /** The write that was refused, e.g. `session.set("colour", …)`. */
  constructor(readonly action: string) {
    super(
      `${action} failed. The session is unavailable because no SECRET_KEY was set. ` +
        'Set app.config.SECRET_KEY to a long random string.',
    )
  }
}

function entriesOf(init: SessionInit): Iterable<readonly [string, unknown]> {
  if (Symbol.iterator in init) return init as Iterable<readonly [string, unknown]>
  return Object.entries(init)
}
