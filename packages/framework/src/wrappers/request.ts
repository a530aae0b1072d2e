/**
 * The HTTP request a view sees, as Quart's `Request` on Werkzeug's sans-IO request
 * (quart-behaviour.md §1.6). The server adapter builds it from what arrived; everything derived
 * from the headers is parsed lazily and cached, and the body is read only when a view asks for it,
 * within the limits set on the request at that moment (see `body.ts`).
 *
 * Where Quart is awaitable properties (`await request.form`), Flagon has methods
 * (`await request.form()`), so an object is never mistaken for a promise (Quart #61).
 */
import { isUtf8 } from 'node:buffer'
import { BadRequest, UnsupportedMediaType } from '../exceptions.js'
import { Accept, CharsetAccept, LanguageAccept, MIMEAccept } from './accept.js'
import { type Authorization, parseAuthorization } from './authorization.js'
import { BodyReader, declaredLength, type RequestBody } from './body.js'
import { parseCookies } from './cookie-header.js'
import type { UploadedFile } from './files.js'
import { type ParsedForm, parseForm } from './form.js'
import { parseOptionsHeader } from './header-values.js'
import { MultiDict } from './multidict.js'
import { parseQuery, percentDecode, quoteUrlPart } from './percent.js'

/** What the server adapter knows about a request when it hands it to the app. */
export interface RequestInit {
  method: string
  scheme: 'http' | 'https'
  /** The Host header's value (host, and port when not the default). */
  host: string
  /** The raw path, still percent-encoded, without the query; a leading `rootPath` is removed. */
  path: string
  /** The raw query string, without the `?`. */
  queryString: string
  /**
   * The headers, or the flat `[name, value, …]` list a server received (Node's `rawHeaders`), which
   * becomes a `Headers` only when something asks for all of them.
   */
  headers: Headers | readonly string[]
  remoteAddr: string | null
  /** The prefix the app is mounted under, such as `/api`; `''` at the root. */
  rootPath?: string
  /** Such as `1.1` (the default) or `2`. */
  httpVersion?: string
  /** The body stream: a Node `IncomingMessage`, a WHATWG `ReadableStream`, any async iterable; `null` for none. */
  body: AsyncIterable<Uint8Array> | null
  maxContentLength?: number | null
  /** Seconds. */
  bodyTimeout?: number | null
  maxFormMemorySize?: number | null
  maxFormParts?: number | null
}

/** Options of {@link Request.json}. */
export interface JsonOptions {
  /** Parse whatever the Content-Type says. */
  force?: boolean
  /** Answer `null` instead of throwing when the type is not JSON or the JSON is invalid. */
  silent?: boolean
}

const UNSET: unique symbol = Symbol('unset')

/**
 * One HTTP request. Inside a view it is the `request` global.
 * @example
 * app.post('/users', async () => {
 *   const { name } = (await request.form()).toObject()
 *   const page = request.args.get('page') ?? '1'
 * })
 */
export class Request {
  /** The method, upper-cased. */
  readonly method: string
  readonly scheme: 'http' | 'https'
  /** The host and, when not the default, the port, from the Host header. */
  readonly host: string
  /** The prefix the app is mounted under, without a trailing slash (`''` at the root). */
  readonly rootPath: string
  /** The path after {@link rootPath}, percent-encoded as received. */
  readonly rawPath: string
  /** The path after {@link rootPath}, percent-decoded (a broken escape stays as sent). Routing uses it. */
  readonly path: string
  /** The raw query string, without the `?`. */
  readonly queryString: string
  /** The client's address, as the server saw it (no proxy headers are trusted). */
  readonly remoteAddr: string | null
  readonly httpVersion: string

  /** The body limit in bytes (413 above it); the app sets it from `MAX_CONTENT_LENGTH` and the route. */
  maxContentLength: number | null
  /** Seconds allowed to receive the whole body (408 after); from `BODY_TIMEOUT` and the route. */
  bodyTimeout: number | null
  /** Bytes allowed in one non-file multipart field (413 above); from `MAX_FORM_MEMORY_SIZE`. */
  maxFormMemorySize: number | null
  /** Parts allowed in a multipart body (413 above); from `MAX_FORM_PARTS`. */
  maxFormParts: number | null
  /** The matched endpoint, set by the app after routing; `null` before or when nothing matched. */
  endpoint: string | null = null
  /** The converted URL parameters of the matched rule, set by the app after routing. */
  viewArgs: Record<string, unknown> | null = null

