/**
 * Sessions in Redis, through ioredis: `GET`, `SET … EX`, `DEL`, `EXPIRE`, the records Quart-Session
 * writes (whole strings, so a Quart app sharing the server reads them). A request's changes are merged
 * by compare-and-set, a Lua script that writes only if the record is still the one read; regeneration
 * is a `MULTI` of the new `SET` and the old `DEL`. A user's index of sessions is a hash; revocation
 * events travel by pub/sub, on a second connection the store opens for it (`client.duplicate()`).
 *
 * Given a URL (`redis://`, or `rediss://` for TLS, verified against Node's CAs unless `clientOptions`
 * say otherwise) the store makes its own client, which reconnects on its own with a short backoff and
 * refuses commands while disconnected (rather than queueing them to run long after the request gave
 * up); given a client (`Redis` or `Cluster`) it uses it as it is.
 *
 * On a Redis Cluster every script and `MULTI` touches one key, so one slot, except regeneration's: the
 * old and new ids are random and hash to different slots, so there the old record is deleted first and
 * the new one written after. Hash tags cannot help: they would change Quart-Session's key names, and a
 * tag shared by all sessions would put them all on one node. Pub/sub reaches subscribers on every node.
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { setTimeout } from 'node:timers/promises'
import type { ChainableCommander, Cluster, Redis, RedisOptions } from 'ioredis'
import type { RecordUpdate, Store } from './store.js'

// Compare-and-set in one step: store ARGV[2] only if the record is still the one whose SHA-1 is ARGV[1]
// ('' for none). Redis runs a script atomically; comparing hashes keeps large records off the wire twice.
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
local seen = current and redis.sha1hex(current) or ''
if seen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`
const COMPARE_AND_SET_SHA = createHash('sha1').update(COMPARE_AND_SET).digest('hex')

// ioredis takes a tenth of a second to load: it is loaded when a Redis store is made, not with the package.
let ioredis: typeof import('ioredis') | undefined
const requireIoredis = (): typeof import('ioredis') => (ioredis ??= createRequire(import.meta.url)('ioredis'))

/** How many times `update` reads again after losing a race before it gives up. */
const MAX_ATTEMPTS = 100

/** A client the store can use as it is. */
export type RedisClient = Redis | Cluster

/** How a {@link RedisStore} makes its client from a URL. */
export interface RedisStoreOptions {
  /** Where the store reports a lost connection, once per outage. */
  logger?: { warn(message: string): void }
  /**
   * Options for the client made from a URL, over the store's defaults: for instance the CA that signed
   * the server's certificate, for a `rediss://` URL to a server whose certificate Node does not trust.
   *
   * @example
   * const ca = readFileSync('/etc/ssl/redis-ca.pem')
   * new RedisStore('rediss://redis.internal:6380', { clientOptions: { tls: { ca } } })
   */
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
  // Pub/sub needs a connection of its own; made on the first subscribe, always the store's to close.
  #subscriber: RedisClient | undefined
  readonly #listeners = new Map<string, Set<(message: string) => void>>()

