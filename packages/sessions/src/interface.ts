/**
 * `SessionInterface`, Flask's and Quart's base for the ways a session can be kept, and the structural
 * shapes of the host it serves. A host (such as @flagon/framework) calls `openSession` after pushing the
 * request context and before matching the URL, and `saveSession` after the `afterRequest` functions,
 * skipping a null session. Any object with the members below will do; nothing here imports the framework.
 */
import { NullSession, type Session } from './session.js'

/** A value, or a promise of it: session methods may be synchronous or asynchronous. */
export type Awaitable<T> = T | Promise<T>

/** The SameSite values of `SESSION_COOKIE_SAMESITE`, as Flask spells them. */
export type SameSite = 'Strict' | 'Lax' | 'None'

/**
 * The config keys sessions read, with Quart's meaning; an absent (`undefined`) key takes Quart's default.
 * Times are in seconds.
 */
export interface SessionConfig {
  /** The signing key; without one, sessions are unavailable (a {@link NullSession}). */
  readonly SECRET_KEY?: string | Uint8Array | null | undefined
  /** Old keys still accepted when verifying, oldest first. */
  readonly SECRET_KEY_FALLBACKS?: ReadonlyArray<string | Uint8Array> | null | undefined
  /** Seconds a permanent session lasts, and the maximum age of any session signature; default 31 days. */
  readonly PERMANENT_SESSION_LIFETIME?: number | undefined
  /** Default `'session'`. */
  readonly SESSION_COOKIE_NAME?: string | undefined
  /** Default none: the cookie goes only to the host that set it. */
  readonly SESSION_COOKIE_DOMAIN?: string | null | undefined
  /** Default `APPLICATION_ROOT`. */
  readonly SESSION_COOKIE_PATH?: string | null | undefined
  /** Default true. */
  readonly SESSION_COOKIE_HTTPONLY?: boolean | undefined
  /** Default false. */
  readonly SESSION_COOKIE_SECURE?: boolean | undefined
  /** Default false. */
  readonly SESSION_COOKIE_PARTITIONED?: boolean | undefined
  /** Default none. */
  readonly SESSION_COOKIE_SAMESITE?: SameSite | null | undefined
  /** Re-send a permanent session's cookie on every response; default true. */
  readonly SESSION_REFRESH_EACH_REQUEST?: boolean | undefined
  /** Where the app is mounted; default `'/'`. */
  readonly APPLICATION_ROOT?: string | undefined
  readonly [key: string]: unknown
}

/** The app as a session interface sees it: its config and a logger. */
export interface SessionApp {
  readonly config: SessionConfig
  readonly logger: { warn(message: string): void; error(message: string, error?: unknown): void }
}

/** The request (or websocket handshake) as a session interface sees it. */
export interface SessionRequest {
  readonly cookies: ReadonlyMap<string, string>
  readonly headers: Headers
  readonly remoteAddr: string | null
}

/** Cookie attributes, with the `cookie` package's option names. */
export interface SessionCookieOptions {
  maxAge?: number
  expires?: Date
  path?: string
  domain?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: SameSite
  partitioned?: boolean
}

/** The response as a session interface sees it. */
export interface SessionResponse {
  readonly headers: Headers
  setCookie(name: string, value: string, options?: SessionCookieOptions): void
  deleteCookie(name: string, options?: SessionCookieOptions): void
  /** Adds names to the `Vary` header, once each. */
  vary(...headers: string[]): void
}

/** The options every session interface takes. */
export interface SessionInterfaceOptions {
  /** The clock, in milliseconds since the epoch; default `Date.now`. Tests pass a fixed one. */
  now?: () => number
}

/**
 * The base of every session interface (Flask's `SessionInterface`). Implement `openSession` and
 * `saveSession`; the other methods read the `SESSION_*` config and may be overridden.
 *
 * @example
 * class HeaderSessionInterface extends SessionInterface {
 *   openSession(app: SessionApp, request: SessionRequest) { … }
 *   saveSession(app: SessionApp, session: Session, response: SessionResponse | null) { … }
 * }
 * app.sessionInterface = new HeaderSessionInterface()
 */
