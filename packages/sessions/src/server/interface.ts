/**
 * `ServerSideSessionInterface`: Quart-Session's interface, with its bugs fixed. The cookie holds only a
 * random session id (optionally signed); the data lives in a {@link Store} under `SESSION_KEY_PREFIX` +
 * id, as the tagged JSON of the cookie sessions. The host calls `openSession` when a request starts and
 * `saveSession` when its response is ready (or, with no response, when an accepted websocket ends).
 *
 * Concurrent requests of one session do not lose each other's writes: a request stores only the keys
 * it set or deleted (or changed in place), merged into the stored record by the store's compare-and-set
 * `update`; two requests writing the same key: the one saved later wins. (A store without `update`
 * gets the whole record, and the last save wins whole.) `regenerate()` moves the data to a new id and
 * ends the old one in one step (the store's `replace`).
 *
 * Every store call goes through one place (`#call`): bounded by `SESSION_STORE_TIMEOUT`, and behind a
 * {@link CircuitBreaker}, so a store that is down fails requests at once (503, or an unsaved empty
 * session with `SESSION_STORE_FAILURE = 'anonymous'`) and is probed until it answers again; `health()`
 * reports it.
 *
 * A session that ends (cleared, regenerated, revoked) is announced to `subscribeRevocations` listeners
 * in every process sharing the store; with `SESSION_IDENTITY_KEY`, a user's sessions can be listed and
 * revoked (user-sessions.ts).
 */
import {
  type Awaitable,
  permanentSessionLifetime,
  type SessionApp,
  SessionInterface,
  type SessionInterfaceOptions,
  type SessionRequest,
  type SessionResponse,
} from '../interface.js'
import type { Session } from '../session.js'
import type { TextSerializer } from '../signing/json.js'
import { type SecretKey, Signer } from '../signing/signer.js'
import { sessionJsonSerializer } from '../tag.js'
import { type BreakerOptions, type BreakerSnapshot, CircuitBreaker } from './breaker.js'
import { defaultServerSessionSettings, type ServerSessionSettings } from './config.js'
import { SessionDirectory } from './directory.js'
import { type StoreOperation, StoreUnavailable } from './errors.js'
import { FallbackKeyUsage, type FallbackKeyUse } from './key-usage.js'
import { changesOf, loadRecord, mergeChanges } from './merge.js'
import { isSessionId, newSessionId, ServerSideSession } from './session.js'
import type { Store } from './store.js'
import { callStore } from './store-call.js'
import { type RevocationEvent, sessionIdHash, type UserSession } from './user-sessions.js'

/** The response as a server-side interface sees it: a session response that may say it sends a file. */
export interface ServerSessionResponse extends SessionResponse {
  /** True when the body is a file from disk (`sendFile`, static files): no session save unless `SESSION_STATIC_FILE`. */
  readonly isFile?: boolean
}

/** What `new ServerSideSessionInterface(store, options)` takes: any setting, and the serializer. */
export interface ServerSideSessionInterfaceOptions
  extends Partial<ServerSessionSettings>,
    SessionInterfaceOptions {
  /** Session data to text and back; default the tagged JSON of the cookie sessions. */
  serializer?: TextSerializer
  /** How the circuit breaker in front of the store trips and recovers. */
  breaker?: BreakerOptions
}

/** What `sessionInterface.health()` reports: whether the store answered, and the breaker's state. */
export interface SessionStoreHealth extends BreakerSnapshot {
  /** True when the store answered the check. */
  ok: boolean
  /** The store's name, e.g. `'redis'`. */
  store: string
  /** Milliseconds the check took; null when the store was not asked (breaker open) or failed. */
  latency: number | null
}

/**
 * Keeps sessions in a store. Every setting is a public field, read at each request, with Quart-Session's
 * meaning (see {@link ServerSessionSettings}); `useServerSessions(app)` sets them from the config.
 *
 * @example
 * app.sessionInterface = new ServerSideSessionInterface(new MemoryStore(), { permanent: false })
 */
