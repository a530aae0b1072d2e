/**
 * WebSockets on the node:http server. Node emits `upgrade` for every request with `Connection:
 * upgrade` once an upgrade listener exists; a GET asking for `websocket` is matched against
 * websocket rules and run through the websocket lifecycle, where `ws` (in noServer mode) completes
 * the handshake only when the handler accepts, and a rejection is written to the socket as a plain
 * HTTP response. Any other Upgrade (`h2c` …) is ignored, as RFC 9110 §7.8 allows: the request goes
 * back to the HTTP server and is answered as plain HTTP/1.1.
 */
import { EventEmitter } from 'node:events'
import { type IncomingMessage, STATUS_CODES } from 'node:http'
import { createRequire } from 'node:module'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import type { Flagon } from '../app.js'
import { handleWebsocket, type WebsocketServing } from '../lifecycle/websocket.js'
import type { Response } from '../wrappers/response.js'
import { type AcceptOptions, Websocket, WebsocketDisconnect } from '../wrappers/websocket.js'
import { requestFromNode } from './node.js'
import { KeepAlive, watchWhilePaused } from './websocket-liveness.js'

/** What the 101 response of one handshake adds: the chosen subprotocol and extra headers. */
interface Acceptance {
  subprotocol: string | undefined
  headers: Headers | undefined
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/** A listener for the server's `upgrade` event that serves `app`'s websocket routes. */
export function upgradeHandler(app: Flagon, open: Set<Websocket>): UpgradeListener {
  const acceptances = new WeakMap<IncomingMessage, Acceptance>()
  const keepAlive = new KeepAlive(open)
  // ws takes tens of milliseconds to load: it is loaded by the first handshake accepted, not at start.
  let wss: WebSocketServer | undefined
  const server = (): WebSocketServer => {
    if (wss) return wss
    const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof import('ws')
    wss = new WebSocketServer({
      noServer: true,
      maxPayload: app.config.WEBSOCKET_MAX_MESSAGE_SIZE,
      perMessageDeflate: false,
      // The app tracks its websockets itself (`open`); ws's own set would cost each one a listener.
      clientTracking: false,
      // Quart picks no subprotocol unless the handler names one in accept().
      handleProtocols: (_offered, req) => acceptances.get(req)?.subprotocol ?? false,
    })
    wss.on('headers', (lines, req) => {
      for (const [name, value] of acceptances.get(req)?.headers ?? []) lines.push(`${name}: ${value}`)
    })
    return wss
  }

  /** Completes the handshake of `req`; rejects when ws could not (the client has gone). */
  const complete = (req: IncomingMessage, socket: Duplex, head: Buffer, options: AcceptOptions) => {
    const { subprotocol, headers } = options
    acceptances.set(req, { subprotocol, headers: headers ? new Headers(headers) : undefined })
    let ws: WebSocket | undefined
    // Without verifyClient, ws answers synchronously: it calls back, or it has destroyed a socket whose
    // client already left (or answered an error itself), and then never calls back.
    server().handleUpgrade(req, socket, head, (accepted) => {
      ws = accepted
    })
    acceptances.delete(req)
    if (!ws) return Promise.reject(new WebsocketDisconnect(1006, 'The client left before the handshake.'))
    keepAlive.watch(ws, app.config.WEBSOCKET_PING_INTERVAL)
    watchWhilePaused(ws, socket)
    return Promise.resolve(ws)
  }

  return function upgrade(this: unknown, req, socket, head) {
    // A client that resets mid-handshake must not take the process down.
    socket.on('error', destroySelf)
    if (!isWebsocketHandshake(req)) return serveAsHttp(this, req, socket, head)
    const refusal = handshakeRefusal(req)
    if (refusal) return writeRaw(socket, refusal.status, refusal.headers, refusal.message)
    let request: ReturnType<typeof requestFromNode>
    try {
      // A handshake has no body: the request does not keep the IncomingMessage.
      request = requestFromNode(app, req, null)
    } catch {
      return writeRaw(socket, 400, undefined, 'The request carries a header that is not valid HTTP.')
    }
    serve(app, open, new Websocket(request, (options) => complete(req, socket, head, options)), socket)
  }
}

/**
 * Runs `websocket` through the lifecycle while it is in `open`. Apart from the upgrade listener so
 * that what lives as long as the connection does not keep the handshake's request and buffers.
 */
function serve(app: Flagon, open: Set<Websocket>, websocket: Websocket, socket: Duplex): void {
  open.add(websocket)
  handleWebsocket(app, websocket, new Serving(app, open, websocket, socket))
}

/** What the lifecycle of one websocket asks of the server: one object per socket, no closures. */
class Serving implements WebsocketServing {
  constructor(
    readonly app: Flagon,
    readonly open: Set<Websocket>,
    readonly websocket: Websocket,
    readonly socket: Duplex,
  ) {}

  reject(response: Response): Promise<void> {
    return writeResponse(this.socket, response)
  }

  done(): void {
    this.open.delete(this.websocket)
  }

