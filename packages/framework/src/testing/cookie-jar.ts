/**
 * The test client's cookie jar: it keeps what the app sets with `Set-Cookie` and sends it back in `Cookie`,
 * following RFC 6265's storage model (host-only and Domain cookies, path scoping, Max-Age before Expires,
 * deletion by Max-Age=0 or a past Expires), as Quart's client does with the stdlib `CookieJar`.
 *
 * Two choices made for tests, where the only server is the app under test:
 * - `Secure` cookies are sent although the test client speaks plain HTTP, as browsers do for `localhost`,
 *   so an app configured with `SESSION_COOKIE_SECURE = true` can be tested. (Python's `CookieJar` would withhold them.)
 * - There is no public-suffix list, and `__Secure-`/`__Host-` prefixes and `SameSite` are not enforced.
 */
import { parseSetCookie } from 'cookie'

/** A cookie as the jar holds it. Values are kept exactly as the server sent them, without decoding. */
export interface StoredCookie {
  readonly name: string
  readonly value: string
  /** The host (for a host-only cookie) or the `Domain` attribute, lower case and without a leading dot. */
  readonly domain: string
  /** True when the cookie had no `Domain` attribute, so it is sent to its exact host only. */
  readonly hostOnly: boolean
  readonly path: string
  /** When the cookie expires; absent for a session cookie, which lives as long as the jar. */
  readonly expires?: Date
  readonly secure: boolean
  readonly httpOnly: boolean
  readonly sameSite?: 'lax' | 'strict' | 'none'
}

/** Narrows {@link CookieJar.get} and {@link CookieJar.delete} to one path or domain. */
export interface CookieFilter {
  /** Only the cookie stored with exactly this path. */
  path?: string
  /** Only the cookie stored for this domain (compared without a leading dot, case-insensitively). */
  domain?: string
}

