/**
 * The session directory behind `listSessions`, the revoke methods and `subscribeRevocations`: it keeps
 * each user's index of sessions in step with what the interface stores, ends sessions, and announces
 * every ended session (through the store's pub/sub when it has one, else in this process). The
 * interface owns one and calls it after each store write; every store call still goes through the
 * interface's one guarded call (breaker and timeout).
 */
import { EventEmitter } from 'node:events'
import type { Awaitable } from '../interface.js'
import type { StoreOperation } from './errors.js'
import type { ServerSideSession } from './session.js'
import type { Store } from './store.js'
import {
  indexFields,
  type RevocationEvent,
  type RevocationReason,
  readIndex,
  SessionIndexUnavailable,
  sessionIdHash,
  type UserSession,
} from './user-sessions.js'

/** What the directory reads from its interface, at each call (the settings are public fields). */
export interface DirectoryHost {
  readonly store: Store
  readonly keyPrefix: string
  readonly identityKey: string | null
  now(): number
  keyFor(sid: string): string
}

/** The interface's guarded store call. */
export type StoreCall = <T>(operation: StoreOperation, fn: () => Awaitable<T>) => Promise<T>

/** Who made the request that tied a session to its user. */
export interface SessionClient {
  userAgent: string | null
  address: string | null
}

type IndexedStore = Store & Required<Pick<Store, 'indexSet' | 'indexDelete' | 'indexEntries'>>

/** Users' indexes of sessions, and the revocation events. */
export class SessionDirectory {
  // Revocation events, when the store cannot carry them between processes.
  readonly #local = new EventEmitter().setMaxListeners(0)

  constructor(
    readonly host: DirectoryHost,
    readonly call: StoreCall,
  ) {}

  /** See `ServerSideSessionInterface.subscribeRevocations`. */
  async subscribe(listener: (event: RevocationEvent) => void): Promise<() => Promise<void>> {
    const store = this.host.store
    if (!store.subscribe) {
      this.#local.on('revoked', listener)
      return async () => void this.#local.off('revoked', listener)
    }
    return this.call('subscribe', () =>
      store.subscribe!(this.#channel(), (message) => {
        const event = parseEvent(message)
        if (event !== null) listener(event)
      }),
    )
  }

  /** See `ServerSideSessionInterface.listSessions`. */
  async list(userId: string | number): Promise<UserSession[]> {
    const store = this.#indexStore('listSessions')
    const key = this.#userKey(userId)
    const entries = readIndex(await this.call('index', () => store.indexEntries(key)))
    const records = await Promise.all(
      entries.map(({ sid }) => this.call('get', () => store.get(this.host.keyFor(sid)))),
    )
    // Sessions that expired or ended without telling the index are dropped from it now.
    const stale = entries
      .filter((_, i) => records[i] === null)
      .flatMap(({ idHash }) => [idHash, `${idHash}:seen`])
    if (stale.length > 0) await this.call('index', () => store.indexDelete(key, stale))
    return entries.filter((_, i) => records[i] !== null).map(({ sid: _sid, ...session }) => session)
  }

  /** See `ServerSideSessionInterface.revokeSession`. */
  async revoke(userId: string | number, idHash: string): Promise<boolean> {
    const store = this.#indexStore('revokeSession')
    const entries = readIndex(await this.call('index', () => store.indexEntries(this.#userKey(userId))))
    const entry = entries.find((session) => session.idHash === idHash)
    if (entry === undefined) return false
    await this.call('delete', () => store.delete(this.host.keyFor(entry.sid)))
    await this.ended(entry.sid, String(userId), 'revoked')
    return true
  }

  /** See `ServerSideSessionInterface.revokeAllSessions`. */
  async revokeAll(userId: string | number, except: string | undefined): Promise<number> {
    const store = this.#indexStore('revokeAllSessions')
    const entries = readIndex(await this.call('index', () => store.indexEntries(this.#userKey(userId))))
    let ended = 0
    for (const entry of entries) {
      if (entry.idHash === except) continue
      await this.call('delete', () => store.delete(this.host.keyFor(entry.sid)))
      await this.ended(entry.sid, String(userId), 'revoked')
      ended++
    }
    return ended
  }

  /**
   * Keeps the user's index in step with a stored session: a new entry at login (or when the user
   * changed), else only its last-seen time; an entry in the previous user's index is removed.
   */
  async index(
    session: ServerSideSession,
    before: string | null,
    login: boolean,
    ttl: number,
    client: SessionClient,
  ): Promise<void> {
    const store = this.host.store
    if (this.host.identityKey === null || !store.indexSet || !store.indexDelete) return
    const user = this.identity(Object.fromEntries(session.entries()))
    const hash = sessionIdHash(session.sid)
    if (before !== null && before !== user) {
      await this.call('index', () => store.indexDelete!(this.#userKey(before), [hash, `${hash}:seen`]))
    }
    if (user === null) return
    const now = this.host.now()
    const entry = login || before !== user ? { sid: session.sid, created: now, ...client } : null
    await this.call('index', () => store.indexSet!(this.#userKey(user), indexFields(hash, entry, now), ttl))
  }

  /** A session ended: out of its user's index, and announced to every process. */
  async ended(sid: string, user: string | null, reason: RevocationReason): Promise<void> {
    const store = this.host.store
    const idHash = sessionIdHash(sid)
    if (user !== null && this.host.identityKey !== null && store.indexDelete) {
      await this.call('index', () => store.indexDelete!(this.#userKey(user), [idHash, `${idHash}:seen`]))
    }
    const event: RevocationEvent = { idHash, reason }
    if (store.publish) {
      await this.call('publish', () => store.publish!(this.#channel(), JSON.stringify(event)))
    } else {
      this.#local.emit('revoked', event)
    }
  }

  /** The user a session's data names under `SESSION_IDENTITY_KEY`, as a string; null for none. */
  identity(data: Record<string, unknown> | null): string | null {
    const identityKey = this.host.identityKey
    if (identityKey === null || data === null) return null
    const value = data[identityKey]
    return value === undefined || value === null ? null : String(value)
  }

  #userKey(userId: string | number): string {
    // A ':' can never be in a session id, so this key never meets a record's.
    return `${this.host.keyPrefix}user:${userId}`
  }

  #channel(): string {
    return `${this.host.keyPrefix}revoked`
  }

  #indexStore(method: string): IndexedStore {
    if (this.host.identityKey === null) {
      throw new TypeError(
        `${method}() needs SESSION_IDENTITY_KEY: the session key that names the user, e.g. "user_id".`,
      )
    }
    const store = this.host.store
    if (!store.indexSet || !store.indexDelete || !store.indexEntries) {
      throw new SessionIndexUnavailable(store.name, method)
    }
    return store as IndexedStore
  }
}

function parseEvent(message: string): RevocationEvent | null {
  try {
    const event = JSON.parse(message) as RevocationEvent
    return typeof event.idHash === 'string' ? event : null
  } catch {
    return null
  }
}
