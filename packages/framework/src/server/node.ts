/**
 * The node:http adapter: an IncomingMessage becomes a `Request`, a `Response` is written back.
 * The adapter owns what Quart leaves to Hypercorn: no body for HEAD, 1xx, 204 and 304, the
 * Content-Length of fixed bodies, and cutting a response that takes longer than RESPONSE_TIMEOUT.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { Flagon } from '../app.js'
import { BadRequest, type HTTPException } from '../exceptions.js'
import { Request } from '../wrappers/request.js'
import type { Response } from '../wrappers/response.js'
import { bodyChunks, hasNoBody } from './body.js'
import { requestLimits } from './limits.js'

/** A request listener for `http.createServer()` that serves `app`. */
export function nodeHandler(app: Flagon): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(app, req, res).catch((error: unknown) => {
      // Only a failure of Flagon itself gets here; the lifecycle answers the app's errors.
      app.logger.error(`Failed to answer ${req.method} ${req.url}`, error)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  }
}

async function serve(app: Flagon, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let request: Request
  try {
    request = requestFromNode(app, req)
  } catch (error) {
    // A request the Request wrapper cannot represent (an invalid header value) is the client's error.
    return writeResponse(
      app,
      res,
      (error as HTTPException).getResponse?.() ?? new BadRequest().getResponse(),
      false,
    )
  }
  await app.handleRequest(request, (response) => {
    // A body the view left unread stays on the socket and would stall the next request on it.
    if (!req.complete) res.shouldKeepAlive = false
    return writeResponse(app, res, response, req.method === 'HEAD')
  })
}

/** Wraps a node request; the body stays unread until the view asks for it. */
export function requestFromNode(app: Flagon, req: IncomingMessage): Request {
  const target = req.url ?? '/'
  // An absolute-form target (`GET http://host/path`) is allowed by HTTP/1.1; keep only its path.
  const relative = target.startsWith('/') ? target : originForm(target)
  const q = relative.indexOf('?')
  const headers = new Headers()
  const raw = req.rawHeaders
  try {
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  } catch {
    throw new BadRequest('The request carries a header that is not valid HTTP.')
  }
  const host = req.headers.host ?? (app.config.SERVER_NAME as string | null) ?? ''
  return new Request({
    method: req.method ?? 'GET',
    scheme: (req.socket as TLSSocket).encrypted ? 'https' : 'http',
    host,
    path: q === -1 ? relative : relative.slice(0, q),
    queryString: q === -1 ? '' : relative.slice(q + 1),
    headers,
    remoteAddr: req.socket.remoteAddress ?? null,
    httpVersion: req.httpVersion,
    body: req,
    ...requestLimits(app),
  })
}

/**
 * Writes `response` to the client, streaming an async body with backpressure. Resolves when the
 * response is sent, or abandoned because the client left or RESPONSE_TIMEOUT passed.
 */
export async function writeResponse(
  app: Flagon,
  res: ServerResponse,
  response: Response,
  head: boolean,
): Promise<void> {
  const headers: string[] = []
  for (const [name, value] of response.headers) if (name !== 'set-cookie') headers.push(name, value)
  for (const cookie of response.headers.getSetCookie()) headers.push('set-cookie', cookie)
  const noBody = head || hasNoBody(response.status)
  const length = response.contentLength
  if (length !== undefined && !hasNoBody(response.status) && !response.headers.has('content-length')) {
    headers.push('content-length', String(length))
  }
  res.writeHead(response.status, headers)
  if (noBody || response.body === null) {
    res.end()
    return
  }
  const body = response.body
  if (typeof body === 'string' || body instanceof Uint8Array) {
    res.end(body)
    return
  }
  const timeout =
    response.timeout === undefined ? (app.config.RESPONSE_TIMEOUT as number | null) : response.timeout
  await streamBody(res, bodyChunks(body), timeout)
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
    if (!abandoned) res.end()
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

function originForm(target: string): string {
  try {
    const url = new URL(target)
    return url.pathname + url.search
  } catch {
    return '/'
  }
}
