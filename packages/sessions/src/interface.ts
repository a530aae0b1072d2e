/**
 * The structural shapes a host (such as @flagon/framework) supplies to a session interface.
 * Any object with these members will do; nothing here imports the framework.
 */

/** The app as a session interface sees it: its config and a logger. */
export interface SessionApp {
  readonly config: Record<string, unknown>
  readonly logger: { warn(message: string): void; error(message: string, error?: unknown): void }
}

/** The request as a session interface sees it. */
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
  sameSite?: 'lax' | 'strict' | 'none' | boolean
  partitioned?: boolean
}

/** The response as a session interface sees it. */
export interface SessionResponse {
  readonly headers: Headers
  setCookie(name: string, value: string, options?: SessionCookieOptions): void
  deleteCookie(name: string, options?: SessionCookieOptions): void
  vary(...headers: string[]): void
}
