/**
 * `Websocket`: what a websocket handler talks through (the `websocket` proxy). It reads like the
 * handshake request (path, args, headers, cookies …) and adds Quart's conversation: `accept()`,
 * `receive()`, `send()`, JSON helpers, `close()` and async iteration over incoming messages.
 * The first send or receive accepts implicitly, as in Quart.
 */
import type { RawData, WebSocket as WsSocket } from 'ws'
import type { HeadersInit } from '../web-types.js'
import type { Request } from './request.js'

/** Thrown by `receive()` (and `send()`) once the connection has closed; carries the close code. */
export class WebsocketDisconnect extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`The websocket closed with code ${code}${reason ? ` (${reason})` : ''}.`)
    this.name = 'WebsocketDisconnect'
  }
}

/** Options of `websocket.accept()`. */
export interface AcceptOptions {
  /** Extra headers for the 101 response. */
  headers?: HeadersInit
  /** The subprotocol chosen from `requestedSubprotocols`. */
  subprotocol?: string
}

/** Completes the handshake; supplied by the server adapter. */
export type Acceptor = (options: AcceptOptions) => Promise<WsSocket>

type Message = string | Uint8Array

interface Waiter {
  resolve: (value: Message | IteratorResult<Message>) => void
  reject: (error: unknown) => void
  /** Wants an IteratorResult (the `for await` loop), which ends instead of throwing once closed. */
  iterating: boolean
}

// What send() answers when the frame went straight to the socket: one settled promise for every such send.
const SENT: Promise<void> = Promise.resolve()
// Above this many bytes waiting to be written, send() waits for its frame to be written.
const SEND_HIGH_WATER = 64 * 1024
const TEXT = { binary: false }
const BINARY = { binary: true }

const ENDED: IteratorResult<Message> = Object.freeze({ value: undefined, done: true })

// Stop reading from a client whose messages the handler is not consuming, and read on again
// once it has caught up: the queue never grows without bound.
const PAUSE_AT = 64
const RESUME_AT = 16

// The wrapper of each accepted ws socket, for the listeners below: one function per event for every
// socket, not a closure per socket and event (an idle websocket's memory is mostly such small objects).
const owner: unique symbol = Symbol('flagon.websocket')
type OwnedSocket = WsSocket & { [owner]: Websocket }

/** The websocket of the current connection. */
export class Websocket implements AsyncIterable<Message> {
  #accept: Acceptor | undefined
  #socket: WsSocket | undefined
  #accepting: Promise<WsSocket> | undefined
  // Made on first use: an echo hands each message straight to its waiting receiver, never queueing.
  #queue: Message[] | undefined
  // Who waits for the next message: usually one receiver, so the first has a field of its own.
  #waiter: Waiter | undefined
  #moreWaiters: Waiter[] | undefined
  #closed: WebsocketDisconnect | undefined
  #closedBeforeAccept = false
  // Made on first use of `signal`: an AbortController is a large share of an idle websocket's memory.
  #controller: AbortController | undefined

  constructor(
    /** The HTTP request that asked for the upgrade. */
    readonly handshake: Request,
    accept: Acceptor,
  ) {
    this.#accept = accept
  }