export class ServerSideSessionInterface extends SessionInterface implements ServerSessionSettings {
  /** Namespaces the id's signature (Quart-Session's salt). */
  salt = 'quart-session'
  /** Session data to text and back: any `{ dumps, loads }`. */
  serializer: TextSerializer
  keyPrefix: string
  useSigner: boolean
  permanent: boolean
  explicit: boolean
  staticFile: boolean
  hijackProtection: boolean
  hijackReverseProxy: boolean | number
  storeTimeout: number
  storeFailure: 'error' | 'anonymous'
  regenerateOn: readonly string[]
  identityKey: string | null
  /** The circuit breaker every store call passes. */
  readonly breaker: CircuitBreaker
  /** The raw record each session was opened from: what it changed is measured against it. */
  readonly #records = new WeakMap<ServerSideSession, string>()
  /** Sessions whose cookie an old key signed: re-issued under SECRET_KEY even when unmodified. */
  readonly #reissue = new WeakSet<ServerSideSession>()
  readonly #keyUsage: FallbackKeyUsage
  readonly #warned = new Set<string>()
  /** Who made the request that opened each session: for the per-user index. */
  readonly #clients = new WeakMap<ServerSideSession, { userAgent: string | null; address: string | null }>()
  readonly #directory: SessionDirectory
  #app: SessionApp | undefined
  #degradedWarned = false

  constructor(
    readonly store: Store,
    options: ServerSideSessionInterfaceOptions = {},
  ) {
    super(options)
    const settings = { ...defaultServerSessionSettings, ...withoutUndefined(options) }
    this.serializer = options.serializer ?? sessionJsonSerializer
    this.keyPrefix = settings.keyPrefix
    this.useSigner = settings.useSigner
    this.permanent = settings.permanent
    this.explicit = settings.explicit
    this.staticFile = settings.staticFile
    this.hijackProtection = settings.hijackProtection
    this.hijackReverseProxy = settings.hijackReverseProxy
    this.storeTimeout = settings.storeTimeout
    this.storeFailure = settings.storeFailure
    this.regenerateOn = settings.regenerateOn
    this.identityKey = settings.identityKey
    this.breaker = new CircuitBreaker({ ...options.breaker, now: options.breaker?.now ?? this.now })
    this.breaker.onChange = (state) => this.#breakerChanged(state)
    this.#keyUsage = new FallbackKeyUsage('signed session id', this.now)
    this.#directory = new SessionDirectory(this, (operation, fn) => this.#call(operation, fn))
  }

  /** Connects the store; `useServerSessions` runs it before serving. */
  async open(): Promise<void> {
    await this.store.open?.()
  }

  /** Closes what the store created; `useServerSessions` runs it after serving. */
  async close(): Promise<void> {
    await this.store.close?.()
  }

  /**
   * The store's health, for a health-check route: one read through the breaker (so while it is open
   * the store is not asked, and once its cooldown is over this is the probe), and the breaker's state.
   *
   * @example
   * app.get('/healthz', async () => {
   *   const health = await sessionInterface.health()
   *   return [health, health.ok ? 200 : 503]
   * })
   */
  async health(): Promise<SessionStoreHealth> {
    const started = performance.now()
    let ok = true
    let asked = true
    try {
      // Not a possible session id (too short), so it never names a real record.
      await this.#call('get', () => this.store.get(this.keyFor('health')))
    } catch (error) {
      ok = false
      asked = !(error instanceof StoreUnavailable && error.breakerOpen)
    }
    const latency = ok && asked ? Math.round((performance.now() - started) * 10) / 10 : null
    return { ok, store: this.store.name, latency, ...this.breaker.snapshot() }
  }

  /**
   * How often each `SECRET_KEY_FALLBACKS` key verified a signed session id (with `SESSION_USE_SIGNER`)
   * since the process started, and when last: remove a key once its count stops growing.
   */
  fallbackKeyUsage(app: SessionApp): FallbackKeyUse[] {
    return this.#keyUsage.report(app)
  }

  /** The hash that names a session (or session id) in events and in `listSessions`; never the id itself. */
  idHash(session: ServerSideSession | string): string {
    return sessionIdHash(typeof session === 'string' ? session : session.sid)
  }