export abstract class SessionInterface {
  /** The class of the session a request gets when `openSession` returns null. */
  nullSessionClass: new () => NullSession = NullSession
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number

  constructor(options: SessionInterfaceOptions = {}) {
    this.now = options.now ?? Date.now
  }

  /** A null session, for a request whose session could not be opened. */
  makeNullSession(_app: SessionApp): NullSession {
    return new this.nullSessionClass()
  }

  /** Whether a session is a null session; null sessions are never saved. */
  isNullSession(session: unknown): session is NullSession {
    return session instanceof this.nullSessionClass
  }

  /** The cookie's name: `SESSION_COOKIE_NAME`. */
  getCookieName(app: SessionApp): string {
    return app.config.SESSION_COOKIE_NAME ?? 'session'
  }

  /** The cookie's Domain: `SESSION_COOKIE_DOMAIN`, or undefined (no Domain) when it is empty. */
  getCookieDomain(app: SessionApp): string | undefined {
    return app.config.SESSION_COOKIE_DOMAIN || undefined
  }

  /** The cookie's Path: `SESSION_COOKIE_PATH`, else `APPLICATION_ROOT`, else `/`. */
  getCookiePath(app: SessionApp): string {
    return app.config.SESSION_COOKIE_PATH || app.config.APPLICATION_ROOT || '/'
  }

  /** Whether the cookie is HttpOnly: `SESSION_COOKIE_HTTPONLY`. */
  getCookieHttponly(app: SessionApp): boolean {
    return app.config.SESSION_COOKIE_HTTPONLY ?? true
  }

  /** Whether the cookie is Secure: `SESSION_COOKIE_SECURE`. */
  getCookieSecure(app: SessionApp): boolean {
    return app.config.SESSION_COOKIE_SECURE ?? false
  }

  /** The cookie's SameSite: `SESSION_COOKIE_SAMESITE`, or undefined for none. */
  getCookieSamesite(app: SessionApp): SameSite | undefined {
    return app.config.SESSION_COOKIE_SAMESITE ?? undefined
  }

  /** Whether the cookie is Partitioned (CHIPS): `SESSION_COOKIE_PARTITIONED`. */
  getCookiePartitioned(app: SessionApp): boolean {
    return app.config.SESSION_COOKIE_PARTITIONED ?? false
  }

  /**
   * When the cookie expires: now plus `PERMANENT_SESSION_LIFETIME` for a permanent session, undefined
   * (when the browser closes) otherwise.
   */
  getExpirationTime(app: SessionApp, session: Session): Date | undefined {
    if (!session.permanent) return undefined
    return new Date(this.now() + permanentSessionLifetime(app) * 1000)
  }

  /**
   * Whether the response sets the cookie: when the session was modified, or when it is permanent and
   * `SESSION_REFRESH_EACH_REQUEST` is on (which slides its expiry forward).
   */
  shouldSetCookie(app: SessionApp, session: Session): boolean {
    return session.modified || (session.permanent && (app.config.SESSION_REFRESH_EACH_REQUEST ?? true))
  }

  /**
   * The request's session, or null when none can be had (the host then uses {@link SessionInterface.makeNullSession}).
   * Called after the request context is pushed, before the URL is matched.
   */
  abstract openSession(app: SessionApp, request: SessionRequest): Awaitable<Session | null>

  /**
   * Saves the session on the response. `response` is null after an accepted websocket, which cannot set
   * a cookie. Called after the `afterRequest` functions; never for a null session.
   */
  abstract saveSession(app: SessionApp, session: Session, response: SessionResponse | null): Awaitable<void>
}

/** `PERMANENT_SESSION_LIFETIME` in seconds (31 days unless set). */
export function permanentSessionLifetime(app: SessionApp): number {
  return app.config.PERMANENT_SESSION_LIFETIME ?? 31 * 24 * 60 * 60
}
