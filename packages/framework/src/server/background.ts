/**
 * Background tasks (`app.addBackgroundTask`): work that outlives the request that started it. Each
 * runs in a fresh app context (not the request's, as in Quart); a failure is logged and signalled
 * and the app keeps serving; shutdown waits for them, up to BACKGROUND_TASK_SHUTDOWN_TIMEOUT.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Flagon } from '../app.js'
import { gotBackgroundException } from '../signals.js'

/** The running background tasks of one app. */
export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>()

  constructor(readonly app: Flagon) {}

  /** How many tasks are still running. */
  get size(): number {
    return this.#running.size
  }

  /** Starts `fn(...args)` in a fresh app context, on the next turn of the event loop. */
  add<A extends unknown[]>(fn: (...args: A) => unknown, args: A): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.app.appContext().run(() => fn(...args)))
      .then(
        () => undefined,
        async (error: unknown) => {
          this.app.logger.error('Exception in background task', error)
          await gotBackgroundException.send(this.app, { error })
        },
      )
      .finally(() => this.#running.delete(task))
    this.#running.add(task)
  }

  /**
   * Waits for the running tasks, up to `timeoutSeconds`; returns how many were still running then.
   * Promises cannot be cancelled: those are left to finish on their own, and the count is logged.
   */
  async drain(timeoutSeconds: number): Promise<number> {
    const deadline = Date.now() + timeoutSeconds * 1000
    // Tasks may start tasks: wait again until none is left or time is up.
    while (this.#running.size > 0 && Date.now() < deadline) {
      const wait = new AbortController()
      await Promise.race([
        Promise.allSettled([...this.#running]),
        sleep(deadline - Date.now(), undefined, { signal: wait.signal }).catch(() => undefined),
      ])
      wait.abort()
    }
    const left = this.#running.size
    if (left > 0)
      this.app.logger.warn(`${left} background task(s) still running after ${timeoutSeconds} s at shutdown.`)
    return left
  }
}