  failed(error: unknown): void {
    const { websocket } = this
    this.open.delete(websocket)
    this.app.logger.error(`Failed to serve the websocket ${websocket.path}`, error)
    if (websocket.socket) websocket.socket.terminate()
    else this.socket.destroy()
  }
}

/** Only a GET asking for `websocket` is a handshake; Hypercorn serves any other upgrade as HTTP. */
function isWebsocketHandshake(req: IncomingMessage): boolean {
  return req.method === 'GET' && req.headers.upgrade?.trim().toLowerCase() === 'websocket'
}

interface Refusal {
  status: number
  headers?: Headers
  message: string
}

/** The answer to a websocket handshake that ws could not complete, or undefined when it could. */
function handshakeRefusal(req: IncomingMessage): Refusal | undefined {
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) {
    return { status: 400, message: 'A websocket handshake needs HTTP/1.1 (RFC 6455 §4.1).' }
  }
  // RFC 6455 §4.2.2: a version the server does not speak gets 426 and the versions it does.
  if (req.headers['sec-websocket-version'] !== '13') {
    return {
      status: 426,
      headers: new Headers({ upgrade: 'websocket', 'sec-websocket-version': '13' }),
      message: 'Missing or unsupported Sec-WebSocket-Version: this server speaks version 13 (RFC 6455).',
    }
  }
  if (!/^[+/0-9A-Za-z]{22}==$/.test(req.headers['sec-websocket-key'] ?? '')) {
    return { status: 400, message: 'Missing or invalid Sec-WebSocket-Key header.' }
  }
  const protocols = req.headers['sec-websocket-protocol']
  if (protocols !== undefined && !isTokenList(protocols)) {
    return {
      status: 400,
      message: 'Invalid Sec-WebSocket-Protocol header: a list of distinct tokens is expected.',
    }
  }
  return undefined
}

/** ws's rule for Sec-WebSocket-Protocol: comma-separated RFC 9110 tokens, none repeated. */
function isTokenList(value: string): boolean {
  const tokens = value.split(',').map((token) => token.trim())
  return (
    tokens.every((token) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(token)) &&
    new Set(tokens).size === tokens.length
  )
}

/**
 * Answers a request whose Upgrade names another protocol as plain HTTP, on the same connection.
 * Node has parsed its head and detached the socket from the HTTP server, so the head is rebuilt
 * without the upgrade (the `Upgrade` field and Connection's `upgrade` option, which would make
 * Node emit `upgrade` again) and put back in front of what the client sent after it, and the
 * socket re-enters the server as a connection of its own: Node documents emitting `connection`
 * (`secureConnection` over TLS) with a socket for exactly that. Keep-alive, bodies and the
 * server's timeouts then work as for any request.
 */
function serveAsHttp(listenerThis: unknown, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const server = (socket as Duplex & { server?: unknown }).server ?? listenerThis
  const event = (socket as Duplex & { encrypted?: boolean }).encrypted ? 'secureConnection' : 'connection'
  const bytes = headWithoutUpgrade(req)
  if (!(server instanceof EventEmitter) || server.listenerCount(event) === 0 || !bytes) {
    writeRaw(
      socket,
      400,
      undefined,
      'Only websocket upgrades are served here; send this request without Upgrade.',
    )
    return
  }
  socket.off('error', destroySelf)
  socket.unshift(head.byteLength ? Buffer.concat([bytes, head]) : bytes)
  server.emit(event, socket)
}

/** The request's head as it was sent, less the upgrade; undefined if a field could not be sent back. */
function headWithoutUpgrade(req: IncomingMessage): Buffer | undefined {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
  const raw = req.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    let value = raw[i + 1]!
    // Node's parser refused these already; a field that could end the head early is never written.
    if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(value)) return undefined
    const lower = name.toLowerCase()
    if (lower === 'upgrade') continue
    if (lower === 'connection') {
      value = value
        .split(',')
        .map((option) => option.trim())
        .filter((option) => option !== '' && option.toLowerCase() !== 'upgrade')
        .join(', ')
      if (value === '') continue
    }
    lines.push(`${name}: ${value}`)
  }
  // Node's parser reads header bytes as latin1; written back the same way, they are the bytes sent.
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

async function writeResponse(socket: Duplex, response: Response): Promise<void> {
  const body = await response.bytes()
  writeRaw(socket, response.status, response.headers, body)
}

/** How long a refused client may take to read its answer before the connection is cut. */
const LINGER_MS = 1000

function writeRaw(
  socket: Duplex,
  status: number,
  headers: Headers | undefined,
  body: string | Uint8Array,
): void {
  if (socket.destroyed) return
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const lines = [`HTTP/1.1 ${status} ${statusText(status)}`]
  for (const [name, value] of headers ?? [])
    if (name !== 'set-cookie' && name !== 'content-length') lines.push(`${name}: ${value}`)
  for (const cookie of headers?.getSetCookie() ?? []) lines.push(`set-cookie: ${cookie}`)
  if (!headers?.has('content-type') && bytes.byteLength) lines.push('content-type: text/plain; charset=utf-8')
  // RFC 9110 §7.8: whoever sends Upgrade (a 426 does) names it in Connection too.
  const connection = headers?.has('upgrade') ? 'upgrade, close' : 'close'
  lines.push(
    `content-length: ${bytes.byteLength}`,
    `connection: ${connection}`,
    `date: ${new Date().toUTCString()}`,
  )
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), bytes]))
  // What the client still sends is read and dropped: closing with it unread would reset the
  // connection, and the client could lose the answer. A client that neither reads nor closes is cut.
  socket.resume()
  socket.once('end', destroySelf)
  setTimeout(destroy, LINGER_MS, socket).unref()
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown'
}

function destroySelf(this: Duplex): void {
  this.destroy()
}

function destroy(socket: Duplex): void {
  socket.destroy()
}
