/**
 * RESPONSE_TIMEOUT for views that never answer, kept by one coarse sweep instead of a timer per
 * request: a timer and a promise race per request cost more than the rest of a small request's
 * routing, and almost every request finishes long before its limit. A sweep runs every quarter of
 * the shortest limit in use (at most every second), so a limit fires at most that late.
 */
import type { ServerResponse } from 'node:http'

/** One request being watched; pass it back to {@link Deadlines.unwatch} once it is answered. */
export interface Watched {
  readonly res: ServerResponse
  readonly due: number
  readonly expire: () => void
}

const MAX_PERIOD_MS = 1000
const MIN_PERIOD_MS = 10

export class Deadlines {
  readonly #watched = new Set<Watched>()
  #timer: NodeJS.Timeout | undefined
  #period = Number.POSITIVE_INFINITY

  /** Calls `expire` once `seconds` have passed, unless unwatched, answered or the client left first. */
  watch(res: ServerResponse, seconds: number, expire: () => void): Watched {
    const ms = seconds * 1000
    const watched: Watched = { res, due: Date.now() + ms, expire }
    this.#watched.add(watched)
    const period = Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, ms / 4))
    if (this.#timer === undefined || period < this.#period) this.#schedule(period)
    return watched
  }

  unwatch(watched: Watched): void {
    this.#watched.delete(watched)
  }

  #schedule(period: number): void {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#period = period
    this.#timer = setInterval(() => this.#sweep(), period)
    // A server with requests in flight is kept alive by its sockets, not by this sweep.
    this.#timer.unref()
  }

  #sweep(): void {
    if (this.#watched.size === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
      this.#period = Number.POSITIVE_INFINITY
      return
    }
    const now = Date.now()
    for (const watched of this.#watched) {
      // A client that left, or a response already under way (its body has a timer of its own), is
      // let go, so that nothing here keeps a stuck view's request alive.
      if (watched.res.req.socket.destroyed || watched.res.headersSent) this.#watched.delete(watched)
      else if (watched.due <= now) {
        this.#watched.delete(watched)
        watched.expire()
      }
    }
  }
}
