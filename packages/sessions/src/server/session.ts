/**
 * The session a server-side interface opens: a {@link Session} whose data lives in a store under a
 * random id, the only thing the cookie carries. Besides the Map-like API it has the id (`sid`),
 * `regenerate()` for a login, and `dirty()` for `SESSION_EXPLICIT`. It remembers which keys the request
 * wrote, so that the interface stores only those (and merges them into what other requests stored).
 */
import { randomBytes } from 'node:crypto'
import { Session, type SessionInit, type SessionKey, type SessionValue } from '../session.js'

/** A fresh session id: 256 random bits from the system's CSPRNG, base64url, 43 characters. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * Whether a string can be a session id at all (`[A-Za-z0-9_-]`, 16 to 128 characters), so that a
 * cookie with anything else never reaches the store. Looking the id up decides whether it is real.
 */
export function isSessionId(value: string): boolean {
  return /^[\w-]{16,128}$/.test(value)
}

/**
 * A server-side session. Its data is stored under `SESSION_KEY_PREFIX + sid`; `new` is true when no
 * record existed (the client had no session, or one the store does not hold).
 *
 * @example
 * app.post('/login', async () => {
 *   session.regenerate() // a new id, so a planted id is worth nothing after login
 *   session.set('user_id', user.id)
 * })
 */
export class ServerSideSession extends Session {
  #sid: string
  #retiredSid: string | null = null
  #dirty = false
  #cleared = false
  readonly #written = new Set<string>()
  /**
   * True when the store could not be read and `SESSION_STORE_FAILURE` is `'anonymous'`: the request goes
   * on with this empty session, which is never stored (a write to it answers 503).
   */
  readonly unavailable: boolean

  constructor(sid: string, initial?: SessionInit | null, isNew = false, unavailable = false) {
    super(initial)
    this.#sid = sid
    this.new = isNew
    this.unavailable = unavailable
  }

  /** The keys this request set or deleted (also through `update`, `pop`, `setDefault` and `clear`). */
  get writtenKeys(): ReadonlySet<string> {
    return this.#written
  }

  /** Whether `clear()` was called: the request ended the session, whatever else it held. */
  get cleared(): boolean {
    return this.#cleared
  }

  override set<K extends SessionKey>(key: K, value: SessionValue<K>): this {
    this.#written.add(key)
    return super.set(key, value)
  }

  override delete(key: SessionKey): boolean {
    const deleted = super.delete(key)
    if (deleted) this.#written.add(key)
    return deleted
  }

  override clear(): void {
    for (const key of super.keys()) this.#written.add(key)
    this.#cleared = true
    super.clear()
  }

  override update(other: SessionInit): void {
    const entries =
      Symbol.iterator in other ? [...(other as Iterable<readonly [string, unknown]>)] : Object.entries(other)
    for (const [key] of entries) this.#written.add(key)
    super.update(entries)
  }

  /** The session id: the key of the record in the store, and the cookie's value (signed or not). */
  get sid(): string {
    return this.#sid
  }

  /**
   * The id `regenerate()` replaced, whose record the interface deletes when it saves; null when the
   * session was not regenerated (or had no stored record).
   */
  get retiredSid(): string | null {
    return this.#retiredSid
  }

  /** Whether `dirty()` was called in this request. */
  get isDirty(): boolean {
    return this.#dirty
  }

  /**
   * Gives the session a new id, keeping its data: when the response is saved, the data is stored under
   * the new id, the old record is deleted and the cookie changes. Call it when the user logs in, so that
   * an id planted before login (session fixation) is worth nothing.
   */
  regenerate(): void {
    if (!this.new && this.#retiredSid === null) this.#retiredSid = this.#sid
    this.#sid = newSessionId()
    this.modified = true
    this.accessed = true
  }

  /**
   * Marks the session to be saved even when nothing in it changed; with `SESSION_EXPLICIT` on, a new
   * session is stored (and its cookie set) only after this call (Quart-Session 0.0.1's `dirty()`).
   */
  dirty(): void {
    this.#dirty = true
    this.modified = true
    this.accessed = true
  }

  override get [Symbol.toStringTag](): string {
    return 'ServerSideSession'
  }
}
