/**
 * WebSockets on the node:http server: the `upgrade` event is matched against websocket rules and run
 * through the websocket lifecycle; `ws` (in noServer mode) completes the handshake only when the
 * handler accepts, and a rejection is written to the socket as a plain HTTP response.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http'
import { createRequire } from 'node:module'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import type { Flagon } from '../app.js'
import { handleWebsocket } from '../lifecycle/websocket.js'
import type { Response } from '../wrappers/response.js'
import { type AcceptOptions, Websocket } from '../wrappers/websocket.js'
import { requestFromNode } from './node.js'

/** What the 101 response of one handshake adds: the chosen subprotocol and extra headers. */
interface Acceptance {
  subprotocol: string | undefined
  headers: Headers
}

/** A listener for the server's `upgrade` event that serves `app`'s websocket routes. */
export function upgradeHandler(
  app: Flagon,
  open: Set<Websocket>,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const acceptances = new WeakMap<IncomingMessage, Acceptance>()
  const maxPayload = app.config.WEBSOCKET_MAX_MESSAGE_SIZE
  // ws takes tens of milliseconds to load: it is loaded by the first handshake accepted, not at start.
  let wss: WebSocketServer | undefined
  const server = (): WebSocketServer => {
    if (wss) return wss
    const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof import('ws')
    wss = new WebSocketServer({
      noServer: true,
      maxPayload,
      perMessageDeflate: false,
      // Quart picks no subprotocol unless the handler names one in accept().
      handleProtocols: (_offered, req) => acceptances.get(req)?.subprotocol ?? false,
    })
    wss.on('headers', (lines, req) => {
      for (const [name, value] of acceptances.get(req)?.headers ?? []) lines.push(`${name}: ${value}`)
    })
    return wss
  }

  return (req, socket, head) => {
    // A client that resets mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy())
    const problem = handshakeProblem(req)
    if (problem) return void writeRaw(socket, 400, new Headers(), problem)
    let request: ReturnType<typeof requestFromNode>
    try {
      request = requestFromNode(app, req)
    } catch {
      return void writeRaw(socket, 400, new Headers(), 'The request carries a header that is not valid HTTP.')
    }
    const accept = (options: AcceptOptions) =>
      new Promise<WebSocket>((resolve) => {
        acceptances.set(req, { subprotocol: options.subprotocol, headers: new Headers(options.headers) })
        server().handleUpgrade(req, socket, head, (ws) => {
          keepAlive(ws, app.config.WEBSOCKET_PING_INTERVAL)
          resolve(ws)
        })
      })
    const websocket = new Websocket(request, accept)
    open.add(websocket)
    handleWebsocket(app, websocket, (response) => writeResponse(socket, response))
      .catch((error: unknown) => {
        app.logger.error(`Failed to serve the websocket ${request.path}`, error)
        if (websocket.socket) websocket.socket.terminate()
        else socket.destroy()
      })
      .finally(() => open.delete(websocket))
  }
}

/** Why a request is not a websocket handshake ws could complete, or undefined when it is one. */
function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return 'A websocket handshake must use GET.'
  if (req.httpVersionMajor !== 1 || req.httpVersionMinor < 1)
    return 'A websocket handshake needs HTTP/1.1 (RFC 6455).'
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return 'Only websocket upgrades are served.'
  if (!/^[+/0-9A-Za-z]{22}==$/.test(req.headers['sec-websocket-key'] ?? '')) {
    return 'Missing or invalid Sec-WebSocket-Key header.'
  }
  const version = req.headers['sec-websocket-version']
  if (version !== '13' && version !== '8') return 'Missing or invalid Sec-WebSocket-Version header.'
  return undefined
}

/** Pings every `intervalSeconds`; a peer that did not answer the previous ping is dropped. */
function keepAlive(ws: WebSocket, intervalSeconds: number | null): void {
  if (!intervalSeconds) return
  let alive = true
  ws.on('pong', () => {
    alive = true
  })
  const timer = setInterval(() => {
    if (!alive) return void ws.terminate()
    alive = false
    ws.ping()
  }, intervalSeconds * 1000)
  timer.unref()
  ws.once('close', () => clearInterval(timer))
}

async function writeResponse(socket: Duplex, response: Response): Promise<void> {
  const body = await response.bytes()
  writeRaw(socket, response.status, response.headers, body)
}

function writeRaw(socket: Duplex, status: number, headers: Headers, body: string | Uint8Array): void {
  if (socket.destroyed) return
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const lines = [`HTTP/1.1 ${status} ${statusText(status)}`]
  for (const [name, value] of headers)
    if (name !== 'set-cookie' && name !== 'content-length') lines.push(`${name}: ${value}`)
  for (const cookie of headers.getSetCookie()) lines.push(`set-cookie: ${cookie}`)
  if (!headers.has('content-type') && bytes.byteLength) lines.push('content-type: text/plain; charset=utf-8')
  lines.push(`content-length: ${bytes.byteLength}`, 'connection: close', `date: ${new Date().toUTCString()}`)
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), bytes]))
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown'
}
