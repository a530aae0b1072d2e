/**
 * The multi-map behind `request.args`, `await request.form()` and `await request.files()`: a key
 * may repeat (`?tag=a&tag=b`), so it reads like `URLSearchParams` — `get` gives the first value,
 * `getAll` every one — and keeps the order the client sent. It is read-only: it describes what
 * arrived, and a view that wants to change it builds a new one.
 */
export class MultiDict<V = string> implements Iterable<[string, V]> {
  readonly #entries: ReadonlyArray<readonly [string, V]>
  readonly #byKey = new Map<string, V[]>()

  /**
   * @example
   * new MultiDict([['tag', 'a'], ['tag', 'b']]).getAll('tag') // ['a', 'b']
   */
  constructor(entries: Iterable<readonly [string, V]> = []) {
    const copied: Array<readonly [string, V]> = []
    for (const [key, value] of entries) {
      copied.push([key, value])
      const values = this.#byKey.get(key)
      if (values === undefined) this.#byKey.set(key, [value])
      else values.push(value)
    }
    this.#entries = copied
  }

  /** The first value sent for `key`, or `null` when there is none (as `URLSearchParams.get`). */
  get(key: string): V | null {
    return this.#byKey.get(key)?.[0] ?? null
  }

  /** Every value sent for `key`, in order; empty when there is none. */
  getAll(key: string): V[] {
    return [...(this.#byKey.get(key) ?? [])]
  }

  /** Whether `key` was sent at least once. */
  has(key: string): boolean {
    return this.#byKey.has(key)
  }

  /** The number of pairs, repeated keys counted each time (as `URLSearchParams.size`). */
  get size(): number {
    return this.#entries.length
  }

  /** Each pair's key, in order; a repeated key comes once per pair (as `URLSearchParams.keys()`). */
  *keys(): IterableIterator<string> {
    for (const [key] of this.#entries) yield key
  }

  /** Each pair's value, in order. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.#entries) yield value
  }

  /** Every `[key, value]` pair, in the order the client sent them. */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, value] of this.#entries) yield [key, value]
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()
  }

  /**
   * A plain object holding the first value of each key, for the common case of one value per key.
   * @example
   * const { name, email } = (await request.form()).toObject()
   */
  toObject(): Record<string, V> {
    const object: Record<string, V> = Object.create(null)
    for (const [key, values] of this.#byKey) object[key] = values[0] as V
    return object
  }

  /** The first values as JSON, so a MultiDict logs and serialises like the object it mostly is. */
  toJSON(): Record<string, V> {
    return this.toObject()
  }
}
