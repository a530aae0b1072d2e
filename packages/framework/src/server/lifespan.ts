/**
 * The serving lifespan (quart-behaviour.md §1.17): beforeServing functions and the first half of
 * whileServing generators run before the first request; afterServing and the second half at shutdown.
 */
import type { Flagon } from '../app.js'
import { gotServingException } from '../signals.js'

/** A beforeServing or afterServing function. */
export type ServingFn = () => unknown
/** A whileServing function: an async generator that yields once. */
export type WhileServingFn = () => AsyncGenerator<unknown, unknown, unknown>

/** The app's lifespan state: what runs at start and stop, and whether it is serving. */
export class Lifespan {
  readonly beforeServing: ServingFn[] = []
  readonly afterServing: ServingFn[] = []
  readonly whileServing: WhileServingFn[] = []
  #running: AsyncGenerator[] = []
  #state: 'idle' | 'serving' = 'idle'

  constructor(readonly app: Flagon) {}

  /** Runs the start-up; calling it while serving does nothing, so several servers can share an app. */
  async start(): Promise<void> {
    if (this.#state === 'serving') return
    this.#state = 'serving'
    await this.#guard(() =>
      this.app.appContext().run(async () => {
        for (const fn of this.beforeServing) await fn()
        for (const fn of this.whileServing) {
          const generator = fn()
          await generator.next()
          this.#running.push(generator)
        }
      }),
    )
  }

  /** Runs the shutdown half. */
  async stop(): Promise<void> {
    if (this.#state !== 'serving') return
    this.#state = 'idle'
    const running = this.#running
    this.#running = []
    await this.#guard(() =>
      this.app.appContext().run(async () => {
        for (const fn of this.afterServing) await fn()
        for (const generator of running) {
          const next = await generator.next()
          if (!next.done)
            throw new Error('A whileServing generator yielded twice; it must yield exactly once.')
        }
      }),
    )
  }

  async #guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (error) {
      await gotServingException.send(this.app, { error })
      this.app.logger.error('Error while starting or stopping serving', error)
      throw error
    }
  }
}