  /**
   * Calls `listener` whenever a session ends (cleared, regenerated, revoked) in any process sharing
   * the store (Redis pub/sub; in this process only for stores without it). Resolves, once subscribed,
   * to a function that unsubscribes. The host closes the websockets accepted under `event.idHash` with
   * `SESSION_REVOKED_CLOSE_CODE`.
   *
   * @example
   * const sockets = new Map<string, Set<WebSocket>>() // idHash → sockets accepted under it
   * await sessionInterface.subscribeRevocations(({ idHash }) => {
   *   for (const ws of sockets.get(idHash) ?? []) ws.close(SESSION_REVOKED_CLOSE_CODE, 'session ended')
   * })
   * @throws StoreUnavailable when the store cannot subscribe.
   */
  async subscribeRevocations(listener: (event: RevocationEvent) => void): Promise<() => Promise<void>> {
    return this.#directory.subscribe(listener)
  }

  /**
   * The user's sessions (`SESSION_IDENTITY_KEY` names the user in the session), most recently used
   * first: each one's id hash, created and last-seen times, user agent and client address.
   *
   * @example
   * app.get('/devices', async () => sessionInterface.listSessions(session.get('user_id')))
   * @throws SessionIndexUnavailable when the store keeps no per-user index (Memcached), or no
   *   SESSION_IDENTITY_KEY is set.
   * @throws StoreUnavailable when the store fails.
   */
  async listSessions(userId: string | number): Promise<UserSession[]> {
    return this.#directory.list(userId)
  }

  /**
   * Ends one session of the user: its record is deleted and a revocation event sent. Whether the user
   * had that session.
   *
   * @throws SessionIndexUnavailable as {@link ServerSideSessionInterface.listSessions}.
   */
  async revokeSession(userId: string | number, idHash: string): Promise<boolean> {
    return this.#directory.revoke(userId, idHash)
  }

  /**
   * Ends every session of the user ("log out everywhere"), but the one whose hash is `except` (the
   * current one, for "log out other devices"). The number ended.
   *
   * @example
   * await sessionInterface.revokeAllSessions(userId, { except: sessionInterface.idHash(session) })
   * @throws SessionIndexUnavailable as {@link ServerSideSessionInterface.listSessions}.
   */
  async revokeAllSessions(userId: string | number, options: { except?: string } = {}): Promise<number> {
    return this.#directory.revokeAll(userId, options.except)
  }

  /** The store key of a session id: `SESSION_KEY_PREFIX` + id. */
  keyFor(sid: string): string {
    return this.keyPrefix + sid
  }

  /** The signer of the id in the cookie (`SECRET_KEY` signs, fallbacks verify); null without a key. */
  getSigner(app: SessionApp): Signer | null {
    const secretKey = app.config.SECRET_KEY
    if (!secretKey || secretKey.length === 0) return null
    const keys: SecretKey[] = [...(app.config.SECRET_KEY_FALLBACKS ?? []), secretKey]
    return new Signer(keys, { salt: this.salt, keyDerivation: 'hmac', digestMethod: 'sha1' })
  }

