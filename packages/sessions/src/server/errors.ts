/**
 * What a server-side session raises when its store fails it. The host answers it with a 503 and a
 * `Retry-After`: the request could not use its session, and saying so beats a hang or a 500 with a stack.
 */

/** The store operations a session interface performs. */
export type StoreOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'touch'
  | 'update'
  | 'replace'
  | 'index'
  | 'publish'
  | 'subscribe'

/** How a {@link StoreUnavailable} came about. */
export interface StoreUnavailableOptions {
  /** The bound the operation ran out of, in seconds (when it timed out). */
  timeout?: number
  /** Seconds the client should wait before retrying; default 1. */
  retryAfter?: number
  /** The store's own error, when it failed rather than timed out. */
  cause?: unknown
  /** True when the circuit breaker refused the call without asking the store. */
  breakerOpen?: boolean
}

/**
 * The session store did not answer in time, or failed: the session could not be read, or a change to it
 * could not be saved. Carries `status = 503` and `retryAfter` (seconds) for the host's error response;
 * after a failed write the response must not claim success, and the 503 says so.
 *
 * @example
 * try {
 *   await sessionInterface.saveSession(app, session, response)
 * } catch (error) {
 *   if (error instanceof StoreUnavailable) return new Response('Try again shortly', {
 *     status: error.status, headers: error.headers })
 *   throw error
 * }
 */
export class StoreUnavailable extends Error {
  override name = 'StoreUnavailable'
  /** The HTTP status a host answers with. */
  readonly status = 503
  /** Seconds before a retry may succeed (the `Retry-After` header). */
  readonly retryAfter: number
  /** The timeout that ran out, in seconds; undefined when the store failed outright. */
  readonly timeout: number | undefined
  /** True when the circuit breaker refused the call at once, after repeated failures. */
  readonly breakerOpen: boolean

  constructor(
    /** The store's name, e.g. `'redis'`. */
    readonly store: string,
    /** What the interface asked of the store. */
    readonly operation: StoreOperation,
    options: StoreUnavailableOptions = {},
  ) {
    const what = options.breakerOpen
      ? `was not asked to ${operation}: it failed repeatedly, and the circuit breaker holds calls back ` +
        'until a probe succeeds'
      : options.timeout !== undefined
        ? `did not answer a ${operation} within ${options.timeout} s (SESSION_STORE_TIMEOUT)`
        : `failed a ${operation} (${describe(options.cause)})`
    const consequence =
      operation === 'get'
        ? 'The session could not be read'
        : 'The change to the session was not saved (or not confirmed)'
    super(
      `The session store "${store}" ${what}. ${consequence}; the request is answered with 503. ` +
        'Check that the store is running and reachable; service resumes on its own when it is.',
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.retryAfter = options.retryAfter ?? 1
    this.timeout = options.timeout
    this.breakerOpen = options.breakerOpen ?? false
  }

  /** What went wrong, in a few words: the store's own error, or the timeout that ran out. */
  get reason(): string {
    if (this.breakerOpen) return 'circuit breaker open'
    if (this.timeout !== undefined) return `no answer within ${this.timeout} s`
    return describe(this.cause)
  }

  /** The headers of the 503 response: `Retry-After`. */
  get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfter) }
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name
  return String(cause)
}
