/**
 * Quart's signals (blinker), as small typed event channels. Receivers may be sync or async;
 * `send` awaits them in the order they connected. Signals observe: they cannot change the response.
 */
import type { Flagon } from './app.js'

/** A receiver gets the app that sent the signal and the signal's data. */
export type Receiver<D> = (app: Flagon, data: D) => unknown

/** One named signal. */
export class Signal<D = undefined> {
  readonly #receivers = new Set<Receiver<D>>()
  constructor(readonly name: string) {}

  /** Connects a receiver; returns a function that disconnects it. */
  connect(receiver: Receiver<D>): () => void {
    this.#receivers.add(receiver)
    return () => this.disconnect(receiver)
  }

  disconnect(receiver: Receiver<D>): void {
    this.#receivers.delete(receiver)
  }

  /** True when a receiver is connected; lets the hot path skip building the data. */
  get hasReceivers(): boolean {
    return this.#receivers.size > 0
  }

  async send(app: Flagon, ...[data]: D extends undefined ? [] : [D]): Promise<void> {
    for (const receiver of this.#receivers) await receiver(app, data as D)
  }
}

export const appcontextPushed = new Signal('appcontextPushed')
export const appcontextTearingDown = new Signal<{ error: unknown }>('appcontextTearingDown')
export const appcontextPopped = new Signal('appcontextPopped')
export const requestStarted = new Signal('requestStarted')
export const requestFinished = new Signal<{ response: import('./wrappers/response.js').Response }>(
  'requestFinished',
)
export const requestTearingDown = new Signal<{ error: unknown }>('requestTearingDown')
export const gotRequestException = new Signal<{ error: unknown }>('gotRequestException')
export const gotServingException = new Signal<{ error: unknown }>('gotServingException')
export const websocketStarted = new Signal('websocketStarted')
export const websocketFinished = new Signal<{
  response: import('./wrappers/response.js').Response | undefined
}>('websocketFinished')
export const websocketTearingDown = new Signal<{ error: unknown }>('websocketTearingDown')
export const gotWebsocketException = new Signal<{ error: unknown }>('gotWebsocketException')
export const gotBackgroundException = new Signal<{ error: unknown }>('gotBackgroundException')
