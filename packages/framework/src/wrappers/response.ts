/**
 * Flagon's Response: a status, WHATWG `Headers`, and a body that is written as it is (a string or
 * bytes, with Content-Length) or streamed (an async iterable). Quart's `Response` (quart-behaviour.md §1.7):
 * text/html by default, cookies as Werkzeug writes them, a per-response timeout for endless streams.
 */
import { FileBody } from '../files/file-body.js'
import { CacheControl } from './cache-control.js'
import { type CookieOptions, type DeleteCookieOptions, dumpCookie } from './set-cookie.js'

export type { CookieOptions, DeleteCookieOptions, SameSite } from './set-cookie.js'

/** One piece of a streamed body. Strings are sent as UTF-8. */
export type ResponseChunk = string | Uint8Array

/** A body as a Response holds it: written whole (string, bytes, or null for none) or streamed. */
export type ResponseBody = string | Uint8Array | AsyncIterable<ResponseChunk> | null

/**
 * What the constructor takes as a body: a `ResponseBody`, or a sync iterable such as a generator,
 * which is streamed like an async one (Quart streams sync generators too).
 */
export type ResponseBodyInit = ResponseBody | Iterable<ResponseChunk>

/** Headers as the constructor takes them; a list value becomes repeated headers (e.g. Set-Cookie). */
export type ResponseHeadersInit =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[]>

/** The options of `new Response(body, init)`. */
export interface ResponseInit {
  /** Defaults to 200. */
  status?: number
  headers?: ResponseHeadersInit
  /** Sets Content-Type, adding `; charset=utf-8` for text types, as Werkzeug does. */
  mimetype?: string
  /** Sets Content-Type exactly as given; it wins over `mimetype`. */
  contentType?: string
}

/**
 * An HTTP response. A view may return one, and `afterRequest` functions receive and return it.
 *
 * @example
 * const res = new Response('created', { status: 201, mimetype: 'text/plain' })
 * res.setCookie('seen', '1', { maxAge: 3600, httpOnly: true })
 * res.headers.get('content-type') // 'text/plain; charset=utf-8'
 */
export class Response {
  /** The default size above which a Set-Cookie header earns a warning (Werkzeug's, Quart's MAX_COOKIE_SIZE). */
  static readonly defaultMaxCookieSize = 4093

  status: number
  body: ResponseBody
  /**
   * Seconds allowed to send this response: `undefined` uses the RESPONSE_TIMEOUT config, `null` means no
   * limit, which a server-sent event stream or other endless body needs.
   */
  timeout: number | null | undefined = undefined
  /** Set-Cookie headers longer than this warn, since browsers may drop them silently; 0 turns it off. */
  maxCookieSize: number = Response.defaultMaxCookieSize

  /**
   * The headers, built on first use. Until then a response with nothing but a Content-Type (most of
   * them) keeps it in `#contentType`: making a WHATWG Headers, and reading it back to write the
   * response, cost more than the rest of a small response.
   */
  #headers: Headers | undefined
  #contentType: string | null = null
  // Likewise a session's Vary and Set-Cookie, until the headers are built.
  #vary: string | null = null
  #setCookies: string[] | null = null

  constructor(body: ResponseBodyInit = null, init: ResponseInit = {}) {
    this.status = init.status ?? 200
    if (init.headers !== undefined) this.#headers = toHeaders(init.headers)
    this.body = toBody(body)
    if (init.contentType !== undefined) this.#setContentType(init.contentType)
    else if (init.mimetype !== undefined || !this.#headers?.has('Content-Type')) {
      this.mimetype = init.mimetype ?? 'text/html'
    }
  }

