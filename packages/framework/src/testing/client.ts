/**
 * The test client: real HTTP requests to the app, over a loopback socket. Each client serves the app's
 * `handler` with its own `node:http` server on 127.0.0.1 (started at the first request) and talks to it
 * through one undici `Pool`, so consecutive requests reuse a keep-alive connection. It follows Quart's
 * `QuartClient` (quart-behaviour.md §1.19): default headers, body options, redirects and a cookie jar.
 *
 * Bodies are read in full before a request resolves, so an unread response never holds a connection.
 * Pass `{ stream: true }` to get the body as the app writes it (server-sent events); such a response holds
 * its connection until it is read to the end or the client is closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Duplex, Readable } from 'node:stream'
import type { Session } from '@flagon/sessions'
import type { Dispatcher, Pool } from 'undici'
import { CookieJar } from './cookie-jar.js'
import { type BodyOptions, encodeBody } from './encode-body.js'
import { TestResponse } from './response.js'
import { connectWebsocket, type TestWebsocket, type TestWebsocketOptions } from './websocket.js'

export type { CookieFilter, StoredCookie } from './cookie-jar.js'
export { CookieJar } from './cookie-jar.js'
export type { BodyOptions, FormFields, TestFile } from './encode-body.js'
export { TestResponse } from './response.js'
export { TestWebsocket, type TestWebsocketOptions, WebsocketResponseError } from './websocket.js'

/** Tags each test request, so that an error it left can be thrown in the test (PROPAGATE_EXCEPTIONS). */
export const testRequestHeader = 'x-flagon-test-request'

let requestCounter = 0

/** What the test client needs of an app: its config, its node handler and its lifespan. */
export interface TestableApp {
  /** Read for `SERVER_NAME`, the Host the client sends (default `localhost`). */
  readonly config: Record<string, unknown>
  /** Serves one request, as given to `node:http`'s `createServer`. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void
  /** Serves websocket handshakes (the server's `upgrade` event), when the app has websockets. */
  readonly upgradeHandler?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /**
   * Opens the session a request to `url` with `cookieHeader` would carry, runs `fn` on it, saves it,
   * and returns the Set-Cookie headers of the save (for `sessionTransaction`).
   */
  runSessionTransaction?(
    url: URL,
    cookieHeader: string | undefined,
    fn: (session: Session) => unknown,
  ): Promise<string[]>
  /** The unhandled error the request tagged `id` left, when errors propagate to tests. */
  takePropagatedError?(id: string): unknown
  /** Runs the start-up half of the lifespan (`beforeServing`, `whileServing`). */
  startServing(): Promise<void>
  /** Runs the shut-down half of the lifespan (`afterServing`). */
  stopServing(): Promise<void>
}

/** Options of a {@link TestClient}. */
export interface TestClientOptions {
  /** Keep cookies from responses and send them back (default true). */
  useCookies?: boolean
}

/** A query string as an object (arrays repeat the name) or as URLSearchParams. */
export type QueryParams = Record<string, string | number | boolean | Array<string | number>> | URLSearchParams

/** The options of one test request. */
export interface RequestOptions extends BodyOptions {
  /** The HTTP method (default GET); the shortcuts such as `client.post()` set it. */
  method?: string
  /** The query string, which must then not be in the path too. */
  query?: QueryParams
  /** Request headers; they override the defaults (`User-Agent: Flagon`, `Host`). */
  headers?: ConstructorParameters<typeof Headers>[0]
  /** Follow 3xx responses that have a Location, up to 10 hops (302/303 turn into GET without a body). */
  followRedirects?: boolean
  /** Sends `Authorization: Basic …` for this user and password. */
  auth?: [user: string, password: string]
  /** Resolve as soon as the headers arrive, and give the body as the app streams it (see {@link TestResponse.body}). */
  stream?: boolean
}

/** Options of the method shortcuts (`client.get()` …), which set the method themselves. */
export type MethodRequestOptions = Omit<RequestOptions, 'method'>

