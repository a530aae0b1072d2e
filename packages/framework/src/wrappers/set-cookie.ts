/**
 * Set-Cookie header values, as Werkzeug's `dump_cookie` makes them (quart-behaviour.md §1.7), written
 * with the `cookie` package's `serialize`, whose attribute order differs from Werkzeug's but means the same.
 * (Reading the request's Cookie header is cookies.ts.)
 */
import { domainToASCII } from 'node:url'
import { serialize } from 'cookie'

/** The SameSite values a cookie accepts: the `cookie` package's, in either case; `true` means Strict. */
export type SameSite = 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None' | boolean

/** The attributes of a cookie, with the `cookie` package's option names. */
export interface CookieOptions {
  /** Seconds until the cookie expires; it also produces `Expires`, as in Werkzeug. */
  maxAge?: number
  expires?: Date
  /** Defaults to `/`. */
  path?: string
  /** A leading dot and a port are stripped, as in Werkzeug. */
  domain?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: SameSite
  /** Partitioned storage (CHIPS); it forces `Secure`, which browsers require for it. */
  partitioned?: boolean
}

/** The attributes that locate a cookie to delete; they must match the ones it was set with. */
export type DeleteCookieOptions = Omit<CookieOptions, 'maxAge' | 'expires'>

/**
 * Makes a Set-Cookie header value.
 *
 * @example
 * dumpCookie('theme', 'dark', { maxAge: 60 })
 * // 'theme=dark; Max-Age=60; Path=/; Expires=…'
 * @throws TypeError when the name, domain or path holds characters a cookie cannot carry.
 */
export function dumpCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { maxAge, expires, path = '/', domain, partitioned, sameSite, secure, httpOnly } = options
  // Fast path, the session cookie's: no Max-Age, a valid name and Expires, attributes seen before.
  if (
    maxAge === undefined &&
    typeof path === 'string' &&
    (domain === undefined || typeof domain === 'string') &&
    (sameSite === undefined || typeof sameSite === 'string' || typeof sameSite === 'boolean') &&
    (expires === undefined || (expires instanceof Date && Number.isFinite(expires.getTime()))) &&
    COOKIE_NAME.test(name)
  ) {
    const attributes = cachedAttributes(path, domain, sameSite, secure, httpOnly, partitioned)
    // As `serialize`: the value as a string, encoded unless empty; encodeValue's output always passes its check.
    const text = String(value)
    let header = `${name}=${text ? encodeValue(text) : ''}${attributes.beforeExpires}`
    if (expires !== undefined) header += `; Expires=${expires.toUTCString()}`
    return header + attributes.afterExpires
  }
  return serialize(name, value, {
    encode: encodeValue,
    ...(maxAge !== undefined && { maxAge: Math.trunc(maxAge) }),
    // Werkzeug 3.1: max_age alone also sends Expires, for clients that ignore Max-Age.
    ...(expires !== undefined
      ? { expires }
      : maxAge !== undefined && { expires: new Date(Date.now() + Math.trunc(maxAge) * 1000) }),
    ...(path && { path: quotePath(path) }),
    ...(domain && { domain: cookieDomain(domain) }),
    ...(sameSite !== undefined && { sameSite: normalizeSameSite(sameSite) }),
    // Browsers drop a Partitioned cookie that is not Secure (Werkzeug 3.1).
    ...((secure || partitioned) && { secure: true }),
    ...(httpOnly && { httpOnly: true }),
    ...(partitioned && { partitioned: true }),
  })
}

/** The `cookie` package's check of a cookie name (RFC 6265's token, more leniently). */
const COOKIE_NAME = /^[\u0021-\u003A\u003C\u003E-\u007E]+$/

/** The attributes of a Set-Cookie header around its Expires, as `serialize` orders them. */
interface CookieAttributes {
  /** `; Domain=…; Path=…`, or less. */
  readonly beforeExpires: string
  /** `; HttpOnly; Secure; Partitioned; SameSite=…`, or less. */
  readonly afterExpires: string
}

// An app sets its cookies with a few sets of attributes: each is validated and written once.
const attributeCache = new Map<string, CookieAttributes>()
const ATTRIBUTE_CACHE_SIZE = 64

function cachedAttributes(
  path: string,
  domain: string | undefined,
  sameSite: SameSite | undefined,
  secure: boolean | undefined,
  httpOnly: boolean | undefined,
  partitioned: boolean | undefined,
): CookieAttributes {
  // Lengths and types keep the key unambiguous, whatever the strings hold.
  const key =
    `${path.length}:${path}${domain === undefined ? '-' : `${domain.length}:${domain}`}` +
    `${typeof sameSite}:${sameSite}${secure ? 1 : 0}${httpOnly ? 1 : 0}${partitioned ? 1 : 0}`
  let attributes = attributeCache.get(key)
  if (attributes === undefined) {
    // `serialize` validates them and writes them, in its order, split where Expires goes.
    const marker = new Date(0)
    const written = serialize('a', '', {
      expires: marker,
      ...(path && { path: quotePath(path) }),
      ...(domain && { domain: cookieDomain(domain) }),
      ...(sameSite !== undefined && { sameSite: normalizeSameSite(sameSite) }),
      ...((secure || partitioned) && { secure: true }),
      ...(httpOnly && { httpOnly: true }),
      ...(partitioned && { partitioned: true }),
    })
    const expires = `; Expires=${marker.toUTCString()}`
    const at = written.indexOf(expires)
    attributes = { beforeExpires: written.slice(2, at), afterExpires: written.slice(at + expires.length) }
    if (attributeCache.size >= ATTRIBUTE_CACHE_SIZE) attributeCache.clear()
    attributeCache.set(key, attributes)
  }
  return attributes
}

/** The cookie-octets of RFC 6265 except `%`: a value made only of these is sent as it is. */
const COOKIE_SAFE = /^[\x21\x23\x24\x26-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/

// Signed session values (base64url, '.', '-', '_') must pass unchanged so Flask can read them; anything
// else is percent-encoded, which the `cookie` parser decodes. '%' itself forces encoding, so that a value
// holding '%41' still reads back as '%41' rather than 'A'.
function encodeValue(value: string): string {
  return COOKIE_SAFE.test(value) ? value : encodeURIComponent(value)
}

// Werkzeug: quote(path, safe="%!$&'()*+,/:=@"), keeping what is already percent-encoded.
function quotePath(path: string): string {
  return path.replace(/[^A-Za-z0-9_.\-~%!$&'()*+,/:=@]/gu, (char) => encodeURIComponent(char))
}

// Werkzeug 2.3+: a leading dot means nothing to browsers today, and a port is not part of a domain.
function cookieDomain(domain: string): string {
  const host = domain.split(':')[0]!.replace(/^\.+/, '')
  // IDNA, as Werkzeug's .encode("idna"); domainToASCII returns '' for a name it cannot convert.
  return /^\p{ASCII}*$/u.test(host) ? host : domainToASCII(host) || host
}

function normalizeSameSite(sameSite: SameSite): 'lax' | 'strict' | 'none' | boolean {
  return typeof sameSite === 'string' ? (sameSite.toLowerCase() as 'lax' | 'strict' | 'none') : sameSite
}