/**
 * Cookies received from the app, sent back on later requests. The test client owns one as `client.cookies`;
 * tests mostly read it, and set cookies through `client.setCookie()` / `client.deleteCookie()`.
 *
 * @example
 * await client.post('/login', { form: { user: 'ada' } })
 * assert.equal(client.cookies.get('session')?.path, '/')
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie & { readonly created: number }>()
  #created = 0

  /**
   * The unexpired cookie of this name. When several match (different paths or domains), the one with the
   * longest path is returned: the one a request to that path would send first.
   */
  get(name: string, filter: CookieFilter = {}): StoredCookie | undefined {
    const domain = filter.domain === undefined ? undefined : normalizeDomain(filter.domain)
    let best: StoredCookie | undefined
    for (const cookie of this) {
      if (cookie.name !== name) continue
      if (filter.path !== undefined && cookie.path !== filter.path) continue
      if (domain !== undefined && cookie.domain !== domain) continue
      if (best === undefined || cookie.path.length > best.path.length) best = cookie
    }
    return best
  }

  /** True when {@link get} would find a cookie. */
  has(name: string, filter: CookieFilter = {}): boolean {
    return this.get(name, filter) !== undefined
  }

  /** The number of unexpired cookies. */
  get size(): number {
    return [...this].length
  }

  /** Iterates over the unexpired cookies, dropping the expired ones as it goes. */
  *[Symbol.iterator](): IterableIterator<StoredCookie> {
    const now = Date.now()
    for (const [key, cookie] of this.#cookies) {
      if (isExpired(cookie, now)) this.#cookies.delete(key)
      else yield cookie
    }
  }

  /**
   * Stores a cookie, replacing the one with the same name, domain and path. A cookie that has already
   * expired is not stored, and removes the one it would replace: this is how a server deletes a cookie.
   */
  store(cookie: StoredCookie): void {
    const key = keyOf(cookie.name, cookie.domain, cookie.path)
    if (isExpired(cookie, Date.now())) {
      this.#cookies.delete(key)
      return
    }
    // RFC 6265 §5.3 step 11.3: a replacement keeps the creation time, which orders the Cookie header.
    const created = this.#cookies.get(key)?.created ?? this.#created++
    this.#cookies.set(key, { ...cookie, created })
  }

  /**
   * Deletes the cookies of this name; with a filter, only those with that path and/or domain.
   * Returns whether any was deleted.
   */
  delete(name: string, filter: CookieFilter = {}): boolean {
    const domain = filter.domain === undefined ? undefined : normalizeDomain(filter.domain)
    let deleted = false
    for (const [key, cookie] of this.#cookies) {
      if (cookie.name !== name) continue
      if (filter.path !== undefined && cookie.path !== filter.path) continue
      if (domain !== undefined && cookie.domain !== domain) continue
      this.#cookies.delete(key)
      deleted = true
    }
    return deleted
  }

  /** Forgets every cookie. */
  clear(): void {
    this.#cookies.clear()
  }

  /**
   * Applies a response's `Set-Cookie` headers, received for `url`. A cookie whose `Domain` does not
   * cover the URL's host is ignored, as a browser would ignore it.
   */
  receive(url: URL, setCookieHeaders: Iterable<string>): void {
    const host = url.hostname.toLowerCase()
    const now = Date.now()
    for (const header of setCookieHeaders) {
      // Keep the value as sent: the jar returns it verbatim, it does not interpret it.
      const parsed = parseSetCookie(header, { decode: (value) => value })
      let domain = host
      let hostOnly = true
      if (parsed.domain) {
        domain = normalizeDomain(parsed.domain)
        hostOnly = false
        if (!domainMatches(host, domain)) continue
      }
      const path = parsed.path?.startsWith('/') ? parsed.path : defaultPath(url.pathname)
      // RFC 6265 §5.3 step 3: Max-Age takes precedence over Expires.
      const expires =
        parsed.maxAge !== undefined
          ? new Date(parsed.maxAge <= 0 ? 0 : now + parsed.maxAge * 1000)
          : parsed.expires
      this.store({
        name: parsed.name,
        value: parsed.value ?? '',
        domain,
        hostOnly,
        path,
        ...(expires === undefined ? {} : { expires }),
        secure: parsed.secure === true,
        httpOnly: parsed.httpOnly === true,
        ...(typeof parsed.sameSite === 'string' ? { sameSite: parsed.sameSite } : {}),
      })
    }
  }

  /**
   * The `Cookie` header value for a request to `url`, or undefined when no cookie applies.
   * Longer paths come first, then older cookies (RFC 6265 §5.4).
   */
  cookieHeader(url: URL): string | undefined {
    const host = url.hostname.toLowerCase()
    const matching = [...this.#cookies.values()].filter(
      (cookie) =>
        !isExpired(cookie, Date.now()) &&
        (cookie.hostOnly ? cookie.domain === host : domainMatches(host, cookie.domain)) &&
        pathMatches(url.pathname, cookie.path),
    )
    if (matching.length === 0) return undefined
    matching.sort((a, b) => b.path.length - a.path.length || a.created - b.created)
    return matching
      .map((cookie) => (cookie.name === '' ? cookie.value : `${cookie.name}=${cookie.value}`))
      .join('; ')
  }
}

const keyOf = (name: string, domain: string, path: string) => `${domain};${path};${name}`

const isExpired = (cookie: StoredCookie, now: number) =>
  cookie.expires !== undefined && cookie.expires.getTime() <= now

const normalizeDomain = (domain: string) => domain.replace(/^\./, '').toLowerCase()

/** RFC 6265 §5.1.3: the host is the domain, or a subdomain of it (never for an IP address). */
function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true
  return host.endsWith(`.${domain}`) && !/^[\d.]+$|:/.test(host)
}

/** RFC 6265 §5.1.4: the request path up to, not including, its last slash. */
function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/')
  return slash <= 0 ? '/' : requestPath.slice(0, slash)
}

/** RFC 6265 §5.1.4: `/a` matches `/a`, `/a/` and `/a/b`, but not `/ab`. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}