  // Made when the body is first asked for: most requests never read one, and a websocket keeps its
  // handshake request for as long as it lives.
  #reader: BodyReader | AsyncIterable<Uint8Array> | null
  #headers: Headers | undefined
  readonly #rawHeaders: readonly string[] | undefined
  #args: MultiDict | undefined
  #cookies: ReadonlyMap<string, string> | undefined
  #contentType: [string, Record<string, string>] | undefined
  #authorization: Authorization | null | undefined
  #accepts: Map<string, Accept> | undefined
  #form: Promise<ParsedForm> | null = null
  #json: unknown = UNSET
  #silentJson: unknown = UNSET

  constructor(init: RequestInit) {
    this.method = init.method.toUpperCase()
    this.scheme = init.scheme
    this.host = init.host
    this.rootPath = init.rootPath ? init.rootPath.replace(/\/+$/, '') : ''
    let raw = init.path
    // ASGI servers and proxies pass the full path; Quart's asgi.py cuts the root path off it.
    if (this.rootPath && (raw === this.rootPath || raw.startsWith(`${this.rootPath}/`))) {
      raw = raw.slice(this.rootPath.length)
    }
    // Werkzeug: path = "/" + path.lstrip("/"). Most paths already are, and are spared the copies.
    this.rawPath = oneLeadingSlash(raw)
    const decoded = percentDecode(this.rawPath)
    this.path = decoded === this.rawPath ? decoded : oneLeadingSlash(decoded)
    this.queryString = init.queryString
    if (init.headers instanceof Headers) this.#headers = init.headers
    else this.#rawHeaders = init.headers
    this.remoteAddr = init.remoteAddr
    this.httpVersion = init.httpVersion ?? '1.1'
    this.maxContentLength = init.maxContentLength ?? null
    this.bodyTimeout = init.bodyTimeout ?? null
    this.maxFormMemorySize = init.maxFormMemorySize ?? null
    this.maxFormParts = init.maxFormParts ?? null
    this.#reader = init.body
  }

  /** The request's headers. */
  get headers(): Headers {
    this.#headers ??= headersFrom(this.#rawHeaders ?? [])
    return this.#headers
  }

