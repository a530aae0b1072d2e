/**
 * Noticing that the peer of an accepted websocket has gone, with timers shared by every socket
 * (a timer and its closures per socket were a large share of an idle websocket's memory):
 * - `KeepAlive` pings every open websocket each WEBSOCKET_PING_INTERVAL and drops one that did
 *   not answer the previous ping: a peer that vanished without a word (a cut network);
 * - `watchWhilePaused` knocks on a socket that is not being read. A handler that does not read
 *   makes `Websocket` pause its socket, and a paused socket hears nothing: a FIN or a reset waits
 *   behind the unread data until the handler reads again.
 */
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { Websocket } from '../wrappers/websocket.js'

// Pinged, and no pong since. A WeakSet, so that a socket costs the set nothing once it is gone.
const unanswered = new WeakSet<WebSocket>()

function answered(this: WebSocket): void {
  unanswered.delete(this)
}

/** Pings the accepted websockets of one app, every interval, with one timer for them all. */
export class KeepAlive {
  #timer: NodeJS.Timeout | undefined

  constructor(readonly open: ReadonlySet<Websocket>) {}

  /** Keeps `ws` alive from now on; the timer runs while the app has websockets. */
  watch(ws: WebSocket, intervalSeconds: number | null): void {
    if (!intervalSeconds) return
    ws.on('pong', answered)
    if (this.#timer) return
    this.#timer = setInterval(() => this.#sweep(), intervalSeconds * 1000)
    this.#timer.unref()
  }

  #sweep(): void {
    if (this.open.size === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
      return
    }
    for (const websocket of this.open) {
      const ws = websocket.socket
      if (!ws || ws.readyState !== ws.OPEN) continue
      // A paused socket cannot read the pong: it is not dropped for it (watchWhilePaused knocks instead).
      if (ws.isPaused) {
        unanswered.delete(ws)
        continue
      }
      if (unanswered.has(ws)) {
        ws.terminate()
        continue
      }
      unanswered.add(ws)
      ws.ping()
    }
  }
}

/** How often a paused socket is knocked on: a peer that left is noticed within about two knocks. */
const KNOCK_MS = 250

// The ws socket of each network socket, for `paused` (a listener gets only the network socket).
const websockets = new WeakMap<Duplex, WebSocket>()
// Paused network sockets, with the round in which each was seen paused first.
const paused = new Map<Duplex, number>()
let round = 0
let knocker: NodeJS.Timeout | undefined

/**
 * Watches the network socket of `ws` for pauses. While it stays paused it is knocked on every
 * KNOCK_MS: an end of input already buffered (the stream keeps reading up to its high-water mark)
 * closes it, and ws then delivers what was buffered before the close; otherwise a ping is written.
 * A write to a connection the peer reset fails at once, and a peer that has closed its socket
 * answers the ping with a reset, which the next knock meets. A peer that only half-closed, behind
 * more unread data than the stream buffers, stays unseen until the handler reads again.
 */
export function watchWhilePaused(ws: WebSocket, socket: Duplex): void {
  websockets.set(socket, ws)
  socket.on('pause', onPause)
}

function onPause(this: Duplex): void {
  if (!paused.has(this)) paused.set(this, round)
  if (knocker) return
  knocker = setInterval(knock, KNOCK_MS)
  knocker.unref()
}

function knock(): void {
  round++
  for (const [socket, since] of paused) {
    const ws = websockets.get(socket)
    if (!ws || ws.readyState !== ws.OPEN || socket.destroyed || !socket.isPaused()) {
      paused.delete(socket)
      continue
    }
    // ws pauses a socket for a moment whenever its parser is busy: knock only on one paused for a round.
    if (since === round - 1) continue
    if ((socket as Duplex & { _readableState?: { ended?: boolean } })._readableState?.ended) socket.destroy()
    // With writes waiting, the socket is watched for writability, which reports a reset by itself.
    else if (ws.bufferedAmount === 0) ws.ping()
  }
  if (paused.size === 0) {
    clearInterval(knocker)
    knocker = undefined
  }
}
