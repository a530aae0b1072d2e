/**
 * The one way the server-side interface calls its store: through the circuit breaker (which refuses
 * the call at once while the store is known to be down), bounded by `SESSION_STORE_TIMEOUT`. Whatever
 * goes wrong (an error, a timeout, an open breaker) comes out as one {@link StoreUnavailable}, a 503.
 */
import type { Awaitable } from '../interface.js'
import { BreakerOpen, type CircuitBreaker } from './breaker.js'
import { type StoreOperation, StoreUnavailable } from './errors.js'

/**
 * Runs `fn` (one store operation) through `breaker`, bounded by `timeout` seconds.
 *
 * @throws StoreUnavailable when the store failed, outlasted the timeout, or the breaker is open.
 */
export async function callStore<T>(
  store: string,
  breaker: CircuitBreaker,
  timeout: number,
  operation: StoreOperation,
  fn: () => Awaitable<T>,
): Promise<T> {
  try {
    return await breaker.run(() => timed(store, timeout, operation, fn))
  } catch (error) {
    if (!(error instanceof BreakerOpen)) throw error
    const retryAfter = Math.max(1, Math.ceil(error.retryIn))
    throw new StoreUnavailable(store, operation, { breakerOpen: true, retryAfter })
  }
}

async function timed<T>(
  store: string,
  timeout: number,
  operation: StoreOperation,
  fn: () => Awaitable<T>,
): Promise<T> {
  const retryAfter = Math.max(1, Math.ceil(timeout))
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailable(store, operation, { timeout, retryAfter })),
      timeout * 1000,
    )
  })
  try {
    return await Promise.race([Promise.resolve().then(fn), expired])
  } catch (error) {
    if (error instanceof StoreUnavailable) throw error
    throw new StoreUnavailable(store, operation, { cause: error, retryAfter })
  } finally {
    clearTimeout(timer)
  }
}
