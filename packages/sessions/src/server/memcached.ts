/**
 * Sessions in Memcached, through memjs (the binary protocol): `GET`, `SET` with an expiry, `DELETE`,
 * `TOUCH`. Records are UTF-8 text, as Quart-Session stores them. memjs opens a connection when it
 * needs one, so after the server comes back the next request simply reconnects.
 */
import memjs from 'memjs'
import type { Store } from './store.js'

/** A memjs client, as the store uses it. */
export type MemcachedClient = memjs.Client

/** How a {@link MemcachedStore} makes its client from `'host:port'`. */
export interface MemcachedStoreOptions {
  /** Seconds memjs waits for an answer before failing the operation (and reconnecting); default 2. */
  timeout?: number
  /** Where memjs's complaints go (a failed server, a bad answer); default nowhere. */
  logger?: { warn(message: string): void }
  /** The clock for expiries past 30 days, which Memcached takes as absolute times; default `Date.now`. */
  now?: () => number
}

// Memcached reads an expiry above 30 days as a Unix time rather than a number of seconds.
const RELATIVE_LIMIT = 30 * 24 * 60 * 60

/**
 * A Memcached store. The client made from `'host:port'` (comma-separated for several servers) is
 * closed by `close()`; a client passed in stays yours to close.
 *
 * @example
 * new MemcachedStore('127.0.0.1:11211')
 */
export class MemcachedStore implements Store {
  readonly name = 'memcached'
  readonly client: MemcachedClient
  readonly #owned: boolean
  readonly #now: () => number
  #down = false

  constructor(client: MemcachedClient | string, options: MemcachedStoreOptions = {}) {
    this.#owned = typeof client === 'string'
    this.#now = options.now ?? Date.now
    const timeout = options.timeout ?? 2
    const logger = options.logger
    this.client =
      typeof client === 'string'
        ? memjs.Client.create(client, {
            retries: 2,
            retry_delay: 0.05,
            timeout,
            conntimeout: timeout,
            keepAlive: true,
            // memjs complains on every failed operation; say it once per outage.
            logger: {
              log: (...args: unknown[]) => {
                if (this.#down) return
                this.#down = true
                logger?.warn(
                  `The Memcached session store failed (${args.join(' ')}); it reconnects on the next call.`,
                )
              },
            },
          })
        : client
  }

  async get(key: string): Promise<string | null> {
    const { value } = await this.#up(this.client.get(key))
    return value === null ? null : value.toString('utf8')
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    await this.#up(this.client.set(key, value, { expires: this.#expiry(ttl) }))
  }

  async delete(key: string): Promise<void> {
    await this.#up(this.client.delete(key))
  }

  async touch(key: string, ttl: number): Promise<boolean> {
    return this.#up(this.client.touch(key, this.#expiry(ttl)))
  }

  /** Closes the client the store made; leaves a client passed in open. */
  async close(): Promise<void> {
    if (this.#owned) this.client.close()
  }

  async #up<T>(operation: Promise<T>): Promise<T> {
    const result = await operation
    this.#down = false
    return result
  }

  #expiry(ttl: number): number {
    return ttl > RELATIVE_LIMIT ? Math.floor(this.#now() / 1000) + ttl : ttl
  }
}

/** Whether a value looks like a memjs client. */
export function isMemcachedClient(value: unknown): value is MemcachedClient {
  const client = value as Partial<Record<'get' | 'set' | 'delete' | 'touch', unknown>> | null
  return (
    typeof value === 'object' &&
    client !== null &&
    ['get', 'set', 'delete', 'touch'].every((m) => typeof client[m as 'get'] === 'function')
  )
}
