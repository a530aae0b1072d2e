/**
 * Sessions in Redis, through ioredis: `GET`, `SET … EX`, `DEL`, `EXPIRE`, the records Quart-Session
 * writes. Given a URL (`redis://`, `rediss://` for TLS) the store makes its own client, which reconnects
 * on its own with a short backoff and refuses commands while disconnected (rather than queueing them to
 * run long after the request gave up); given a client (`Redis` or `Cluster`) it uses it as it is.
 */
import { once } from 'node:events'
import { setTimeout } from 'node:timers/promises'
import { Cluster, Redis, type RedisOptions } from 'ioredis'
import type { Store } from './store.js'

/** A client the store can use as it is. */
export type RedisClient = Redis | Cluster

/** How a {@link RedisStore} makes its client from a URL. */
export interface RedisStoreOptions {
  /** Where the store reports a lost connection, once per outage. */
  logger?: { warn(message: string): void }
  /** Options for the client made from a URL, over the store's defaults. */
  clientOptions?: RedisOptions
}

/**
 * A Redis store. The client made from a URL connects on first use (or `open()`), and `close()` quits
 * it; a client passed in stays yours to close.
 *
 * @example
 * new RedisStore('redis://127.0.0.1:6379/0')
 * new RedisStore(new Cluster([{ host: 'redis-1', port: 6379 }])) // shared with the app
 */
export class RedisStore implements Store {
  readonly name = 'redis'
  readonly client: RedisClient
  readonly #owned: boolean
  #ready: Promise<void> | undefined
  #closing = false

  constructor(client: RedisClient | string, options: RedisStoreOptions = {}) {
    this.#owned = typeof client === 'string'
    this.client =
      typeof client === 'string'
        ? new Redis(client, {
            lazyConnect: true,
            // Refuse commands while disconnected, and fail those in flight when the connection drops:
            // a write queued for later could land after its request was answered with a 503.
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            // Try again soon, so that service returns within half a second of the server.
            retryStrategy: (attempt) => Math.min(attempt * 50, 500),
            ...options.clientOptions,
          })
        : client
    if (this.#owned) this.#reportOutages(options.logger)
  }

  async open(): Promise<void> {
    await this.#whenReady()
  }

  async get(key: string): Promise<string | null> {
    await this.#whenReady()
    return this.client.get(key)
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    await this.#whenReady()
    await this.client.set(key, value, 'EX', ttl)
  }

  async delete(key: string): Promise<void> {
    await this.#whenReady()
    await this.client.del(key)
  }

  async touch(key: string, ttl: number): Promise<boolean> {
    await this.#whenReady()
    return (await this.client.expire(key, ttl)) === 1
  }

  /** Quits the client the store made; leaves a client passed in open. */
  async close(): Promise<void> {
    if (!this.#owned || this.client.status === 'end') return
    this.#closing = true
    const ended = once(this.client, 'end').catch(() => {})
    if (this.client.status === 'ready') await this.client.quit().catch(() => {})
    this.client.disconnect()
    // A client between reconnect attempts just stops; one with a socket ends when the socket closes.
    if (['ready', 'connect', 'connecting', 'close'].includes(this.client.status)) {
      await Promise.race([ended, setTimeout(1000, undefined, { ref: false })])
    }
  }

  // Once per outage: a dropped connection (or a first connection that fails) is worth one line, not one a request.
  #reportOutages(logger: { warn(message: string): void } | undefined): void {
    let up = false
    let reported = false
    const report = (message: string) => {
      if (reported || this.#closing) return
      reported = true
      logger?.warn(message)
    }
    this.client.on('ready', () => {
      up = true
      reported = false
    })
    this.client.on('close', () => {
      if (up) report('The Redis session store lost its connection; reconnecting.')
      up = false
    })
    // Without a listener, ioredis would print each failed reconnection itself.
    this.client.on('error', (error: Error) => {
      report(`The Redis session store cannot reach the server (${error.message}); retrying.`)
    })
  }

  // The store's own client refuses commands until it is connected: wait for that (the interface's
  // timeout bounds the wait), so a request arriving during a reconnect is served as soon as it is done.
  #whenReady(): Promise<void> | undefined {
    if (!this.#owned || this.client.status === 'ready') return undefined
    if (this.client.status === 'end') {
      return Promise.reject(new Error('The Redis session store was closed.'))
    }
    if (this.client.status === 'wait') this.client.connect().catch(() => {})
    this.#ready ??= new Promise<void>((resolve) => {
      this.client.once('ready', () => {
        this.#ready = undefined
        resolve()
      })
    })
    return this.#ready
  }
}

/** Whether a value looks like an ioredis client (a `Redis` or a `Cluster`). */
export function isRedisClient(value: unknown): value is RedisClient {
  // By shape, not class: the app's ioredis may be another copy than this package's.
  if (value instanceof Redis || value instanceof Cluster) return true
  const client = value as Partial<Record<'get' | 'set' | 'del' | 'expire', unknown>> | null
  return (
    typeof value === 'object' &&
    client !== null &&
    ['get', 'set', 'del', 'expire'].every((m) => typeof client[m as 'get'] === 'function')
  )
}