  /**
   * One header's value, as `headers.get(name)` gives it (`name` in lower case). Reading a header or
   * two does not build the whole `Headers`, which most requests never need.
   */
  header(name: string): string | null {
    const raw = this.#rawHeaders
    if (this.#headers !== undefined || raw === undefined) return this.headers.get(name)
    let value: string | null = null
    for (let i = 0; i < raw.length; i += 2) {
      const field = raw[i]!
      if (field.length === name.length && field.toLowerCase() === name) {
        const found = raw[i + 1]!.trim()
        // As Headers joins them: a Cookie field's values with '; ', any other's with ', '.
        value = value === null ? found : `${value}${name === 'cookie' ? '; ' : ', '}${found}`
      }
    }
    return value
  }

  /** The path and the query string, always joined by `?` (as Werkzeug's `full_path`). */
  get fullPath(): string {
    return `${this.path}?${this.queryString}`
  }

  /** The full URL: scheme, host, root path, path and query string (percent-encoded). */
  get url(): string {
    return this.queryString
      ? `${this.baseUrl}?${quoteUrlPart(this.queryString, "!$&'()*+,/:;=?@%")}`
      : this.baseUrl
  }

  /** {@link url} without the query string. */
  get baseUrl(): string {
    return `${this.urlRoot}${quoteUrlPart(this.rawPath.slice(1))}`
  }

  /** Scheme, host and root path, with a trailing slash: where the app is reached. */
  get urlRoot(): string {
    return `${this.scheme}://${this.host}${quoteUrlPart(this.rootPath)}/`
  }

  /** Scheme and host only, with a trailing slash. */
  get hostUrl(): string {
    return `${this.scheme}://${this.host}/`
  }

  /** True over HTTPS. */
  get isSecure(): boolean {
    return this.scheme === 'https'
  }

  /**
   * The query arguments. Bytes that are not UTF-8 stay percent-encoded (Werkzeug 2.3+).
   * @example
   * request.args.get('q') // '?q=a&q=b' → 'a'
   */
  get args(): MultiDict {
    this.#args ??= new MultiDict(parseQuery(this.queryString, 'keep'))
    return this.#args
  }

  /** The cookies the client sent; a malformed Cookie header gives what could be read. */
  get cookies(): ReadonlyMap<string, string> {
    this.#cookies ??= parseCookies(this.header('cookie'))
    return this.#cookies
  }

  /** The Content-Type header as sent, or `null`. */
  get contentType(): string | null {
    return this.header('content-type')
  }

  /** The Content-Type without parameters, lower-cased (`''` when absent). */
  get mimetype(): string {
    return this.#parsedContentType()[0]
  }

  /** The Content-Type's parameters, such as `{ charset: 'utf-8' }`. */
  get mimetypeParams(): Record<string, string> {
    return { ...this.#parsedContentType()[1] }
  }

  /** The declared body length; `null` when not declared, for a chunked body, or when the header is invalid. */
  get contentLength(): number | null {
    try {
      return declaredLength(this)
    } catch {
      return null // reading the body answers 400; merely asking should not throw
    }
  }

  /** True for `application/json` and `application/*+json`. */
  get isJson(): boolean {
    const mimetype = this.mimetype
    return (
      mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'))
    )
  }

  /** The parsed `Accept` header (same as {@link acceptMimetypes}). */
  get accept(): MIMEAccept {
    return this.acceptMimetypes
  }

  /** The parsed `Accept` header. */
  get acceptMimetypes(): MIMEAccept {
    return this.#accept('accept', (header) => MIMEAccept.parse(header))
  }

  /** The parsed `Accept-Language` header. */
  get acceptLanguages(): LanguageAccept {
    return this.#accept('accept-language', (header) => LanguageAccept.parse(header))
  }

  /** The parsed `Accept-Encoding` header. */
  get acceptEncodings(): Accept {
    return this.#accept('accept-encoding', (header) => Accept.parse(header))
  }

  /** The parsed `Accept-Charset` header. */
  get acceptCharsets(): CharsetAccept {
    return this.#accept('accept-charset', (header) => CharsetAccept.parse(header))
  }

  /** The User-Agent header, unparsed. */
  get userAgent(): string | null {
    return this.header('user-agent')
  }

  /** The Origin header. */
  get origin(): string | null {
    return this.header('origin')
  }

  /** The Referer header (HTTP's spelling of referrer). */
  get referrer(): string | null {
    return this.header('referer')
  }

  /** The parsed Authorization header, or `null` when absent or unreadable. */
  get authorization(): Authorization | null {
    if (this.#authorization === undefined)
      this.#authorization = parseAuthorization(this.header('authorization'))
    return this.#authorization
  }

  /** The blueprint of the matched endpoint (`'a.b'` for endpoint `'a.b.view'`), or `null`. */
  get blueprint(): string | null {
    const dot = this.endpoint?.lastIndexOf('.') ?? -1
    return dot === -1 ? null : (this.endpoint as string).slice(0, dot)
  }

  /** The blueprint and its parents, innermost first: `['a.b', 'a']`. */
  get blueprints(): string[] {
    const names: string[] = []
    for (
      let name = this.blueprint;
      name;
      name = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : null
    ) {
      names.push(name)
    }
    return names
  }

  /**
   * The body: `await request.body()` for all of it, `for await (const chunk of request.body())`
   * to stream it. It is read once; awaiting again gives the cached bytes.
   * @throws RequestEntityTooLarge, RequestTimeout, BadRequest — see {@link RequestBody}
   */
  body(): RequestBody {
    return this.#bodyReader().body()
  }

  /** The body as text, in the Content-Type's charset (UTF-8 by default or when unknown). */
  async text(): Promise<string> {
    const bytes = await this.#bodyReader().read()
    return decoderFor(this.#parsedContentType()[1].charset).decode(bytes)
  }

  /**
   * The body parsed as JSON (Flask 3's `get_json`). The result is cached, separately for silent calls.
   * @throws UnsupportedMediaType (415) when the Content-Type is not JSON, unless `force` or `silent`
   * @throws BadRequest (400) `Failed to decode JSON object: …` when it does not parse, unless `silent`
   */
  async json(options: JsonOptions = {}): Promise<unknown> {
    const cached = options.silent ? this.#silentJson : this.#json
    if (cached !== UNSET) return cached
    if (!(options.force || this.isJson)) {
      if (options.silent) return null
      throw new UnsupportedMediaType(
        "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
      )
    }
    const bytes = await this.#bodyReader().read()
    let value: unknown
    try {
      value = JSON.parse(decodeUtf8Strictly(bytes))
    } catch (error) {
      if (!options.silent) throw new BadRequest(`Failed to decode JSON object: ${(error as Error).message}`)
      this.#silentJson = null
      return null
    }
    this.#json = value
    this.#silentJson = value
    return value
  }

  /** The form fields of a urlencoded or multipart body; empty for other types. Parsed once. */
  async form(): Promise<MultiDict> {
    return (await this.#parsedForm()).form
  }

  /** The uploaded files of a multipart body, by field name. */
  async files(): Promise<MultiDict<UploadedFile>> {
    return (await this.#parsedForm()).files
  }

  /** The query arguments followed by the form fields; the form is left out for GET (as Werkzeug). */
  async values(): Promise<MultiDict> {
    if (this.method === 'GET') return this.args
    return new MultiDict([...this.args, ...(await this.form())])
  }

  /** @internal True once the form was read (or is being read): only then may `close()` have files to remove. */
  get hasForm(): boolean {
    return this.#form !== null
  }

  /** Removes the temporary files of spooled uploads; the app calls it when the request ends. */
  async close(): Promise<void> {
    const parsed = await this.#form?.catch(() => null)
    if (parsed) await Promise.all([...parsed.files.values()].map((file) => file.close()))
  }

  #parsedForm(): Promise<ParsedForm> {
    if (this.#form === null) {
      const parsing = parseForm(() => this.#bodyReader().read(), this.mimetype, this.mimetypeParams, this)
      this.#form = parsing
      // Concurrent callers share one parse; a failed one may be retried (e.g. after raising a limit).
      parsing.catch(() => {
        if (this.#form === parsing) this.#form = null
      })
    }
    return this.#form
  }

  #parsedContentType(): [string, Record<string, string>] {
    if (this.#contentType === undefined) {
      const [value, options] = parseOptionsHeader(this.header('content-type'))
      this.#contentType = [value.toLowerCase(), options]
    }
    return this.#contentType
  }

  #accept<T extends Accept>(header: string, parse: (value: string | null) => T): T {
    this.#accepts ??= new Map()
    let accept = this.#accepts.get(header)
    if (accept === undefined) {
      accept = parse(this.header(header))
      this.#accepts.set(header, accept)
    }
    return accept as T
  }

  #bodyReader(): BodyReader {
    if (!(this.#reader instanceof BodyReader)) this.#reader = new BodyReader(this.#reader, this)
    return this.#reader
  }
}

/**
 * UTF-8 text of `bytes`, without a leading byte-order mark (Python's json.loads accepts one), as
 * TextDecoder's fatal mode, at a fraction of its cost: a check, then Buffer's decoder.
 * @throws TypeError when the bytes are not UTF-8
 */
function decodeUtf8Strictly(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new TypeError('The encoded data was not valid for encoding utf-8')
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString('utf8')
}

/** `path` with its leading slashes made one. */
function oneLeadingSlash(path: string): string {
  const SLASH = 47
  if (path.charCodeAt(0) === SLASH && path.charCodeAt(1) !== SLASH) return path
  return `/${path.replace(/^\/+/, '')}`
}

/**
 * A `Headers` from a server's flat `[name, value, …]` list.
 * @throws BadRequest when a name or value is not valid HTTP (Node's parser refuses them first,
 *   unless a server was made with `insecureHTTPParser`)
 */
function headersFrom(raw: readonly string[]): Headers {
  const headers = new Headers()
  try {
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  } catch {
    throw new BadRequest('The request carries a header that is not valid HTTP.')
  }
  return headers
}

/** A decoder for the charset the client named; UTF-8 when it named none or one unknown here. */
function decoderFor(charset: string | undefined) {
  try {
    return new TextDecoder(charset ?? 'utf-8')
  } catch {
    return new TextDecoder()
  }
}
