/**
 * The default session interface (Flask's and Quart's `SecureCookieSessionInterface`): the whole session
 * lives in a cookie, as tagged JSON signed by itsdangerous's URL-safe timed serializer. The data is
 * readable by the client but cannot be changed without the key, and the cookies cross between Flask,
 * Quart and Flagon in both directions (quart-behaviour.md §3.3–3.6).
 *
 * Key rotation, improved on Flask: a cookie that verifies only with a `SECRET_KEY_FALLBACKS` key is
 * re-issued under `SECRET_KEY` in the same response, even when the session was not modified, so a
 * rotation completes as users come back; `fallbackKeyUsage(app)` counts such cookies per old key.
 */
import {
  permanentSessionLifetime,
  type SameSite,
  type SessionApp,
  type SessionCookieOptions,
  SessionInterface,
  type SessionRequest,
  type SessionResponse,
} from './interface.js'
import { FallbackKeyUsage, type FallbackKeyUse } from './server/key-usage.js'
import { Session, type SessionInit } from './session.js'
import { BadPayload, BadSignature } from './signing/errors.js'
import type { TextSerializer } from './signing/json.js'
import { URLSafeTimedSerializer } from './signing/serializer.js'
import type { KeyDerivation, SecretKey } from './signing/signer.js'
import { sessionJsonSerializer } from './tag.js'

/**
 * Keeps the session in a signed cookie. Every attribute is Flask's and may be changed on an instance or a
 * subclass.
 *
 * @example
 * app.sessionInterface = new SecureCookieSessionInterface()
 * app.config.SECRET_KEY = process.env.SECRET_KEY
 * app.config.SECRET_KEY_FALLBACKS = [process.env.OLD_SECRET_KEY] // rotate without logging anyone out
 */
export class SecureCookieSessionInterface extends SessionInterface {
  /** Namespaces the signatures, so that the key signs nothing else alike. */
  salt = 'cookie-session'
  /** How the signing key is derived from `SECRET_KEY`. */
  keyDerivation: KeyDerivation = 'hmac'
  /** The `node:crypto` hash the signature uses. */
  digestMethod = 'sha1'
  /** Session data to text and back: Flask's tagged JSON, in insertion order as Quart writes it. */
  serializer: TextSerializer = sessionJsonSerializer
  /** The class of the sessions this interface opens. */
  sessionClass: new (initial?: SessionInit | null) => Session = Session

  /**
   * The serializer that signs the cookie, with `SECRET_KEY` signing and `SECRET_KEY_FALLBACKS` also
   * verifying; null when no `SECRET_KEY` is set.
   */
  getSigningSerializer(app: SessionApp): URLSafeTimedSerializer | null {
    const secretKey = app.config.SECRET_KEY
    if (!secretKey || secretKey.length === 0) return null
    const fallbacks = app.config.SECRET_KEY_FALLBACKS ?? []
    // Built once per set of keys, so its derived signing keys are too; a key change builds a new one.
    const cached = this.#serializer
    if (cached && sameKeys(cached.keys, fallbacks, secretKey)) return cached.serializer
    // Oldest first, the current key last: it signs (Flask 3.1.1; before, the last fallback signed).
    const keys: SecretKey[] = [...fallbacks, secretKey]
    const serializer = this.#makeSerializer(keys)
    this.#serializer = { keys, serializer }
    return serializer
  }

  #serializer: { keys: readonly SecretKey[]; serializer: URLSafeTimedSerializer } | undefined
  /** Sessions whose cookie an old key signed: re-issued under SECRET_KEY even when unmodified. */
  readonly #reissue = new WeakSet<Session>()
  readonly #keyUsage = new FallbackKeyUsage('session cookie', this.now)

  /**
   * How often each `SECRET_KEY_FALLBACKS` key verified a session cookie since the process started, and
   * when last. Each such cookie was re-issued under `SECRET_KEY`; remove a key once its count stops growing.
   *
   * @example
   * app.get('/admin/keys', () => sessionInterface.fallbackKeyUsage(app))
   * // [{ index: 0, fingerprint: '3f2a9c01b7de', verified: 1832, lastSeen: Date }]
   */
  fallbackKeyUsage(app: SessionApp): FallbackKeyUse[] {
    return this.#keyUsage.report(app)
  }