/** Options of {@link TestClient.setCookie}. */
export interface TestCookieOptions {
  /** The `Domain` of the cookie; without it, the cookie is for the client's host only (`SERVER_NAME` or `localhost`). */
  domain?: string
  /** Default `/`. */
  path?: string
  /** Lifetime in seconds; 0 or less deletes the cookie. Takes precedence over `expires`. */
  maxAge?: number
  expires?: Date
  secure?: boolean
  httpOnly?: boolean
  sameSite?: 'lax' | 'strict' | 'none'
}

const MAX_REDIRECTS = 10

interface RawResponse {
  status: number
  headers: Headers
  body: Dispatcher.ResponseData['body']
}

/**
 * Sends requests to an app over a real socket and returns what it answered. Usually made with
 * `app.testClient()`; close it with `close()` (a client that is never closed does not keep the process alive).
 *
 * @example
 * const client = app.testClient()
 * const res = await client.post('/login', { form: { user: 'ada', password: 'pw' }, followRedirects: true })
 * assert.equal(res.status, 200)
 * assert.ok(client.cookies.get('session'))
 * await client.close()
 */
export class TestClient {
  /** The cookies received so far (kept and sent only with `useCookies`, the default). */
  readonly cookies = new CookieJar()
  readonly #app: TestableApp
  readonly #useCookies: boolean
  readonly #streams = new Set<Readable>()
  #serving: Promise<{ server: Server; pool: Pool }> | undefined
  #closed = false

  /** A client for `app`; no server starts until the first request. */
  constructor(app: TestableApp, options: TestClientOptions = {}) {
    this.#app = app
    this.#useCookies = options.useCookies ?? true
  }