  get path(): string {
    return this.handshake.path
  }
  get rawPath(): string {
    return this.handshake.rawPath
  }
  get queryString(): string {
    return this.handshake.queryString
  }
  get fullPath(): string {
    return this.handshake.fullPath
  }
  /** The URL with the `ws`/`wss` scheme. */
  get url(): string {
    return `${this.scheme}${this.handshake.url.slice(this.handshake.scheme.length)}`
  }
  get host(): string {
    return this.handshake.host
  }
  get rootPath(): string {
    return this.handshake.rootPath
  }
  /** `ws`, or `wss` over TLS. */
  get scheme(): 'ws' | 'wss' {
    return this.handshake.scheme === 'https' ? 'wss' : 'ws'
  }
  get isSecure(): boolean {
    return this.handshake.isSecure
  }
  get args() {
    return this.handshake.args
  }
  get headers(): Headers {
    return this.handshake.headers
  }
  get cookies(): ReadonlyMap<string, string> {
    return this.handshake.cookies
  }
  get remoteAddr(): string | null {
    return this.handshake.remoteAddr
  }
  get userAgent() {
    return this.handshake.userAgent
  }
  get origin() {
    return this.handshake.origin
  }
  get authorization() {
    return this.handshake.authorization
  }
  get endpoint(): string | null {
    return this.handshake.endpoint
  }
  get viewArgs(): Record<string, unknown> | null {
    return this.handshake.viewArgs
  }
  get blueprint(): string | null {
    return this.handshake.blueprint
  }
  get blueprints(): string[] {
    return this.handshake.blueprints
  }

  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`), readable before accepting. */
  get requestedSubprotocols(): string[] {
    const header = this.handshake.headers.get('sec-websocket-protocol')
    return header
      ? header
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : []
  }

  /** True once the handshake has completed. */
  get accepted(): boolean {
    return this.#socket !== undefined
  }

  /** True when the handler closed the socket before accepting it (the client then gets a 403). */
  get closedBeforeAccept(): boolean {
    return this.#closedBeforeAccept
  }

  /** Aborted when the connection closes, whoever closed it. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#closed) this.#controller.abort(this.#closed)
    }
    return this.#controller.signal
  }

  /** The close code and reason once closed, else undefined. */
  get closed(): WebsocketDisconnect | undefined {
    return this.#closed
  }

  /**
   * Completes the handshake. Calling it again does nothing; `send` and `receive` call it for you.
   * @throws WebsocketDisconnect when the socket was closed, or the client left, before it was accepted.
   */
  async accept(options: AcceptOptions = {}): Promise<void> {
    await this.#ensureAccepted(options)
  }

  /**
   * The next message: a string for a text frame, a Uint8Array for a binary one. Messages that
   * arrived before the connection closed are still delivered, in order.
   * @throws WebsocketDisconnect once the connection has closed and every message has been received.
   */
  receive(): Promise<Message> {
    // Not an async function: an idle handler waits here, and each async frame (with its promises)
    // that waits with it is kept for as long as the connection lives.
    return this.#next(false) as Promise<Message>
  }

  /**
   * The next message, or with `iterating` its IteratorResult (done once closed): one promise per
   * message either way, resolved by the socket's listener with what the caller wants.
   */
  #next(iterating: boolean): Promise<Message | IteratorResult<Message>> {
    const socket = this.#socket
    if (!socket) {
      const accepted = this.#ensureAccepted().then(() => this.#next(iterating))
      return iterating ? accepted.catch(endOnDisconnect) : accepted
    }
    const next = this.#queue?.shift()
    if (next !== undefined) {
      if (this.#queue!.length <= RESUME_AT && socket.isPaused) socket.resume()
      return Promise.resolve(iterating ? { value: next, done: false } : next)
    }
    if (this.#closed) return iterating ? Promise.resolve(ENDED) : Promise.reject(this.#closed)
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, iterating }
      if (!this.#waiter) this.#waiter = waiter
      else {
        this.#moreWaiters ??= []
        this.#moreWaiters.push(waiter)
      }
    })
  }

  /** The next message as an IteratorResult, for `Messages`. @internal */
  nextResult(): Promise<IteratorResult<Message>> {
    return this.#next(true) as Promise<IteratorResult<Message>>
  }

  #takeWaiter(): Waiter | undefined {
    const waiter = this.#waiter
    this.#waiter = this.#moreWaiters?.shift()
    return waiter
  }

  /** The next message, parsed as JSON. */
  async receiveJson(): Promise<unknown> {
    const message = await this.receive()
    return JSON.parse(typeof message === 'string' ? message : new TextDecoder().decode(message))
  }

  /**
   * Sends a text (string) or binary frame. Resolves at once while little was waiting to be written
   * (under 64 KiB), else once this frame has been handed to the network: a fast sender, or one
   * whose client does not read, waits instead of buffering without bound (as Hypercorn waits for
   * its transport to drain).
   * @throws WebsocketDisconnect once the connection has closed.
   */
  send(data: string | Uint8Array | ArrayBuffer): Promise<void> {
    // Not an async function, and no promise of its own in the common case: an echo sends as often as it receives.
    const socket = this.#socket
    if (!socket) return this.#ensureAccepted().then(() => this.send(data))
    if (this.#closed) return Promise.reject(this.#closed)
    const options = typeof data === 'string' ? TEXT : BINARY
    // A closing socket answers through the callback, with the error the caller is given.
    if (socket.readyState === socket.OPEN && socket.bufferedAmount < SEND_HIGH_WATER) {
      socket.send(data, options)
      return SENT
    }
    return new Promise<void>((resolve, reject) => {
      socket.send(data, options, (error) => {
        if (error) reject(this.#closed ?? error)
        else resolve()
      })
    })
  }

  /** Sends `value` as a JSON text frame. */
  async sendJson(value: unknown): Promise<void> {
    await this.send(JSON.stringify(value))
  }

  /**
   * Closes the connection. Before acceptance the client gets an HTTP 403 instead (Quart's behaviour).
   * @throws Error when the websocket is already closed.
   */
  async close(code = 1000, reason = ''): Promise<void> {
    if (this.#closedBeforeAccept || this.#closed) {
      throw new Error('The websocket is already closed; it can be closed only once.')
    }
    if (!this.#socket) {
      this.#closedBeforeAccept = true
      this.#markClosed(code, reason)
      return
    }
    const socket = this.#socket
    const done = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.close(code, reason)
    this.#markClosed(code, reason)
    await done
  }

  /**
   * Iterates over incoming messages until the connection closes.
   * @example for await (const message of websocket) await websocket.send(message)
   */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return new Messages(this)
  }

  /** The open socket, when accepted; for the server adapter. @internal */
  get socket(): WsSocket | undefined {
    return this.#socket
  }

  #ensureAccepted(options: AcceptOptions = {}): Promise<WsSocket> {
    if (this.#socket) return Promise.resolve(this.#socket)
    if (this.#closed) return Promise.reject(this.#closed)
    if (!this.#accepting) {
      const accept = this.#accept!
      // The acceptor holds the handshake's request and socket; once accepted, nothing needs it.
      this.#accept = undefined
      // Through a promise, so that an acceptor that throws rejects, as an async one would.
      this.#accepting = new Promise<WsSocket>((resolve) => resolve(accept(options))).then(
        (socket) => this.#attach(socket),
        (error: unknown) => {
          // The client left before the handshake could complete.
          if (error instanceof WebsocketDisconnect) this.#markClosed(error.code, error.reason)
          throw error
        },
      )
    }
    return this.#accepting
  }

  #attach(socket: WsSocket): WsSocket {
    this.#socket = socket
    this.#accepting = undefined
    const owned = socket as OwnedSocket
    owned[owner] = this
    socket.on('message', Websocket.#onMessage)
    socket.on('close', Websocket.#onClose)
    // ws reports protocol violations here and then closes the socket; the close event tells the handler.
    socket.on('error', ignore)
    return socket
  }

  static #onMessage(this: WsSocket, data: RawData, isBinary: boolean): void {
    const websocket = (this as OwnedSocket)[owner]
    const message: Message = isBinary ? toBytes(data) : data.toString()
    const waiter = websocket.#takeWaiter()
    if (waiter) {
      waiter.resolve(waiter.iterating ? { value: message, done: false } : message)
      return
    }
    websocket.#queue ??= []
    if (websocket.#queue.push(message) >= PAUSE_AT) this.pause()
  }

  static #onClose(this: WsSocket, code: number, reason: Buffer): void {
    const websocket = (this as OwnedSocket)[owner]
    websocket.#markClosed(code, reason.toString())
  }

  #markClosed(code: number, reason: string): void {
    if (this.#closed) return
    this.#closed = new WebsocketDisconnect(code, reason)
    for (let waiter = this.#takeWaiter(); waiter; waiter = this.#takeWaiter()) {
      if (waiter.iterating) waiter.resolve(ENDED)
      else waiter.reject(this.#closed)
    }
    this.#controller?.abort(this.#closed)
  }
}

/**
 * The iterator of a websocket's messages. Not an async generator: suspended for as long as the
 * connection is idle, a generator would keep its frame and promises alive for every websocket.
 */
class Messages implements AsyncIterator<Message> {
  readonly #websocket: Websocket

  constructor(websocket: Websocket) {
    this.#websocket = websocket
  }

  next(): Promise<IteratorResult<Message>> {
    return this.#websocket.nextResult()
  }
}

/** A loop over the messages of a socket whose client left before it was accepted simply ends. */
function endOnDisconnect(error: unknown): IteratorResult<Message> {
  if (error instanceof WebsocketDisconnect) return ENDED
  throw error
}

function ignore(): void {}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
