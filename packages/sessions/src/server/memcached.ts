/**
 * Sessions in Memcached, through memjs (the binary protocol): `GET`, `SET` with an expiry, `DELETE`,
 * `TOUCH`. Records are UTF-8 text, as Quart-Session stores them. memjs opens a connection when it
 * needs one, so after the server comes back the next request simply reconnects.
 *
 * memjs's own methods do not expose CAS (its source leaves that for later), but its exported
 * binary-protocol layer does: `update` sends GET, then SET carrying the CAS value it read (ADD when
 * there was no record) through `client.perform`, and reads again when Memcached answers "exists".
 * Memcached has nothing that spans two keys, so `replace` deletes the old record before writing the new.
 */
import { createRequire } from 'node:module'
import type memjs from 'memjs'
import type { RecordUpdate, Store } from './store.js'

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

// memjs is loaded when a Memcached store is made, not with the package, which most apps use without it.
let memjsModule: typeof memjs | undefined
const requireMemjs = (): typeof memjs => (memjsModule ??= createRequire(import.meta.url)('memjs'))

// The binary protocol's opcodes and statuses (memcached's protocol_binary.h).
const GET = 0x00
const SET = 0x01
const ADD = 0x02
const NOT_FOUND = 0x0001
const EXISTS = 0x0002
const NOT_STORED = 0x0005
/** How many times `update` reads again after losing a race before it gives up. */
const MAX_ATTEMPTS = 100

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
        ? requireMemjs().Client.create(client, {
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

  /** @throws Error when the record kept changing under it (100 lost races in a row). */
  async update(key: string, fn: RecordUpdate, ttl: number): Promise<string | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.#up(this.#perform(GET, key))
      const found = read.header.status === 0
      if (!found && read.header.status !== NOT_FOUND) throw memcachedError('GET', read.header.status)
      const next = fn(found ? read.val.toString('utf8') : null)
      if (next === null) return null
      const extras = Buffer.alloc(8)
      extras.writeUInt32BE(this.#expiry(ttl), 4)
      // With a CAS value, SET stores only over the very version read; ADD stores only where none is.
      const written = await this.#up(
        found
          ? this.#perform(SET, key, extras, Buffer.from(next, 'utf8'), read.header.cas)
          : this.#perform(ADD, key, extras, Buffer.from(next, 'utf8')),
      )
      const status = written.header.status
      if (status === 0) return next
      if (status !== EXISTS && status !== NOT_FOUND && status !== NOT_STORED) {
        throw memcachedError(found ? 'SET' : 'ADD', status)
      }
    }
    throw new Error(`The record ${key.slice(0, 14)}… kept changing; ${MAX_ATTEMPTS} merges lost the race.`)
  }

  async replace(from: string, to: string, value: string, ttl: number): Promise<void> {
    await this.delete(from)
    await this.set(to, value, ttl)
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

  // One binary-protocol request through memjs (its server choice, retries and connection handling).
  #perform(
    opcode: number,
    key: string,
    extras: Buffer = Buffer.alloc(0),
    value: Buffer = Buffer.alloc(0),
    cas?: Buffer,
  ): Promise<memjs.Response> {
    this.client.incrSeq()
    const seq = this.client.seq
    const request = requireMemjs().Utils.makeRequestBuffer(opcode, key, extras, value, seq)
    cas?.copy(request, 16)
    return new Promise((resolve, reject) => {
      this.client.perform(key, request, seq, (error: Error | null, response: memjs.Response) => {
        if (error) reject(error)
        else resolve(response)
      })
    })
  }

  #expiry(ttl: number): number {
    return ttl > RELATIVE_LIMIT ? Math.floor(this.#now() / 1000) + ttl : ttl
  }
}

function memcachedError(operation: string, status: number): Error {
  return new Error(`Memcached answered ${operation} with status 0x${status.toString(16).padStart(4, '0')}.`)
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
