/**
 * A typed, live view of a response's Cache-Control header, as Werkzeug's `ResponseCacheControl`:
 * reading parses the header, writing rewrites it, so the header stays the one source of truth.
 */

/** The directives `CacheControl.update` takes: `true` adds a flag, `false` or `null` removes a directive. */
export interface CacheControlDirectives {
  public?: boolean | null
  private?: boolean | null
  noCache?: boolean | null
  noStore?: boolean | null
  noTransform?: boolean | null
  mustRevalidate?: boolean | null
  proxyRevalidate?: boolean | null
  mustUnderstand?: boolean | null
  immutable?: boolean | null
  maxAge?: number | null
  sMaxage?: number | null
  staleWhileRevalidate?: number | null
  staleIfError?: number | null
}

/**
 * The Cache-Control directives of a response, read and written through its headers.
 *
 * @example
 * response.cacheControl.update({ public: true, maxAge: 60 })  // Cache-Control: public, max-age=60
 * response.cacheControl.maxAge                                  // 60
 */
export class CacheControl {
  readonly #headers: Headers

  constructor(headers: Headers) {
    this.#headers = headers
  }

  get public(): boolean {
    return this.#has('public')
  }
  set public(on: boolean) {
    this.update({ public: on })
  }
  get private(): boolean {
    return this.#has('private')
  }
  set private(on: boolean) {
    this.update({ private: on })
  }
  get noCache(): boolean {
    return this.#has('no-cache')
  }
  set noCache(on: boolean) {
    this.update({ noCache: on })
  }
  get noStore(): boolean {
    return this.#has('no-store')
  }
  set noStore(on: boolean) {
    this.update({ noStore: on })
  }
  get mustRevalidate(): boolean {
    return this.#has('must-revalidate')
  }
  set mustRevalidate(on: boolean) {
    this.update({ mustRevalidate: on })
  }
  get immutable(): boolean {
    return this.#has('immutable')
  }
  set immutable(on: boolean) {
    this.update({ immutable: on })
  }
  /** `max-age` in seconds, or null when absent. */
  get maxAge(): number | null {
    return this.#seconds('max-age')
  }
  set maxAge(seconds: number | null) {
    this.update({ maxAge: seconds })
  }
  /** `s-maxage` in seconds, or null when absent. */
  get sMaxage(): number | null {
    return this.#seconds('s-maxage')
  }
  set sMaxage(seconds: number | null) {
    this.update({ sMaxage: seconds })
  }

  /** Sets or removes several directives at once, keeping the others and their order. */
  update(directives: CacheControlDirectives): void {
    const parsed = this.#parse()
    for (const [key, value] of Object.entries(directives)) {
      const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
      if (value === false || value === null || value === undefined) parsed.delete(name)
      else parsed.set(name, value === true ? true : String(Math.trunc(value)))
    }
    const header = [...parsed].map(([name, value]) => (value === true ? name : `${name}=${value}`)).join(', ')
    if (header) this.#headers.set('Cache-Control', header)
    else this.#headers.delete('Cache-Control')
  }

  /** The header's value, or '' when it is absent. */
  toString(): string {
    return this.#headers.get('Cache-Control') ?? ''
  }

  #has(name: string): boolean {
    return this.#parse().has(name)
  }

  #seconds(name: string): number | null {
    const value = this.#parse().get(name)
    const seconds = typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN
    return Number.isNaN(seconds) ? null : seconds
  }

  // Directive names are case-insensitive (RFC 9111 §5.2); values like no-cache="Set-Cookie" keep their text.
  #parse(): Map<string, string | true> {
    const parsed = new Map<string, string | true>()
    for (const part of (this.#headers.get('Cache-Control') ?? '').split(',')) {
      const [rawName = '', ...rest] = part.split('=')
      const name = rawName.trim().toLowerCase()
      if (name) parsed.set(name, rest.length ? rest.join('=').trim() : true)
    }
    return parsed
  }
}