  #makeSerializer(keys: SecretKey[]): URLSafeTimedSerializer {
    return new URLSafeTimedSerializer(keys, {
      salt: this.salt,
      serializer: this.serializer,
      signerOptions: { keyDerivation: this.keyDerivation, digestMethod: this.digestMethod, now: this.now },
    })
  }

  /**
   * The session in the request's cookie; a new empty session when there is none or it cannot be trusted
   * (bad signature, wrong key, expired or future timestamp, garbage); null without a `SECRET_KEY`.
   */
  openSession(app: SessionApp, request: SessionRequest): Session | null {
    const serializer = this.getSigningSerializer(app)
    if (serializer === null) return null
    const cookie = request.cookies.get(this.getCookieName(app))
    if (!cookie) return new this.sessionClass()
    const maxAge = Math.trunc(permanentSessionLifetime(app))
    try {
      const data = serializer.loads(cookie, maxAge)
      if (isRecord(data)) {
        const session = new this.sessionClass(data)
        if (this.#signedByFallback(app, cookie)) this.#reissue.add(session)
        return session
      }
      app.logger.warn(
        'The session cookie is signed with the secret key but holds no object; starting a new session.',
      )
    } catch (error) {
      if (error instanceof BadPayload) {
        // Flask answers 500 here; only a holder of the key can make such a cookie, so a new session will do.
        app.logger.warn(
          `The session cookie is signed with the secret key but cannot be read (${error.message}); starting a new session.`,
        )
      } else if (!(error instanceof BadSignature)) {
        throw error
      }
    }
    return new this.sessionClass()
  }

  /**
   * Writes the session to the response, as Quart does: `Vary: Cookie` when it was accessed; the cookie
   * deleted when the request emptied it; otherwise set, when `shouldSetCookie` says so, with `Expires`
   * for a permanent session. With no response (an accepted websocket) a modified session is lost, and
   * that is logged.
   */
  saveSession(app: SessionApp, session: Session, response: SessionResponse | null): void {
    if (response === null) {
      if (session.modified) {
        app.logger.error(
          'Secure Cookie Session modified during websocket handling. ' +
            'These modifications will be lost as a cookie cannot be set.',
        )
      }
      return
    }
    const name = this.getCookieName(app)
    const domain = this.getCookieDomain(app)
    const path = this.getCookiePath(app)
    const secure = this.getCookieSecure(app)
    const partitioned = this.getCookiePartitioned(app)
    const sameSite = this.getCookieSamesite(app)
    const httpOnly = this.getCookieHttponly(app)
    const attributes = this.#cookieAttributes(domain, path, secure, partitioned, sameSite, httpOnly)

    // Whoever read the session gets a response that varies on the cookie, so no cache serves it to another.
    if (session.accessed) response.vary('Cookie')

    // A session the request emptied loses its cookie; an empty one it never touched sets nothing.
    if (session.size === 0) {
      if (session.modified) {
        response.deleteCookie(name, { ...attributes })
        response.vary('Cookie')
      }
      return
    }

    if (!this.shouldSetCookie(app, session) && !this.#reissue.has(session)) return

    const expires = this.getExpirationTime(app, session)
    // A Map keeps the keys' insertion order exactly, even keys that look like integers.
    const value = this.getSigningSerializer(app)!.dumps(new Map(session.entries()))
    response.setCookie(name, value, expires === undefined ? { ...attributes } : { expires, ...attributes })
    response.vary('Cookie')
  }

  // The cookie's attributes change only with the config: build the object once per set of values
  // (the response gets a copy, which it may keep or change).
  #cookieAttributes(
    domain: string | undefined,
    path: string,
    secure: boolean,
    partitioned: boolean,
    sameSite: SameSite | undefined,
    httpOnly: boolean,
  ): Readonly<SessionCookieOptions> {
    const last = this.#lastAttributes
    if (
      last !== undefined &&
      last.domain === domain &&
      last.path === path &&
      last.secure === secure &&
      last.partitioned === partitioned &&
      last.sameSite === sameSite &&
      last.httpOnly === httpOnly
    ) {
      return last
    }
    const attributes: SessionCookieOptions = {
      ...(domain !== undefined && { domain }),
      path,
      secure,
      partitioned,
      ...(sameSite !== undefined && { sameSite }),
      httpOnly,
    }
    this.#lastAttributes = attributes
    return attributes
  }

  #lastAttributes: SessionCookieOptions | undefined

  // Only when fallbacks are configured, and only for cookies that verified: one HMAC per key tried.
  #signedByFallback(app: SessionApp, cookie: string): boolean {
    if ((app.config.SECRET_KEY_FALLBACKS ?? []).length === 0) return false
    const at = cookie.lastIndexOf('.')
    const index = this.#keyUsage.signedBy(app, cookie.slice(0, at), cookie.slice(at + 1), {
      salt: this.salt,
      keyDerivation: this.keyDerivation,
      digestMethod: this.digestMethod,
    })
    return index !== null && index >= 0
  }
}

function sameKeys(
  keys: readonly SecretKey[],
  fallbacks: ReadonlyArray<SecretKey>,
  secretKey: SecretKey,
): boolean {
  if (keys.length !== fallbacks.length + 1 || keys[fallbacks.length] !== secretKey) return false
  for (let i = 0; i < fallbacks.length; i++) if (keys[i] !== fallbacks[i]) return false
  return true
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