  /**
   * Sends a request to the app and returns its response.
   *
   * @example
   * const res = await client.open('/search', { method: 'GET', query: { q: 'flagon', page: 2 } })
   * @throws Error when the query is in the path and in `query`, when body options are combined
   *   that exclude each other, when more than 10 redirects are followed, or after `close()`.
   */
  async open(path: string, options: RequestOptions = {}): Promise<TestResponse> {
    let method = (options.method ?? 'GET').toUpperCase()
    const headers = new Headers(options.headers)
    let url = this.#url(path, options.query, headers.get('host'))
    headers.set('host', url.host)
    if (!headers.has('user-agent')) headers.set('user-agent', 'Flagon')
    if (options.auth !== undefined) {
      const credentials = Buffer.from(options.auth.join(':'), 'utf8').toString('base64')
      headers.set('authorization', `Basic ${credentials}`)
    }
    const follow = options.followRedirects === true
    let { body, contentType } = await encodeBody(options, follow)
    if (contentType !== undefined && !headers.has('content-type')) headers.set('content-type', contentType)

    const history: TestResponse[] = []
    for (;;) {
      const raw = await this.#send(method, url, headers, body)
      const location = raw.headers.get('location')
      if (!follow || location === null || raw.status < 300 || raw.status > 399) {
        return this.#respond(raw, url, options.stream === true, history)
      }
      if (history.length === MAX_REDIRECTS) {
        await raw.body.dump()
        throw new Error(
          `The test client followed ${MAX_REDIRECTS} redirects from ${history[0]?.url} and was sent on ` +
            `again, to ${location}: is there a redirect loop?`,
        )
      }
      history.push(await this.#respond(raw, url, false, []))
      url = new URL(location, url)
      headers.set('host', url.host)
      // Quart's client: 302 and 303 continue with GET; every other redirect repeats the method and body.
      if ((raw.status === 302 || raw.status === 303) && method !== 'HEAD') {
        method = 'GET'
        body = undefined
        headers.delete('content-type')
        headers.delete('content-length')
      }
    }
  }

  /** Sends a GET request; see {@link open}. */
  get(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'GET' })
  }

  /** Sends a POST request; see {@link open}. */
  post(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'POST' })
  }

  /** Sends a PUT request; see {@link open}. */
  put(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'PUT' })
  }

  /** Sends a PATCH request; see {@link open}. */
  patch(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'PATCH' })
  }

  /** Sends a DELETE request; see {@link open}. */
  delete(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'DELETE' })
  }

  /** Sends a HEAD request; the response has the headers and an empty body. See {@link open}. */
  head(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'HEAD' })
  }

  /** Sends an OPTIONS request; see {@link open}. */
  options(path: string, options?: MethodRequestOptions): Promise<TestResponse> {
    return this.open(path, { ...options, method: 'OPTIONS' })
  }

  /**
   * Puts a cookie in the jar, as if the app had set it, for the client's host (or `options.domain`).
   *
   * @throws Error when the client was made with `useCookies: false`.
   */
  setCookie(name: string, value: string, options: TestCookieOptions = {}): void {
    this.#requireCookies('setCookie')
    const { domain, path = '/', maxAge, expires, ...flags } = options
    const expiry = maxAge !== undefined ? new Date(maxAge <= 0 ? 0 : Date.now() + maxAge * 1000) : expires
    this.cookies.store({
      name,
      value,
      domain: (domain ?? this.#hostname()).replace(/^\./, '').toLowerCase(),
      hostOnly: domain === undefined,
      path,
      ...(expiry === undefined ? {} : { expires: expiry }),
      secure: flags.secure === true,
      httpOnly: flags.httpOnly === true,
      ...(flags.sameSite === undefined ? {} : { sameSite: flags.sameSite }),
    })
  }

  /**
   * Removes a cookie from the jar: the one with this path (default `/`) and, if given, this domain.
   *
   * @throws Error when the client was made with `useCookies: false`.
   */
  deleteCookie(name: string, options: { path?: string; domain?: string } = {}): void {
    this.#requireCookies('deleteCookie')
    this.cookies.delete(name, { ...options, path: options.path ?? '/' })
  }

  /** Stops the client: aborts streamed responses still open, closes its connections and its server. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const serving = await this.#serving?.catch(() => undefined)
    if (serving === undefined) return
    for (const stream of this.#streams) stream.destroy()
    await serving.pool.destroy()
    serving.server.closeAllConnections()
    await new Promise<void>((resolve) => serving.server.close(() => resolve()))
  }

  async #send(
    method: string,
    url: URL,
    headers: Headers,
    body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined,
  ): Promise<RawResponse> {
    const { pool } = await this.#serve()
    const sent: Record<string, string> = Object.fromEntries(headers)
    const id = String(++requestCounter)
    sent[testRequestHeader] = id
    const jarCookies = this.#useCookies ? this.cookies.cookieHeader(url) : undefined
    if (jarCookies !== undefined) sent.cookie = sent.cookie ? `${sent.cookie}; ${jarCookies}` : jarCookies
    const response = await pool.request({
      method,
      path: url.pathname + url.search,
      headers: sent,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' || body instanceof Uint8Array ? body : Readable.from(body) }),
    })
    // Recorded before the response was sent, so it is there by now (Quart's test client raises it too).
    const propagated = this.#app.takePropagatedError?.(id)
    if (propagated !== undefined) {
      await response.body.dump()
      throw propagated
    }
    const received = new Headers()
    for (const [name, value] of Object.entries(response.headers)) {
      for (const item of Array.isArray(value) ? value : [value ?? '']) received.append(name, item)
    }
    // The jar learns from every response, redirects included, before anything else is sent.
    if (this.#useCookies) this.cookies.receive(url, received.getSetCookie())
    return { status: response.statusCode, headers: received, body: response.body }
  }

  async #respond(
    raw: RawResponse,
    url: URL,
    stream: boolean,
    history: readonly TestResponse[],
  ): Promise<TestResponse> {
    let body: Uint8Array | AsyncIterable<Uint8Array> = raw.body
    if (stream) {
      this.#streams.add(raw.body)
      raw.body.once('close', () => this.#streams.delete(raw.body))
    } else {
      body = new Uint8Array(await raw.body.arrayBuffer())
      // undici frees a keep-alive connection one event-loop turn after the response ends (client-h1.js,
      // "wait a full event loop cycle"); a request sent sooner would open a second connection.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return new TestResponse({
      status: raw.status,
      headers: raw.headers,
      url: url.href,
      body,
      history: [...history],
    })
  }

  /**
   * Reads or changes the session the client's next request will carry, then stores it in the cookie jar.
   * @example
   * await client.sessionTransaction((session) => { session.set('userId', 42) })
   * expect(await (await client.get('/me')).text()).toBe('42')
   * @throws Error without cookies, or when the app cannot open a session (no SECRET_KEY).
   */
  async sessionTransaction(
    fn: (session: Session) => unknown,
    options: { path?: string } = {},
  ): Promise<void> {
    if (!this.#useCookies) throw new Error('Session transactions only make sense with cookies enabled.')
    if (!this.#app.runSessionTransaction) throw new Error('This app has no sessions to open.')
    const url = this.#url(options.path ?? '/', undefined, null)
    const setCookies = await this.#app.runSessionTransaction(url, this.cookies.cookieHeader(url), fn)
    this.cookies.receive(url, setCookies)
  }

  /**
   * Opens a websocket to the app, carrying the client's cookies; the Set-Cookie headers of the
   * handshake (or of its rejection) reach the cookie jar.
   * @example
   * const ws = await client.websocket('/ws/lobby')
   * await ws.send('hi')
   * expect(await ws.receive()).toBe('lobby: hi')
   * await ws.close()
   * @throws WebsocketResponseError when the app rejects the handshake with an HTTP response.
   */
  async websocket(path: string, options: TestWebsocketOptions = {}): Promise<TestWebsocket> {
    const { server } = await this.#serve()
    const { port } = server.address() as AddressInfo
    const url = this.#url(path, undefined, options.headers?.host ?? null)
    const headers: Record<string, string> = { host: url.host, 'user-agent': 'Flagon', ...options.headers }
    const jarCookies = this.#useCookies ? this.cookies.cookieHeader(url) : undefined
    if (jarCookies !== undefined)
      headers.cookie = headers.cookie ? `${headers.cookie}; ${jarCookies}` : jarCookies
    return connectWebsocket(
      `ws://127.0.0.1:${port}${url.pathname}${url.search}`,
      headers,
      options.subprotocols ?? [],
      (cookies) => {
        if (this.#useCookies) this.cookies.receive(url, cookies)
      },
    )
  }

  #serve(): Promise<{ server: Server; pool: Pool }> {
    if (this.#closed) {
      return Promise.reject(new Error('This test client was closed; make a new one with app.testClient().'))
    }
    this.#serving ??= (async () => {
      const server = createServer(this.#app.handler)
      if (this.#app.upgradeHandler) server.on('upgrade', this.#app.upgradeHandler)
      // Neither the server nor its connections may keep a test run alive; undici refs its own
      // socket while a request is in flight, which is all the liveness needed.
      server.on('connection', (socket) => socket.unref())
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
      server.unref()
      const { port } = server.address() as AddressInfo
      // undici is loaded by the first test request, not by every app that imports Flagon.
      const { Pool } = await import('undici')
      return { server, pool: new Pool(`http://127.0.0.1:${port}`) }
    })()
    return this.#serving
  }

  #url(path: string, query: QueryParams | undefined, host: string | null): URL {
    const url = new URL(path, `http://${host ?? this.#host()}`)
    if (query !== undefined) {
      if (url.search !== '') throw new Error('Query string is defined in the path and as an argument')
      url.search = queryString(query)
    }
    return url
  }

  #host(): string {
    const serverName = this.#app.config.SERVER_NAME
    return typeof serverName === 'string' && serverName !== '' ? serverName : 'localhost'
  }

  #hostname(): string {
    return new URL(`http://${this.#host()}`).hostname
  }

  #requireCookies(method: string): void {
    if (!this.#useCookies) {
      throw new Error(
        `client.${method}() needs the cookie jar, but this client was made with useCookies: false. ` +
          'Make one with app.testClient() to use cookies.',
      )
    }
  }
}

/**
 * Runs `fn` with a test client while the app is serving: the lifespan's start-up runs first, and the
 * client is closed and the shut-down runs after, even when `fn` throws. Behind `app.testApp()`.
 *
 * @example
 * await withTestApp(app, async (client) => {
 *   assert.equal((await client.get('/health')).status, 200)
 * })
 */
export async function withTestApp<T>(
  app: TestableApp,
  fn: (client: TestClient) => Promise<T>,
  options?: TestClientOptions,
): Promise<T> {
  await app.startServing()
  const client = new TestClient(app, options)
  try {
    return await fn(client)
  } finally {
    try {
      await client.close()
    } finally {
      await app.stopServing()
    }
  }
}

function queryString(query: QueryParams): string {
  if (query instanceof URLSearchParams) return query.toString()
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item))
  }
  return params.toString()
}
