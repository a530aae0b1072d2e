/**
 * The node:http adapter: an IncomingMessage becomes a `Request`, a `Response` is written back.
 * The adapter owns what Quart leaves to Hypercorn: no body for HEAD, 1xx, 204 and 304, the
 * Content-Length of fixed bodies, and cutting a response that takes longer than RESPONSE_TIMEOUT.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import type { Flagon } from '../app.js'
import { endOutsideContext, endStreamOutsideContext } from '../context.js'
import { BadRequest, type HTTPException, ServiceUnavailable } from '../exceptions.js'
import { handleRequest } from '../lifecycle/http.js'
import { Request } from '../wrappers/request.js'
import type { Response } from '../wrappers/response.js'
import { bodyChunks, hasNoBody } from './body.js'
import { Deadlines } from './deadlines.js'
import { requestLimits } from './limits.js'

/** A request listener for `http.createServer()` that serves `app`. */
export function nodeHandler(app: Flagon): (req: IncomingMessage, res: ServerResponse) => void {
  const deadlines = new Deadlines()
  return (req, res) => {
    try {
      serve(app, req, res, deadlines)
    } catch (error) {
      failed(app, req, res, error)
    }
  }
}

/** Only a failure of Flagon itself gets here; the lifecycle answers the app's errors. */
function failed(app: Flagon, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  app.logger.error(`Failed to answer ${req.method} ${req.url}`, error)
  if (!res.headersSent) res.writeHead(500).end()
  else res.destroy()
}

/**
 * A listener for the server's `clientError` event: what Node's parser could not parse (or a
 * connection past HEADERS_TIMEOUT) gets Node's own answer (400, 408, 413 or 431) and is closed.
 * Unlike Node's default, a request parsed *before* the garbage on the same connection keeps its
 * own answer: Node would cut it and send the garbage's 400 in its place.
 */
export function clientErrorHandler(): (error: Error & { code?: string }, socket: Duplex) => void {
  const handled = new WeakSet<Duplex>()
  return (error, socket) => {
    // The parser stays in its error state and reports every later chunk again; answer once.
    if (handled.has(socket)) return
    handled.add(socket)
    socket.on('error', () => {})
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage
    // A complete request in flight means the garbage came after it (an incomplete one owns the error).
    if (inFlight && !inFlight.writableEnded && inFlight.req.complete && error.code?.startsWith('HPE_')) {
      // The response ends the connection when it is written; RESPONSE_TIMEOUT bounds a streamed one.
      inFlight.shouldKeepAlive = false
      inFlight.once('close', () => socket.destroy())
      return
    }
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy()
    socket.end(cannedAnswer(error.code))
    // A peer that never reads the answer must not hold the socket.
    setTimeout(() => socket.destroy(), 1000).unref()
  }
}

/** Node's answers to what its parser refuses (400 for the rest), closing the connection. */
const statusForParserError = new Map([
  ['HPE_HEADER_OVERFLOW', 431],
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
  ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
])

