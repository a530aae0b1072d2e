/**
 * `ServerSideSessionInterface`: Quart-Session's interface, with its bugs fixed. The cookie holds only a
 * random session id (optionally signed); the data lives in a {@link Store} under `SESSION_KEY_PREFIX` +
 * id, as the tagged JSON of the cookie sessions. The host calls `openSession` when a request starts and
 * `saveSession` when its response is ready (or, with no response, when an accepted websocket ends).
 *
 * Concurrent requests of one session each write the whole record: the last write wins. Every store call
 * is bounded by `SESSION_STORE_TIMEOUT`; a store that is down or slow fails the request with a
 * {@link StoreUnavailable} (503), never a hang, and the clients reconnect on their own.
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
import { defaultServerSessionSettings, type ServerSessionSettings } from './config.js'
import { type StoreOperation, StoreUnavailable } from './errors.js'
import { isSessionId, newSessionId, ServerSideSession } from './session.js'
import type { Store } from './store.js'

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
  /** The raw record each session was opened from, to re-store when the store cannot `touch`. */
  readonly #records = new WeakMap<ServerSideSession, string>()
  readonly #warned = new Set<string>()

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
  }

  /** Connects the store; `useServerSessions` runs it before serving. */
  async open(): Promise<void> {
    await this.store.open?.()
  }

  /** Closes what the store created; `useServerSessions` runs it after serving. */
  async close(): Promise<void> {
    await this.store.close?.()
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
    const sid = cookie ? sidOfCookie(cookie, signer) : null
    if (sid !== null) {
      const key = this.keyFor(sid)
      const record = await this.#call('get', () => this.store.get(key))
      const data = record === null ? null : await this.#decode(app, key, record)
      if (data !== null) {
        if (!this.hijackProtection || address === null || data._addr === address) {
          const session = new ServerSideSession(sid, Object.entries(data))
          this.#records.set(session, record!)
          return session
        }
        // Quart-Session: a session reused from another address is ended, not just left behind.
        await this.#call('delete', () => this.store.delete(key))
      }
    }
    const initial: Array<[string, unknown]> = []
    if (this.permanent) initial.push(['_permanent', true])
    if (address !== null) initial.push(['_addr', address])
    return new ServerSideSession(newSessionId(), initial, true)
  }

  /**
   * Stores the session and sets its cookie, by Quart-Session's rules with its bugs fixed:
   * - nothing on a file response unless `SESSION_STATIC_FILE`; `Vary: Cookie` whenever the session was used;
   * - emptied: the record and the cookie are deleted;
   * - modified (or `dirty()`): the record is written with a TTL of `PERMANENT_SESSION_LIFETIME` and the
   *   cookie set; with `SESSION_EXPLICIT`, a new session only after `dirty()`; after `regenerate()` the old
   *   record is deleted;
   * - unmodified and permanent, with `SESSION_REFRESH_EACH_REQUEST`: the TTL slides forward (`touch`)
   *   and the cookie is re-sent.
   * With no response (an accepted websocket), changes to an existing session are stored all the same;
   * a session created during the websocket cannot reach the client, which is logged.
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
    if (response !== null && response.isFile === true && !this.staticFile) return
    if (response !== null && session.accessed) response.vary('Cookie')

    const ttl = Math.max(1, Math.ceil(permanentSessionLifetime(app)))
    const key = this.keyFor(session.sid)
    const retired = session.retiredSid
    const retire = retired === null ? undefined : () => this.store.delete(this.keyFor(retired))

    if (session.size === 0) {
      if (!session.modified) return
      if (!session.new) await this.#call('delete', () => this.store.delete(key))
      if (retire) await this.#call('delete', retire)
      if (response !== null) {
        response.deleteCookie(this.getCookieName(app), this.#cookieAttributes(app))
        response.vary('Cookie')
      }
      return
    }

    const save = session.modified && (!this.explicit || session.isDirty || !session.new)
    if (save) {
      if (response === null && (session.new || retire)) {
        this.#lostOnWebsocket(app, session)
        if (retire) await this.#call('delete', retire)
        return
      }
      const record = this.serializer.dumps(new Map(session.entries()))
      await this.#call('set', () => this.store.set(key, record, ttl))
      if (retire) await this.#call('delete', retire)
      if (response !== null) this.#setCookie(app, session, response)
      return
    }

    if (session.new || !this.shouldSetCookie(app, session)) return
    // A permanent session in use lives on: its record's TTL and its cookie's Expires both slide forward.
    const touched = await this.#call('touch', () => this.#touch(session, key, ttl))
    if (touched && response !== null) this.#setCookie(app, session, response)
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

  /** Runs one store call, bounded by `storeTimeout`; a failure or timeout becomes a StoreUnavailable. */
  async #call<T>(operation: StoreOperation, fn: () => Awaitable<T>): Promise<T> {
    const retryAfter = Math.max(1, Math.ceil(this.storeTimeout))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StoreUnavailable(this.store.name, operation, { timeout: this.storeTimeout, retryAfter }),
          ),
        this.storeTimeout * 1000,
      )
    })
    try {
      return await Promise.race([Promise.resolve().then(fn), timeout])
    } catch (error) {
      if (error instanceof StoreUnavailable) throw error
      throw new StoreUnavailable(this.store.name, operation, { cause: error, retryAfter })
    } finally {
      clearTimeout(timer)
    }
  }
}

/** The id a cookie names, once its signature (if ids are signed) verifies and its shape is an id's. */
function sidOfCookie(cookie: string, signer: Signer | null): string | null {
  let sid = cookie
  if (signer !== null) {
    const at = cookie.lastIndexOf(signer.sep)
    if (at < 0 || !signer.verifySignature(cookie.slice(0, at), cookie.slice(at + 1))) return null
    sid = cookie.slice(0, at)
  }
  return isSessionId(sid) ? sid : null
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
