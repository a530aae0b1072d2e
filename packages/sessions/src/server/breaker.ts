/**
 * The circuit breaker in front of a session store. Every store call runs through it (from the
 * interface's one `#call`): while the store answers, calls pass (closed); after `threshold` failures in
 * a row, calls fail at once without reaching the store (open), so a dead store costs no request the
 * full timeout; after a cooldown, one call goes through as a probe (half-open): its success closes the
 * breaker, its failure opens it again for a cooldown twice as long, up to `maxCooldown`. Recovery
 * therefore needs no restart, and comes within `maxCooldown` of the store.
 */

/** The breaker's state: `'closed'` (calls pass), `'open'` (calls fail at once) or `'half-open'` (one probe). */
export type BreakerState = 'closed' | 'open' | 'half-open'

/** How a {@link CircuitBreaker} trips and recovers. Times in seconds. */
export interface BreakerOptions {
  /** Failures in a row that open the breaker; default 3. */
  threshold?: number
  /** Seconds open before the first probe; default 0.25, doubled after each failed probe. */
  cooldown?: number
  /** The longest cooldown; default 1, so service returns within a second of the store. */
  maxCooldown?: number
  /** The clock, in milliseconds; default `Date.now`. */
  now?: () => number
}

/** What the breaker knows, as `sessionInterface.health()` reports it. */
export interface BreakerSnapshot {
  state: BreakerState
  /** Failures in a row (0 once a call succeeds). */
  consecutiveFailures: number
  /** When the breaker last opened; null while it has not since the last success. */
  openSince: Date | null
  /** The last failure's message; null after a success. */
  lastError: string | null
  /** Seconds before the next probe may go through (0 unless open). */
  retryIn: number
}

/** A call refused because the breaker is open; the interface turns it into a StoreUnavailable. */
export class BreakerOpen extends Error {
  override name = 'BreakerOpen'

  /** Seconds until the next probe. */
  constructor(readonly retryIn: number) {
    super(`the circuit breaker is open after repeated failures; the next probe is in ${retryIn.toFixed(2)} s`)
  }
}

/**
 * Counts failures and decides which calls may reach the store.
 *
 * @example
 * const breaker = new CircuitBreaker({ threshold: 3 })
 * await breaker.run(() => store.get(key)) // throws BreakerOpen while open
 */
export class CircuitBreaker {
  readonly threshold: number
  readonly cooldown: number
  readonly maxCooldown: number
  readonly #now: () => number
  #failures = 0
  #openedAt: number | null = null
  #currentCooldown: number
  #probing = false
  #lastError: string | null = null
  /** Called when the state changes (for the outage log line, once each way). */
  onChange: ((state: BreakerState, previous: BreakerState) => void) | undefined

  /** @throws RangeError for a threshold that is not a positive integer or a negative cooldown. */
  constructor(options: BreakerOptions = {}) {
    this.threshold = options.threshold ?? 3
    this.cooldown = options.cooldown ?? 0.25
    this.maxCooldown = Math.max(this.cooldown, options.maxCooldown ?? 1)
    if (!Number.isInteger(this.threshold) || this.threshold < 1) {
      throw new RangeError(`The breaker threshold must be a positive integer, not ${options.threshold}.`)
    }
    if (!(this.cooldown >= 0))
      throw new RangeError(`The breaker cooldown must be ≥ 0, not ${options.cooldown}.`)
    this.#now = options.now ?? Date.now
    this.#currentCooldown = this.cooldown
  }

  get state(): BreakerState {
    if (this.#openedAt === null) return 'closed'
    return this.#probing || this.#retryIn() === 0 ? 'half-open' : 'open'
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.state,
      consecutiveFailures: this.#failures,
      openSince: this.#openedAt === null ? null : new Date(this.#openedAt),
      lastError: this.#lastError,
      retryIn: this.#openedAt === null ? 0 : this.#retryIn(),
    }
  }

  /**
   * Runs `fn` when the breaker lets it through, and learns from its outcome.
   *
   * @throws BreakerOpen when open (or half-open with a probe already out); otherwise what `fn` throws.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.state
    let probe = false
    if (this.#openedAt !== null) {
      if (this.#probing || this.#retryIn() > 0) throw new BreakerOpen(this.#retryIn() || this.cooldown)
      this.#probing = probe = true
    }
    try {
      const result = await fn()
      this.#succeeded(before)
      return result
    } catch (error) {
      this.#failed(error, probe, before)
      throw error
    } finally {
      if (probe) this.#probing = false
    }
  }

  #succeeded(before: BreakerState): void {
    this.#failures = 0
    this.#lastError = null
    if (this.#openedAt === null) return
    this.#openedAt = null
    this.#currentCooldown = this.cooldown
    this.onChange?.('closed', before)
  }

  #failed(error: unknown, probe: boolean, before: BreakerState): void {
    this.#failures++
    // A StoreUnavailable says in `reason` what the store did, without the advice around it.
    const reason = (error as { reason?: unknown } | null)?.reason
    this.#lastError =
      typeof reason === 'string' ? reason : error instanceof Error ? error.message : String(error)
    if (probe) {
      this.#currentCooldown = Math.min(this.#currentCooldown * 2, this.maxCooldown)
      this.#openedAt = this.#now()
    } else if (this.#openedAt === null && this.#failures >= this.threshold) {
      this.#openedAt = this.#now()
      this.onChange?.('open', before)
    }
  }

  #retryIn(): number {
    if (this.#openedAt === null) return 0
    return Math.max(0, (this.#openedAt + this.#currentCooldown * 1000 - this.#now()) / 1000)
  }
}