  /**
   * The client's address, which hijack protection pins the session to: the socket's peer, or behind a
   * proxy (`SESSION_HIJACK_REVERSE_PROXY`) a hop of `X-Forwarded-For`; null when it cannot be known.
   */
  clientAddress(request: SessionRequest): string | null {
    if (this.hijackReverseProxy === false) return request.remoteAddr
    const hops = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean)
    // The first hop is what the client (or the first proxy) claims; N trusted proxies make the Nth from the right sure.
    const hop = this.hijackReverseProxy === true ? hops[0] : hops[hops.length - this.hijackReverseProxy]
    return hop ?? null
  }

  /**
   * The request's session: the stored one its cookie names, or a new one (with a fresh id) when there
   * is no cookie, the signature is bad, the store does not hold the id (a client-invented id is never
   * adopted), the record is corrupt (logged, and deleted), or hijack protection sees another address
   * (the old record is deleted). Null, for a null session, when `SESSION_USE_SIGNER` has no `SECRET_KEY`.
   *
   * @throws StoreUnavailable when the store fails or outlasts `SESSION_STORE_TIMEOUT`.
   */
  async openSession(app: SessionApp, request: SessionRequest): Promise<ServerSideSession | null> {
    this.#app = app
    let signer: Signer | null = null
    if (this.useSigner) {
      signer = this.getSigner(app)
      if (signer === null) {
        this.#warnOnce(
          app,
          'SESSION_USE_SIGNER is on but SECRET_KEY is not set, so sessions are unavailable.',
        )
        return null
      }
    }
    const address = this.hijackProtection ? this.#pinnedAddress(app, request) : null
    const cookie = request.cookies.get(this.getCookieName(app))
    const verified = cookie ? this.#sidOfCookie(app, cookie, signer) : null
    if (verified !== null) {
      try {
        const session = await this.#load(app, verified.sid, address)
        if (session !== null) {
          if (verified.byFallback) this.#reissue.add(session)
          return this.#remember(request, session)
        }
      } catch (error) {
        if (this.storeFailure !== 'anonymous' || !(error instanceof StoreUnavailable)) throw error
        return this.#anonymous(app, error)
      }
    }
    const initial: Array<[string, unknown]> = []
    if (this.permanent) initial.push(['_permanent', true])
    if (address !== null) initial.push(['_addr', address])
    return this.#remember(request, new ServerSideSession(newSessionId(), initial, true))
  }

  #client(session: ServerSideSession) {
    return this.#clients.get(session) ?? { userAgent: null, address: null }
  }

  #remember(request: SessionRequest, session: ServerSideSession): ServerSideSession {
    if (this.identityKey !== null) {
      const userAgent = request.headers.get('user-agent')
      this.#clients.set(session, { userAgent, address: this.clientAddress(request) })
    }
    return session
  }

  async #load(app: SessionApp, sid: string, address: string | null): Promise<ServerSideSession | null> {
    const key = this.keyFor(sid)
    const record = await this.#call('get', () => this.store.get(key))
    this.#degradedWarned = false
    const data = record === null ? null : await this.#decode(app, key, record)
    if (data === null) return null
    if (!this.hijackProtection || address === null || data._addr === address) {
      const session = new ServerSideSession(sid, Object.entries(data))
      this.#records.set(session, record!)
      return session
    }
    // Quart-Session: a session reused from another address is ended, not just left behind.
    await this.#call('delete', () => this.store.delete(key))
    await this.#directory.ended(sid, this.#directory.identity(data), 'revoked')
    return null
  }

  // SESSION_STORE_FAILURE = 'anonymous': the request goes on with an empty session nobody stores.
  #anonymous(app: SessionApp, error: StoreUnavailable): ServerSideSession {
    if (!this.#degradedWarned) {
      this.#degradedWarned = true
      app.logger.warn(
        `The session store "${this.store.name}" cannot be read (${error.reason}). ` +
          'SESSION_STORE_FAILURE is "anonymous", so requests go on with an ' +
          'empty session that is not stored (a write to it answers 503) until the store answers again.',
      )
    }
    return new ServerSideSession(newSessionId(), [], true, true)
  }

  /**
   * Stores the session and sets its cookie, by Quart-Session's rules with its bugs fixed:
   * - nothing on a file response unless `SESSION_STATIC_FILE`; `Vary: Cookie` whenever the session was used;
   * - a write to a key of `SESSION_REGENERATE_ON` regenerates the id first (HTTP responses only);
   * - emptied: the record and the cookie are deleted;
   * - modified (or `dirty()`): the keys this request changed are merged into the stored record (or, for
   *   a new, cleared or regenerated session or a store without `update`, the whole record is written)
   *   with a TTL of `PERMANENT_SESSION_LIFETIME`, and the cookie set; with `SESSION_EXPLICIT`, a new
   *   session only after `dirty()`; after `regenerate()` the old id ends in the same step;
   * - unmodified and permanent, with `SESSION_REFRESH_EACH_REQUEST`: the TTL slides forward (`touch`)
   *   and the cookie is re-sent; a cookie an old key (`SECRET_KEY_FALLBACKS`) signed is re-sent anyway.
   * A session another request ended meanwhile (logout, regenerate) stays ended: this request's changes
   * are dropped, with a warning. With no response (an accepted websocket), changes to an existing
   * session are stored all the same; a session created during the websocket cannot reach the client,
   * which is logged.
   *
   * @throws StoreUnavailable when a write fails or outlasts `SESSION_STORE_TIMEOUT`: the change was not saved.
   * @throws TypeError for a session this interface did not open.
   */
  async saveSession(
    app: SessionApp,
    session: Session,
    response: ServerSessionResponse | null,
  ): Promise<void> {
    if (!(session instanceof ServerSideSession)) {
      throw new TypeError(
        `ServerSideSessionInterface cannot save a ${session.constructor.name}; it saves the sessions it opens.`,
      )
    }
    if (session.unavailable) {
      // The store could not be read: storing this empty session would replace the user's real one.
      if (session.modified) {
        const { state, retryIn } = this.breaker.snapshot()
        const retryAfter = Math.max(1, Math.ceil(retryIn))
        const cause = new Error('the session could not be read when the request started')
        throw new StoreUnavailable(this.store.name, 'set', {
          ...(state === 'closed' ? { cause } : { breakerOpen: true }),
          retryAfter,
        })
      }
      return
    }
    if (response !== null && response.isFile === true && !this.staticFile) return
    if (response !== null && session.accessed) response.vary('Cookie')
    this.#regenerateOnWrite(app, session, response)

    const ttl = Math.max(1, Math.ceil(permanentSessionLifetime(app)))
    const key = this.keyFor(session.sid)
    const retired = session.retiredSid === null ? null : this.keyFor(session.retiredSid)

    const user =
      this.identityKey === null
        ? null
        : this.#directory.identity(loadRecord(this.#records.get(session), this.serializer))
    if (session.size === 0) {
      if (!session.modified) return
      if (!session.new) await this.#call('delete', () => this.store.delete(key))
      if (retired !== null) await this.#call('delete', () => this.store.delete(retired))
      if (!session.new) await this.#directory.ended(session.sid, user, 'cleared')
      if (session.retiredSid !== null) await this.#directory.ended(session.retiredSid, user, 'regenerated')
      if (response !== null) {
        response.deleteCookie(this.getCookieName(app), this.#cookieAttributes(app))
        response.vary('Cookie')
      }
      return
    }

    const save = session.modified && (!this.explicit || session.isDirty || !session.new)
    if (save) {
      if (response === null && (session.new || retired !== null)) {
        this.#lostOnWebsocket(app, session)
        if (retired !== null) await this.#call('delete', () => this.store.delete(retired))
        if (session.retiredSid !== null) await this.#directory.ended(session.retiredSid, user, 'regenerated')
        return
      }
      const stored = await this.#write(app, session, key, retired, ttl)
      if (!stored) return
      if (session.retiredSid !== null) await this.#directory.ended(session.retiredSid, user, 'regenerated')
      const login =
        session.new ||
        session.retiredSid !== null ||
        session.cleared ||
        session.writtenKeys.has(this.identityKey!)
      await this.#directory.index(session, user, login, ttl, this.#client(session))
      if (response !== null) this.#setCookie(app, session, response)
      return
    }

    if (session.new) return
    const refresh = this.shouldSetCookie(app, session)
    // A permanent session in use lives on: its record's TTL and its cookie's Expires both slide forward.
    if (refresh && !(await this.#refresh(app, session, key, ttl))) return
    if (refresh) await this.#directory.index(session, user, false, ttl, this.#client(session))
    if ((refresh || this.#reissue.has(session)) && response !== null) this.#setCookie(app, session, response)
  }

  // SESSION_REGENERATE_ON: a write to one of its keys (a login, a logout) gets a new id, as if
  // regenerate() had been called, unless the request already did.
  #regenerateOnWrite(app: SessionApp, session: ServerSideSession, response: SessionResponse | null): void {
    if (session.new || session.retiredSid !== null) return
    const key = this.regenerateOn.find((k) => session.writtenKeys.has(k))
    if (key === undefined) return
    if (response !== null) {
      session.regenerate()
      return
    }
    this.#warnOnce(
      app,
      `The session key "${key}" (in SESSION_REGENERATE_ON) was written during an accepted websocket, ` +
        'where the id cannot change without a cookie; the session was saved under its old id. ' +
        'Write it in an HTTP request to regenerate the id.',
    )
  }

  /** Stores a modified session; false when another request ended it meanwhile (nothing stored). */
  async #write(
    app: SessionApp,
    session: ServerSideSession,
    key: string,
    retired: string | null,
    ttl: number,
  ): Promise<boolean> {
    const whole = () => this.serializer.dumps(new Map(session.entries()))
    if (retired !== null) {
      const record = whole()
      if (this.store.replace) {
        await this.#call('replace', () => this.store.replace!(retired, key, record, ttl))
      } else {
        // The old id ends before the new one exists, so that no moment has both.
        await this.#call('delete', () => this.store.delete(retired))
        await this.#call('set', () => this.store.set(key, record, ttl))
      }
      return true
    }
    if (session.new || session.cleared || !this.store.update) {
      const record = whole()
      await this.#call('set', () => this.store.set(key, record, ttl))
      return true
    }
    const changes = changesOf(session, this.#records.get(session), this.serializer)
    const written = await this.#call('update', () =>
      this.store.update!(key, (current) => mergeChanges(current, changes, this.serializer, whole), ttl),
    )
    if (written !== null) return true
    app.logger.warn(
      `A request changed the session ${redact(key, this.keyPrefix)} after another request ended it ` +
        '(logout, regenerate or revocation) or it expired; the session stays ended and these changes ' +
        `were dropped: ${[...changes.keys()].map((k) => JSON.stringify(k)).join(', ')}.`,
    )
    return false
  }

  /**
   * Slides the TTL of a session that was only read. With SESSION_STORE_FAILURE 'anonymous' a store
   * failure here does not refuse the request: nothing the user changed is lost, only the extension.
   */
  async #refresh(app: SessionApp, session: ServerSideSession, key: string, ttl: number): Promise<boolean> {
    try {
      return await this.#call('touch', () => this.#touch(session, key, ttl))
    } catch (error) {
      if (this.storeFailure !== 'anonymous' || !(error instanceof StoreUnavailable)) throw error
      app.logger.warn(
        `The session store did not take a TTL refresh (${error.message}); the session was read anyway.`,
      )
      return false
    }
  }

  #touch(session: ServerSideSession, key: string, ttl: number): Promise<boolean> {
    if (this.store.touch) return this.store.touch(key, ttl)
    const record = this.#records.get(session)
    if (record === undefined) return Promise.resolve(false)
    return this.store.set(key, record, ttl).then(() => true)
  }

  #setCookie(app: SessionApp, session: ServerSideSession, response: SessionResponse): void {
    const signer = this.useSigner ? this.getSigner(app) : null
    const value = signer ? signer.sign(session.sid) : session.sid
    const expires = this.getExpirationTime(app, session)
    response.setCookie(this.getCookieName(app), value, {
      ...(expires !== undefined && { expires }),
      ...this.#cookieAttributes(app),
    })
    response.vary('Cookie')
  }

  #cookieAttributes(app: SessionApp) {
    const domain = this.getCookieDomain(app)
    const sameSite = this.getCookieSamesite(app)
    return {
      ...(domain !== undefined && { domain }),
      path: this.getCookiePath(app),
      secure: this.getCookieSecure(app),
      partitioned: this.getCookiePartitioned(app),
      ...(sameSite !== undefined && { sameSite }),
      httpOnly: this.getCookieHttponly(app),
    }
  }

  /** The data of a record, or null (logged, and the record deleted) when it cannot be read. */
  async #decode(app: SessionApp, key: string, record: string): Promise<Record<string, unknown> | null> {
    let problem: string
    try {
      const data = this.serializer.loads(record)
      if (isRecord(data)) return data
      problem = 'it holds no object'
    } catch (error) {
      problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    }
    // Deleted, so that the next request meets an unknown id and this is logged once, not on every request.
    await this.#call('delete', () => this.store.delete(key)).catch(() => {})
    app.logger.warn(
      `The session record ${redact(key, this.keyPrefix)} in the ${this.store.name} store cannot be read ` +
        `(${problem}); it was deleted and a new session started.`,
    )
    return null
  }

  #pinnedAddress(app: SessionApp, request: SessionRequest): string | null {
    const address = this.clientAddress(request)
    if (address === null) {
      this.#warnOnce(
        app,
        this.hijackReverseProxy === false
          ? 'SESSION_HIJACK_PROTECTION is on but the request has no client address; protection is off for it.'
          : 'SESSION_HIJACK_PROTECTION is on but the request has no usable X-Forwarded-For; protection is off for it. ' +
              'Is the app really behind a proxy that sets it (SESSION_HIJACK_REVERSE_PROXY)?',
      )
    }
    return address
  }

  #lostOnWebsocket(app: SessionApp, session: ServerSideSession): void {
    app.logger.error(
      session.new
        ? 'A session was created during an accepted websocket. It cannot be stored, because its id cannot ' +
            'reach the client without a cookie; create the session in an HTTP request (or before accepting).'
        : 'session.regenerate() was called during an accepted websocket. The new id cannot reach the client ' +
            'without a cookie, so the session has ended; regenerate in an HTTP request.',
    )
  }

  #warnOnce(app: SessionApp, message: string): void {
    if (this.#warned.has(message)) return
    this.#warned.add(message)
    app.logger.warn(message)
  }

  #breakerChanged(state: string): void {
    if (state === 'closed') this.#degradedWarned = false
    const logger = this.#app?.logger
    if (!logger) return
    if (state === 'open') {
      const { lastError } = this.breaker.snapshot()
      logger.warn(
        `The session store "${this.store.name}" failed ${this.breaker.threshold} times in a row ` +
          `(${lastError}). Its circuit breaker is open: store calls fail at once, and one probe at a time ` +
          `(at most every ${this.breaker.maxCooldown} s) checks whether it is back.`,
      )
    } else if (state === 'closed') {
      logger.warn(`The session store "${this.store.name}" answers again; its circuit breaker is closed.`)
    }
  }

  /** Every store call goes through here: the breaker, then the timeout (store-call.ts). */
  #call<T>(operation: StoreOperation, fn: () => Awaitable<T>): Promise<T> {
    return callStore(this.store.name, this.breaker, this.storeTimeout, operation, fn)
  }

  /** The id a cookie names, once its signature (if ids are signed) verifies and its shape is an id's. */
  #sidOfCookie(
    app: SessionApp,
    cookie: string,
    signer: Signer | null,
  ): { sid: string; byFallback: boolean } | null {
    let sid = cookie
    let byFallback = false
    if (signer !== null) {
      const at = cookie.lastIndexOf(signer.sep)
      if (at < 0) return null
      sid = cookie.slice(0, at)
      const signature = cookie.slice(at + 1)
      if ((app.config.SECRET_KEY_FALLBACKS ?? []).length === 0) {
        if (!signer.verifySignature(sid, signature)) return null
      } else {
        // Which key signed it matters: an old key's cookie is counted and re-issued under the current one.
        const index = this.#keyUsage.signedBy(app, sid, signature, {
          salt: this.salt,
          keyDerivation: 'hmac',
          digestMethod: 'sha1',
        })
        if (index === null) return null
        byFallback = index >= 0
      }
    }
    return isSessionId(sid) ? { sid, byFallback } : null
  }
}

// A session id is a bearer credential: logs get enough of it to correlate, not to use.
function redact(key: string, prefix: string): string {
  return `${prefix}${key.slice(prefix.length, prefix.length + 6)}…`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
