/**
 * The embedded store, the default `SESSION_TYPE`: records in this process's memory, each with its
 * expiry, at most `maxEntries` of them (the least recently used go first). Sessions do not outlive the
 * process and are not shared between processes: for that, use Redis or Memcached.
 */
import { EventEmitter } from 'node:events'
import type { RecordUpdate, Store } from './store.js'

/** How a {@link MemoryStore} is bounded. */
export interface MemoryStoreOptions {
  /** The most records kept; past it, the least recently used record is dropped. Default 10,000. */
  maxEntries?: number
  /** Seconds between sweeps of expired records; default 60. The timer never keeps the process alive. */
  sweepInterval?: number
  /** The clock, in milliseconds since the epoch; default `Date.now`. */
  now?: () => number
}

interface Entry {
  value: string
  expiresAt: number
}

/**
 * Session records in a Map: expired ones read as absent and are swept, and the least recently used
 * are evicted past `maxEntries`. Every operation is synchronous underneath, so `update` (read, merge,
 * write) and `replace` (the regenerate step) are atomic without a lock: nothing else runs in between.
 *
 * @example
 * app.config.SESSION_TYPE = new MemoryStore({ maxEntries: 50_000 })
 */
export class MemoryStore implements Store {
  readonly name = 'memory'
  readonly maxEntries: number
  readonly #now: () => number
  readonly #sweepInterval: number
  // A Map iterates in insertion order; re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<string, Entry>()
  #sweeper: NodeJS.Timeout | undefined
  // Users' indexes of sessions, apart from the records (and from maxEntries: one per user, small).
  readonly #indexes = new Map<string, { fields: Map<string, string>; expiresAt: number }>()
  readonly #channels = new EventEmitter().setMaxListeners(0)

  /** @throws RangeError when `maxEntries` is not a positive integer. */
  constructor(options: MemoryStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, not ${options.maxEntries}.`)
    }
    this.#sweepInterval = options.sweepInterval ?? 60
    this.#now = options.now ?? Date.now
  }

  /** The number of records held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    this.#set(key, value, ttl)
  }

  async update(key: string, fn: RecordUpdate, ttl: number): Promise<string | null> {
    const next = fn(this.#live(key)?.value ?? null)
    if (next !== null) this.#set(key, next, ttl)
    return next
  }

  async replace(from: string, to: string, value: string, ttl: number): Promise<void> {
    this.#entries.delete(from)
    this.#set(to, value, ttl)
  }

  #set(key: string, value: string, ttl: number): void {
    this.#entries.delete(key)
    this.#entries.set(key, { value, expiresAt: this.#now() + ttl * 1000 })
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break
      this.#entries.delete(oldest)
    }
    this.#startSweeping()
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key)
  }

  async touch(key: string, ttl: number): Promise<boolean> {
    const entry = this.#live(key)
    if (entry === undefined) return false
    entry.expiresAt = this.#now() + ttl * 1000
    return true
  }

  async indexSet(key: string, fields: Record<string, string>, ttl: number): Promise<void> {
    const index = this.#liveIndex(key) ?? { fields: new Map<string, string>(), expiresAt: 0 }
    for (const [field, value] of Object.entries(fields)) index.fields.set(field, value)
    index.expiresAt = this.#now() + ttl * 1000
    this.#indexes.set(key, index)
    this.#startSweeping()
  }

  async indexDelete(key: string, fields: readonly string[]): Promise<void> {
    const index = this.#liveIndex(key)
    if (index === undefined) return
    for (const field of fields) index.fields.delete(field)
    if (index.fields.size === 0) this.#indexes.delete(key)
  }

  async indexEntries(key: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.#liveIndex(key)?.fields ?? [])
  }

  /** Delivers in this process only: the memory store is not shared with other processes. */
  async publish(channel: string, message: string): Promise<void> {
    this.#channels.emit(channel, message)
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    this.#channels.on(channel, listener)
    return async () => {
      this.#channels.off(channel, listener)
    }
  }

  /** Removes every expired record now (the timer does it every `sweepInterval` seconds). */
  sweep(): void {
    const now = this.#now()
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key)
    for (const [key, index] of this.#indexes) if (index.expiresAt <= now) this.#indexes.delete(key)
  }

  /** Stops the sweeper and drops every record. */
  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    this.#sweeper = undefined
    this.#entries.clear()
    this.#indexes.clear()
    this.#channels.removeAllListeners()
  }

  #liveIndex(key: string) {
    const index = this.#indexes.get(key)
    if (index === undefined || index.expiresAt > this.#now()) return index
    this.#indexes.delete(key)
    return undefined
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (entry.expiresAt <= this.#now()) return undefined
    this.#entries.set(key, entry)
    return entry
  }

  #startSweeping(): void {
    if (this.#sweeper !== undefined) return
    this.#sweeper = setInterval(() => this.sweep(), this.#sweepInterval * 1000)
    this.#sweeper.unref()
  }
}
