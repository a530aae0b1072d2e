/**
 * The test client's websockets: a real `ws` client connected to the app's loopback server, with
 * the client's cookies on the handshake. A rejected handshake surfaces its HTTP response.
 */
import type { IncomingMessage } from 'node:http'
import { createRequire } from 'node:module'
import type { WebSocket } from 'ws'
import { WebsocketDisconnect } from '../wrappers/websocket.js'

/** Thrown by `client.websocket()` when the app rejects the handshake; carries the HTTP response. */
export class WebsocketResponseError extends Error {
  constructor(readonly response: { status: number; headers: Headers; body: string }) {
    super(`The websocket handshake was rejected with HTTP ${response.status}.`)
    this.name = 'WebsocketResponseError'
  }
}

/** Options of `client.websocket(path, options)`. */
export interface TestWebsocketOptions {
  headers?: Record<string, string>
  /** Offered in `Sec-WebSocket-Protocol` (Quart's test client drops them; this one does not). */
  subprotocols?: string[]
}

type Message = string | Uint8Array

/** One open test websocket. Close it, or use `await using`. */
export class TestWebsocket {
  readonly #socket: WebSocket
  readonly #queue: Message[] = []
  readonly #waiters: Array<{ resolve: (m: Message) => void; reject: (e: unknown) => void }> = []
  #closed: WebsocketDisconnect | undefined

  /** @internal */
  constructor(
    socket: WebSocket,
    /** The headers of the 101 response. */
    readonly headers: Headers,
  ) {
    this.#socket = socket
    socket.on('message', (data, isBinary) => {
      const message: Message = isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString()
      const waiter = this.#waiters.shift()
      if (waiter) waiter.resolve(message)
      else this.#queue.push(message)
    })
    socket.on('close', (code, reason) => {
      this.#closed = new WebsocketDisconnect(code, reason.toString())
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closed)
    })
    socket.on('error', () => {})
  }

  /** The subprotocol the app accepted with, or '' for none. */
  get subprotocol(): string {
    return this.#socket.protocol
  }

  /** The close code and reason once the server closed, else undefined. */
  get closed(): WebsocketDisconnect | undefined {
    return this.#closed
  }

  async send(data: string | Uint8Array): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#socket.send(data, (error) => (error ? reject(error) : resolve())),
    )
  }

  async sendJson(value: unknown): Promise<void> {
    await this.send(JSON.stringify(value))
  }

  /**
   * The next message from the app.
   * @throws WebsocketDisconnect (with the close code) once the app has closed the socket.
   */
  async receive(): Promise<Message> {
    const next = this.#queue.shift()
    if (next !== undefined) return next
    if (this.#closed) throw this.#closed
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  async receiveJson(): Promise<unknown> {
    const message = await this.receive()
    return JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message))
  }

  /** Waits for the app to close the socket, and returns the code and reason. */
  async waitClosed(): Promise<WebsocketDisconnect> {
    if (this.#closed) return this.#closed
    return new Promise((resolve) => this.#socket.once('close', () => resolve(this.#closed!)))
  }

  /** Closes the socket from the client's side and waits until it is closed. */
  async close(code = 1000, reason = ''): Promise<void> {
    if (this.#socket.readyState === this.#socket.CLOSED) return
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()))
    this.#socket.close(code, reason)
    await closed
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/**
 * Opens a websocket to `url` with `headers`; resolves once accepted.
 * `onSetCookie` receives the Set-Cookie headers of the 101 or of the rejection.
 * @throws WebsocketResponseError when the app answers with an HTTP response instead.
 */
export function connectWebsocket(
  url: string,
  headers: Record<string, string>,
  subprotocols: string[],
  onSetCookie: (cookies: string[]) => void,
): Promise<TestWebsocket> {
  // ws is loaded by the first test websocket, not by every app that imports Flagon.
  const { WebSocket } = createRequire(import.meta.url)('ws') as typeof import('ws')
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, subprotocols, { headers, perMessageDeflate: false })
    let upgradeHeaders = new Headers()
    socket.once('upgrade', (res: IncomingMessage) => {
      upgradeHeaders = toHeaders(res)
      onSetCookie(upgradeHeaders.getSetCookie())
    })
    socket.once('open', () => resolve(new TestWebsocket(socket, upgradeHeaders)))
    socket.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const responseHeaders = toHeaders(res)
        onSetCookie(responseHeaders.getSetCookie())
        reject(
          new WebsocketResponseError({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            body: Buffer.concat(chunks).toString(),
          }),
        )
        socket.terminate()
      })
    })
    socket.once('error', (error) => reject(error))
  })
}

function toHeaders(res: IncomingMessage): Headers {
  const headers = new Headers()
  for (let i = 0; i < res.rawHeaders.length; i += 2)
    headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!)
  return headers
}