  /** The response's headers, a WHATWG `Headers`. */
  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers()
      if (this.#contentType !== null) headers.set('Content-Type', this.#contentType)
      if (this.#vary !== null) headers.set('Vary', this.#vary)
      if (this.#setCookies !== null)
        for (const cookie of this.#setCookies) headers.append('Set-Cookie', cookie)
      this.#headers = headers
      this.#vary = null
      this.#setCookies = null
    }
    return this.#headers
  }

  /**
   * @internal The header fields as node's `writeHead` takes them, a flat `[name, value, …]` list with
   * lower-cased names in `Headers`' order and each Set-Cookie on its own.
   */
  headerFields(): string[] {
    const headers = this.#headers
    if (headers === undefined) {
      // As Headers would list them: sorted by name, Set-Cookie apart and last.
      const fields = this.#contentType === null ? [] : ['content-type', this.#contentType]
      if (this.#vary !== null) fields.push('vary', this.#vary)
      if (this.#setCookies !== null) for (const cookie of this.#setCookies) fields.push('set-cookie', cookie)
      return fields
    }
    const fields: string[] = []
    for (const [name, value] of headers) if (name !== 'set-cookie') fields.push(name, value)
    for (const cookie of headers.getSetCookie()) fields.push('set-cookie', cookie)
    return fields
  }

  #getContentType(): string | null {
    return this.#headers === undefined ? this.#contentType : this.#headers.get('Content-Type')
  }

  #setContentType(value: string): void {
    // Kept aside only when it is a value Headers would store unchanged; anything else (whitespace to
    // trim, a character to refuse) goes through Headers, which normalises or throws as it always has.
    if (this.#headers === undefined && PLAIN_HEADER_VALUE.test(value)) this.#contentType = value
    else this.headers.set('Content-Type', value)
  }

  /**
   * A redirect with Werkzeug's small HTML page, as Quart's `redirect()`. The location is sent as given,
   * not made absolute.
   */
  static redirect(location: string, status = 302): Response {
    const href = escapeHtml(location)
    const body =
      '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
      `<p>You should be redirected automatically to the target URL: <a href="${href}">${href}</a>. If not, click the link.\n`
    const response = new Response(body, { status })
    response.location = location
    return response
  }

  /**
   * Converts a WHATWG Response (the global one or undici's): status, every header including repeated
   * Set-Cookie, and the body, which is streamed rather than read here.
   */
  static fromWeb(web: globalThis.Response): Response {
    const response = new Response(null, { status: web.status })
    response.headers.delete('Content-Type')
    // Iterate rather than pass the Headers on: undici's class is not the global one, and its
    // iteration would fold nothing but Set-Cookie, which getSetCookie keeps apart.
    web.headers.forEach((value, name) => {
      if (name !== 'set-cookie') response.headers.set(name, value)
    })
    for (const cookie of web.headers.getSetCookie()) response.headers.append('Set-Cookie', cookie)
    if (web.body) response.body = web.body as AsyncIterable<Uint8Array>
    return response
  }

  /** The media type without parameters, lower-cased (`text/html`), or null without a Content-Type. */
  get mimetype(): string | null {
    const type = this.#getContentType()
    return type === null ? null : type.split(';')[0]!.trim().toLowerCase()
  }
  set mimetype(mimetype: string) {
    this.#setContentType(withCharset(mimetype))
  }

  /** The whole Content-Type header, or null. */
  get contentType(): string | null {
    return this.#getContentType()
  }
  set contentType(value: string) {
    this.#setContentType(value)
  }

  /** True when the body is a file streamed from disk (sendFile, static files); server-side sessions skip saving on it. */
  get isFile(): boolean {
    return this.body instanceof FileBody
  }

  /**
   * The body's size in bytes when it is written whole (0 for no body); for a streamed body, the
   * Content-Length header if one was set, else undefined.
   */
  get contentLength(): number | undefined {
    if (this.body === null) return 0
    if (typeof this.body === 'string') return Buffer.byteLength(this.body)
    if (this.body instanceof Uint8Array) return this.body.byteLength
    const header = this.headers.get('Content-Length')
    return header === null || !/^\d+$/.test(header) ? undefined : Number(header)
  }

  /** The Location header, or null. Setting null removes it. */
  get location(): string | null {
    return this.headers.get('Location')
  }
  set location(value: string | null) {
    if (value === null) this.headers.delete('Location')
    else this.headers.set('Location', value)
  }

  /** A live, typed view of the Cache-Control header. */
  get cacheControl(): CacheControl {
    return new CacheControl(this.headers)
  }

  /**
   * Adds a Set-Cookie header. The path defaults to `/`; `maxAge` also sets `Expires`; `partitioned`
   * forces `Secure`; a leading dot and a port are stripped from `domain` (all as Werkzeug).
   *
   * @throws TypeError when the name or an attribute holds characters a cookie cannot carry.
   */
  setCookie(name: string, value: string, options: CookieOptions = {}): void {
    const header = dumpCookie(name, value, options)
    if (this.maxCookieSize && header.length > this.maxCookieSize) {
      process.emitWarning(
        `The "${name}" cookie is too large: its Set-Cookie header is ${header.length} bytes but the limit ` +
          `is ${this.maxCookieSize}. Browsers may silently ignore cookies larger than this.`,
        'CookieSizeWarning',
      )
    }
    // Kept aside, as the Content-Type is, when Headers would store it unchanged (dumpCookie's always is).
    if (this.#headers === undefined && PLAIN_HEADER_VALUE.test(header)) {
      if (this.#setCookies === null) this.#setCookies = [header]
      else this.#setCookies.push(header)
    } else {
      this.headers.append('Set-Cookie', header)
    }
  }

  /**
   * Tells the client to drop a cookie: an empty value that expired in 1970. Pass the path and domain
   * it was set with, or the browser keeps it.
   */
  deleteCookie(name: string, options: DeleteCookieOptions = {}): void {
    this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }

  /** Adds header names to Vary, each once, compared case-insensitively. */
  vary(...names: string[]): void {
    const header = this.#headers === undefined ? this.#vary : this.#headers.get('Vary')
    // Fast path, a session's: one name, and no Vary yet (the general path would set just that name).
    if (names.length === 1) {
      if (header === null) {
        this.#setVary(names[0]!)
        return
      }
      // A session varies the response twice, on the same name.
      if (header.length === names[0]!.length && header.toLowerCase() === names[0]!.toLowerCase()) return
    }
    const current = (header ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
    const seen = new Set(current.map((name) => name.toLowerCase()))
    for (const name of names) {
      if (!seen.has(name.toLowerCase())) {
        seen.add(name.toLowerCase())
        current.push(name)
      }
    }
    // Unchanged, it is not set again (undici's Headers validates every set).
    const joined = current.join(', ')
    if (current.length && joined !== header) this.#setVary(joined)
  }

  #setVary(value: string): void {
    if (this.#headers === undefined && PLAIN_HEADER_VALUE.test(value)) this.#vary = value
    else this.headers.set('Vary', value)
  }

  /**
   * Reads the whole body. A streamed body can be iterated only once, so it is replaced by the bytes
   * it produced, and the response can still be sent afterwards.
   */
  async bytes(): Promise<Uint8Array> {
    const body = this.body
    if (body === null) return new Uint8Array(0)
    if (typeof body === 'string') return encoder.encode(body)
    if (body instanceof Uint8Array) return body
    const chunks: Uint8Array[] = []
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk)
    const bytes = new Uint8Array(Buffer.concat(chunks))
    this.body = bytes
    return bytes
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return typeof this.body === 'string' ? this.body : new TextDecoder().decode(await this.bytes())
  }

  /**
   * Reads the whole body and parses it as JSON.
   *
   * @throws SyntaxError when the body is not JSON.
   */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }
}

const encoder = new TextEncoder()

// Printable ASCII, no space at either end: what a WHATWG Headers stores exactly as given.
const PLAIN_HEADER_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/

// Werkzeug's get_content_type: these types are text, so they say which charset they use.
const CHARSET_TYPES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/sql',
  'application/xml',
  'application/xml-dtd',
  'application/xml-external-parsed-entity',
])

function withCharset(mimetype: string): string {
  const type = mimetype.toLowerCase()
  const isText = type.startsWith('text/') || CHARSET_TYPES.has(type) || type.endsWith('+xml')
  return isText && !type.includes('charset=') ? `${mimetype}; charset=utf-8` : mimetype
}

function toHeaders(init: ResponseHeadersInit | undefined): Headers {
  if (init === undefined) return new Headers()
  if (init instanceof Headers) return new Headers(init)
  const headers = new Headers()
  const entries = Symbol.iterator in init ? init : Object.entries(init)
  for (const [name, value] of entries as Iterable<readonly [string, string | readonly string[]]>) {
    for (const one of typeof value === 'string' ? [value] : value) headers.append(name, one)
  }
  return headers
}

function toBody(body: ResponseBodyInit): ResponseBody {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return body
  if (Symbol.asyncIterator in body) return body
  return fromSync(body)
}

async function* fromSync(chunks: Iterable<ResponseChunk>): AsyncGenerator<ResponseChunk> {
  yield* chunks
}

/** Escapes text for HTML as markupsafe does, so generated pages match Werkzeug's byte for byte. */
export function escapeHtml(text: string): string {
  // Most text has nothing to escape; the rest is copied in slices, which is several times faster
  // than a replace with a callback per character (a template escapes every value it prints).
  const first = text.search(NEEDS_ESCAPE)
  if (first === -1) return text
  let escaped = ''
  let copied = 0
  for (let i = first; i < text.length; i++) {
    let entity: string
    switch (text.charCodeAt(i)) {
      case 38: // &
        entity = '&amp;'
        break
      case 60: // <
        entity = '&lt;'
        break
      case 62: // >
        entity = '&gt;'
        break
      case 34: // "
        entity = '&#34;'
        break
      case 39: // '
        entity = '&#39;'
        break
      default:
        continue
    }
    escaped += text.slice(copied, i) + entity
    copied = i + 1
  }
  return escaped + text.slice(copied)
}

const NEEDS_ESCAPE = /[&<>"']/