function cannedAnswer(code: string | undefined): string {
  const status = statusForParserError.get(code ?? '') ?? 400
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`
}

function serve(app: Flagon, req: IncomingMessage, res: ServerResponse, deadlines: Deadlines): void {
  let request: Request
  try {
    request = requestFromNode(app, req)
  } catch (error) {
    // A request the Request wrapper cannot represent (an invalid header value) is the client's error.
    const answer = (error as HTTPException).getResponse?.() ?? new BadRequest().getResponse()
    return void writeResponse(app, res, answer, false)?.catch((error: unknown) =>
      failed(app, req, res, error),
    )
  }
  const handled = handleRequest(app, request, (response) => {
    // Too late: the client was already told the request timed out.
    if (res.headersSent) return undefined
    if (req.complete || !hasBody(request)) return writeResponse(app, res, response, req.method === 'HEAD')
    // Node's parser reads a body that came with the headers only after this listener and its
    // microtasks: a view that answered without reading it waits for that, so as not to close the connection.
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (res.headersSent) return undefined
      // A body the view left unread stays on the socket and would stall the next request on it.
      if (!req.complete) closeAfter(res)
      return writeResponse(app, res, response, req.method === 'HEAD')
    })
  })
  // Answered and torn down already: nothing to watch.
  if (handled === undefined) return
  const limit = app.config.RESPONSE_TIMEOUT
  if (limit === null) return void handled.catch((error: unknown) => failed(app, req, res, error))
  // Quart bounds only the sending; a view that never answers would hold its client forever.
  const watched = deadlines.watch(res, limit, () => {
    app.logger.warn(
      `${req.method} ${request.path} had no answer after RESPONSE_TIMEOUT (${limit} s); answered 503.`,
    )
    closeAfter(res)
    const answer = new ServiceUnavailable(`The server did not answer within ${limit} seconds.`).getResponse()
    // The view may still finish; its teardown runs then, and its answer is dropped by `send`.
    void writeResponse(app, res, answer, req.method === 'HEAD')
  })
  handled.then(
    () => deadlines.unwatch(watched),
    (error: unknown) => {
      deadlines.unwatch(watched)
      failed(app, req, res, error)
    },
  )
}

/** How long, and how much, a connection closed on an unread body is drained before it is cut. */
const LINGER_MS = 2000
const LINGER_BYTES = 16 * 1024 * 1024

/**
 * Ends the connection once `res` is written, without reading the rest of the request. Node would
 * close the socket at once, and closing with the client's unread body still arriving makes the
 * kernel reset the connection: the client could lose the answer (a 413) it was sent (RFC 9112 §9.6).
 * So only our side is closed, and what still arrives is thrown away unparsed, for a bounded time.
 */
function closeAfter(res: ServerResponse): void {
  res.shouldKeepAlive = false
  const socket = res.socket
  if (!socket) return
  socket.destroySoon = () => {
    // Nothing more reaches the parser: no request after the body can be smuggled in while we linger.
    socket.removeAllListeners('data')
    let drained = 0
    socket.on('data', (chunk: Buffer) => {
      drained += chunk.byteLength
      if (drained > LINGER_BYTES) socket.destroy()
    })
    socket.once('end', () => socket.destroy())
    const timer = setTimeout(() => socket.destroy(), LINGER_MS)
    socket.once('close', () => clearTimeout(timer))
    socket.end()
    socket.resume()
  }
}

/**
 * Wraps a node request; the body stays unread until the view asks for it. A websocket handshake
 * passes `null` for the body, so that its request does not keep the IncomingMessage alive.
 */
export function requestFromNode(
  app: Flagon,
  req: IncomingMessage,
  body: AsyncIterable<Uint8Array> | null = req,
): Request {
  const target = req.url ?? '/'
  // An absolute-form target (`GET http://host/path`) is allowed by HTTP/1.1; keep only its path.
  const relative = target.startsWith('/') ? target : originForm(target)
  const q = relative.indexOf('?')
  const host = firstHost(req.rawHeaders) ?? (app.config.SERVER_NAME as string | null) ?? ''
  return new Request({
    method: req.method ?? 'GET',
    scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    host,
    path: q === -1 ? relative : relative.slice(0, q),
    queryString: q === -1 ? '' : relative.slice(q + 1),
    // Node's parser has refused what is not valid HTTP; the Headers are built only if asked for.
    headers: req.rawHeaders,
    remoteAddr: req.socket.remoteAddress ?? null,
    httpVersion: req.httpVersion,
    body,
    ...requestLimits(app),
  })
}

/**
 * Writes `response` to the client, streaming an async body with backpressure. Resolves when the
 * response is sent, or abandoned because the client left or RESPONSE_TIMEOUT passed.
 */
export function writeResponse(
  app: Flagon,
  res: ServerResponse,
  response: Response,
  head: boolean,
): Promise<void> | undefined {
  const headers = response.headerFields()
  const noBody = head || hasNoBody(response.status)
  const length = response.contentLength
  if (length !== undefined && !hasNoBody(response.status) && !hasField(headers, 'content-length')) {
    headers.push('content-length', String(length))
  }
  res.writeHead(response.status, headers)
  // A body written whole is sent at once, with no promise to wait for.
  if (noBody || response.body === null) {
    endOutsideContext(res)
    return undefined
  }
  const body = response.body
  if (typeof body === 'string' || body instanceof Uint8Array) {
    endOutsideContext(res, body)
    return undefined
  }
  const timeout =
    response.timeout === undefined ? (app.config.RESPONSE_TIMEOUT as number | null) : response.timeout
  return streamBody(res, bodyChunks(body), timeout)
}

async function streamBody(
  res: ServerResponse,
  chunks: AsyncIterator<Uint8Array | string>,
  timeoutSeconds: number | null,
): Promise<void> {
  let abandoned = false
  const abandon = () => {
    abandoned = true
    void chunks.return?.()
  }
  res.once('close', () => {
    if (!res.writableFinished) abandon()
  })
  const timer =
    timeoutSeconds === null || timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          abandon()
          res.destroy()
        }, timeoutSeconds * 1000)
  timer?.unref()
  try {
    while (!abandoned) {
      const next = await chunks.next()
      if (next.done || abandoned) break
      if (!res.write(next.value)) await drained(res)
    }
    if (!abandoned) endStreamOutsideContext(res)
  } finally {
    if (timer) clearTimeout(timer)
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

/** True when the flat `[name, value, …]` list has a field of that (lower-case) name. */
function hasField(fields: readonly string[], name: string): boolean {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return true
  return false
}

/** True when the request declares a body: a Content-Length other than 0, or a Transfer-Encoding. */
function hasBody(request: Request): boolean {
  const length = request.header('content-length')
  return (length !== null && length !== '0') || request.header('transfer-encoding') !== null
}

/** The first Host header, as Node's `req.headers.host` (which would build every header to find it). */
function firstHost(raw: readonly string[]): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 4 && name.toLowerCase() === 'host') return raw[i + 1]
  }
  return undefined
}

function originForm(target: string): string {
  try {
    const url = new URL(target)
    return url.pathname + url.search
  } catch {
    return '/'
  }
}