  constructor(client: RedisClient | string, options: RedisStoreOptions = {}) {
    this.#owned = typeof client === 'string'
    this.client =
      typeof client === 'string'
        ? new (requireIoredis().Redis)(client, {
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

  /** @throws Error when the record kept changing under it (100 lost races in a row). */
  async update(key: string, fn: RecordUpdate, ttl: number): Promise<string | null> {
    await this.#whenReady()
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.client.get(key)
      const next = fn(current)
      if (next === null) return null
      const seen = current === null ? '' : createHash('sha1').update(current).digest('hex')
      if ((await this.#compareAndSet(key, seen, next, ttl)) === 1) return next
    }
    throw new Error(`The record ${key.slice(0, 14)}… kept changing; ${MAX_ATTEMPTS} merges lost the race.`)
  }

  async replace(from: string, to: string, value: string, ttl: number): Promise<void> {
    await this.#whenReady()
    // Two random ids hash to different Cluster slots, where MULTI cannot span them: delete first there.
    if (isCluster(this.client)) {
      await this.client.del(from)
      await this.client.set(to, value, 'EX', ttl)
      return
    }
    await execAll(this.client.multi().set(to, value, 'EX', ttl).del(from), 'replace')
  }

  async touch(key: string, ttl: number): Promise<boolean> {
    await this.#whenReady()
    return (await this.client.expire(key, ttl)) === 1
  }

  async indexSet(key: string, fields: Record<string, string>, ttl: number): Promise<void> {
    await this.#whenReady()
    await execAll(this.client.multi().hset(key, fields).expire(key, ttl), 'indexSet')
  }

  async indexDelete(key: string, fields: readonly string[]): Promise<void> {
    await this.#whenReady()
    if (fields.length > 0) await this.client.hdel(key, ...fields)
  }

  async indexEntries(key: string): Promise<Record<string, string>> {
    await this.#whenReady()
    return this.client.hgetall(key)
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#whenReady()
    await this.client.publish(channel, message)
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = await this.#subscriberReady()
    let listeners = this.#listeners.get(channel)
    if (listeners === undefined) {
      listeners = new Set()
      this.#listeners.set(channel, listeners)
      await subscriber.subscribe(channel)
    }
    listeners.add(listener)
    return async () => {
      const current = this.#listeners.get(channel)
      if (!current?.delete(listener) || current.size > 0) return
      this.#listeners.delete(channel)
      if (subscriber.status === 'ready') await subscriber.unsubscribe(channel)
    }
  }

  async #subscriberReady(): Promise<RedisClient> {
    if (this.#subscriber === undefined) {
      // ioredis subscribes again by itself after a reconnect (autoResubscribe).
      const subscriber = this.client.duplicate() as RedisClient
      subscriber.on('error', () => {}) // the main client reports outages once; this one stays quiet
      subscriber.on('message', (channel: string, message: string) => {
        for (const listener of this.#listeners.get(channel) ?? []) listener(message)
      })
      this.#subscriber = subscriber
    }
    const subscriber = this.#subscriber
    if (subscriber.status === 'wait') await subscriber.connect()
    else if (subscriber.status !== 'ready') await once(subscriber, 'ready')
    return subscriber
  }

  /** Quits the client the store made (and its pub/sub connection); leaves a client passed in open. */
  async close(): Promise<void> {
    const subscriber = this.#subscriber
    this.#subscriber = undefined
    this.#listeners.clear()
    if (subscriber) subscriber.disconnect()
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

  async #compareAndSet(key: string, seen: string, next: string, ttl: number): Promise<number> {
    try {
      return (await this.client.evalsha(COMPARE_AND_SET_SHA, 1, key, seen, next, ttl)) as number
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return (await this.client.eval(COMPARE_AND_SET, 1, key, seen, next, ttl)) as number
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
    this.client.on('error', (error: Error & { code?: string }) => {
      if (!isCertificateError(error)) {
        report(`The Redis session store cannot reach the server (${error.message}); retrying.`)
        return
      }
      report(
        `The Redis session store refused the server's TLS certificate (${error.message}); retrying. ` +
          'If a CA of your own signed it, give the store that CA: ' +
          'new RedisStore(url, { clientOptions: { tls: { ca } } }), ' +
          'or the NODE_EXTRA_CA_CERTS environment variable.',
      )
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

// Runs a MULTI and throws the first command's error: exec() resolves even when commands in it failed.
async function execAll(multi: ChainableCommander, operation: string): Promise<void> {
  const results = await multi.exec()
  const failed = results?.find(([error]) => error !== null)
  if (results === null || failed) throw failed?.[0] ?? new Error(`The MULTI of ${operation} was aborted.`)
}

// Node's codes for a certificate it could not verify: an unknown CA, an expired one, another name.
function isCertificateError(error: { code?: string }): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(error.code ?? '')
}

function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true
}

/** Whether a value looks like an ioredis client (a `Redis` or a `Cluster`). */
export function isRedisClient(value: unknown): value is RedisClient {
  // By shape, not class: the app's ioredis may be another copy than this package's.
  const { Redis, Cluster } = requireIoredis()
  if (value instanceof Redis || value instanceof Cluster) return true
  const client = value as Partial<Record<'get' | 'set' | 'del' | 'expire', unknown>> | null
  return (
    typeof value === 'object' &&
    client !== null &&
    ['get', 'set', 'del', 'expire'].every((m) => typeof client[m as 'get'] === 'function')
  )
}
