/**
 * Every setting Flagon itself reads, with its type and Quart's default (quart-behaviour.md §1.3).
 * `new Config()` starts from `defaultConfig`; `validate.ts` holds one rule for each key here.
 */

/**
 * The shape of `app.config`: every key Flagon knows, typed, plus any keys of your own.
 * Times are in seconds and sizes in bytes, where Quart uses `timedelta`s.
 *
 * @example
 * ```ts
 * app.config.SECRET_KEY = process.env.SECRET_KEY ?? null
 * app.config.MAX_CONTENT_LENGTH = 1024 * 1024
 * ```
 */
export interface FlagonConfig {
  /** Debug mode: indented JSON, the stack on 500 pages, errors propagate to the test client, template auto-reload. */
  DEBUG: boolean
  /** Test mode: an unhandled error also rejects the test client's call that caused it (see PROPAGATE_EXCEPTIONS). */
  TESTING: boolean
  /**
   * Whether an unhandled error reaches the test that made the request: the test client's call
   * rejects with it (the response on the wire is still the 500). `null`: when `TESTING` or `DEBUG` is on.
   */
  PROPAGATE_EXCEPTIONS: boolean | null
  /** The key sessions are signed with; without one, sessions are unavailable. */
  SECRET_KEY: string | Uint8Array | null
  /** Old keys still accepted when verifying a session, so a key rotation logs nobody out. */
  SECRET_KEY_FALLBACKS: Array<string | Uint8Array> | null
  /** Seconds a permanent session lasts, and the maximum age of any session signature. */
  PERMANENT_SESSION_LIFETIME: number
  SESSION_COOKIE_NAME: string
  /** `null` sends no Domain attribute (Flask ≥ 2.3 no longer falls back to SERVER_NAME). */
  SESSION_COOKIE_DOMAIN: string | null
  /** `null` falls back to `APPLICATION_ROOT`. */
  SESSION_COOKIE_PATH: string | null
  SESSION_COOKIE_HTTPONLY: boolean
  SESSION_COOKIE_SECURE: boolean
  /** Adds `Partitioned` (CHIPS), which forces `Secure`. */
  SESSION_COOKIE_PARTITIONED: boolean
  SESSION_COOKIE_SAMESITE: 'Strict' | 'Lax' | 'None' | null
  /** Re-send the cookie of a permanent session on every response, sliding its expiry. */
  SESSION_REFRESH_EACH_REQUEST: boolean
  /** Where the app is mounted; the default session cookie path. */
  APPLICATION_ROOT: string
  /**
   * `host[:port]` for building URLs outside a request, the host `run()` listens on by default, and, with
   * subdomain matching, the domain whose subdomains rules match (include the port in development).
   */
  SERVER_NAME: string | null
  /** Build https/wss URLs outside a request (Quart's replacement for PREFERRED_URL_SCHEME). */
  PREFER_SECURE_URLS: boolean
  /** Inherited from Flask and kept for its extensions; Quart itself does not read it. */
  PREFERRED_URL_SCHEME: string
  /** Largest request body in bytes (413 beyond it); `null` for no limit. */
  MAX_CONTENT_LENGTH: number | null
  /** Largest non-file multipart field held in memory, in bytes (413 beyond it). */
  MAX_FORM_MEMORY_SIZE: number | null
  /** Most multipart parts in one body (413 beyond it). */
  MAX_FORM_PARTS: number | null
  /** Seconds to wait for a request body (408 after it); `null` waits forever. */
  BODY_TIMEOUT: number | null
  /**
   * Seconds a view has to answer (a 503 after that), and then, separately, to send the whole response
   * (the connection is cut after that; `response.timeout` overrides it per response); `null` for no limit.
   */
  RESPONSE_TIMEOUT: number | null
  /** Seconds background tasks get to finish at shutdown before they are cancelled. */
  BACKGROUND_TASK_SHUTDOWN_TIMEOUT: number
  /** `Cache-Control: max-age` in seconds for static files and `sendFile`; `null` sends none. */
  SEND_FILE_MAX_AGE_DEFAULT: number | null
  /** A `Set-Cookie` longer than this many bytes logs a warning (browsers drop it); 0 disables. */
  MAX_COOKIE_SIZE: number
  /** Send HTTP errors past their handlers, as unhandled errors. */
  TRAP_HTTP_EXCEPTIONS: boolean
  /** `null` traps bad-request errors only in debug mode. */
  TRAP_BAD_REQUEST_ERRORS: boolean | null
  /** Log each attempt to find a template. */
  EXPLAIN_TEMPLATE_LOADING: boolean
  /** `null` follows `DEBUG`. */
  TEMPLATES_AUTO_RELOAD: boolean | null
  /** Answer OPTIONS for every rule that does not list it. */
  PROVIDE_AUTOMATIC_OPTIONS: boolean
  /** Keep the context pushed after an unhandled error, to inspect it. */
  PRESERVE_CONTEXT_ON_EXCEPTION: boolean | null
  /**
   * Sort the keys of JSON responses. Flask 2.2 moved the JSON settings to `app.json.*`;
   * Flagon keeps them as config keys, which is the simpler shape in TypeScript.
   */
  JSON_SORT_KEYS: boolean
  /** Escape non-ASCII characters in JSON responses as `\uXXXX`. */
  JSON_AS_ASCII: boolean
  /** The media type of JSON responses. */
  JSONIFY_MIMETYPE: string
  /** Seconds in-flight requests get to finish on a graceful shutdown (Flagon's own). */
  SHUTDOWN_TIMEOUT: number
  /** Host names requests may use; `null` accepts any (inherited from Flask 3.1). */
  TRUSTED_HOSTS: string[] | null
  /** The largest websocket message accepted, in bytes; a bigger one closes the socket with 1009. */
  WEBSOCKET_MAX_MESSAGE_SIZE: number
  /** Seconds between pings to each websocket; a peer that has not answered the last one is dropped (unless the handler is not reading, and its pong waits unread). `null`: no pings. */
  WEBSOCKET_PING_INTERVAL: number | null
  /** Seconds open websockets get to finish on shutdown before they are closed with 1001. */
  WEBSOCKET_SHUTDOWN_GRACE: number
  /**
   * Seconds a client has to send a request's headers from the moment it connects (or from the end
   * of its previous request): a slowloris or silent connection gets a 408 and is closed by then. 0: no limit.
   */
  HEADERS_TIMEOUT: number
  /** Seconds an idle keep-alive connection stays open waiting for its next request (0: close at once). */
  KEEP_ALIVE_TIMEOUT: number
  /** The largest request line plus headers, in bytes; above it the client gets a 431 and the connection closes. */
  MAX_HEADER_SIZE: number
  /** Your own keys: UPPERCASE by convention, and the loaders load only those. */
  [key: string]: unknown
}

/** The name of a key Flagon knows, i.e. `FlagonConfig` without its index signature. */
export type KnownConfigKey = keyof {
  [K in keyof FlagonConfig as string extends K ? never : number extends K ? never : K]: unknown
}

/**
 * Quart 0.21's `default_config` (Flask 3.1's defaults, with Quart's overrides), in seconds and bytes.
 * Frozen: `new Config()` copies it.
 */
export const defaultConfig: Readonly<FlagonConfig> = Object.freeze({
  // Quart seeds DEBUG from the FLASK_DEBUG environment variable (a Flask helper it inherits).
  // Flagon does not copy that quirk: DEBUG is false until you set it, e.g. with FLAGON_DEBUG=true
  // through config.fromPrefixedEnv().
  DEBUG: false,
  TESTING: false,
  PROPAGATE_EXCEPTIONS: null,
  SECRET_KEY: null,
  SECRET_KEY_FALLBACKS: null,
  PERMANENT_SESSION_LIFETIME: 31 * 24 * 60 * 60,
  SESSION_COOKIE_NAME: 'session',
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_PATH: null,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_PARTITIONED: false,
  SESSION_COOKIE_SAMESITE: null,
  SESSION_REFRESH_EACH_REQUEST: true,
  APPLICATION_ROOT: '/',
  SERVER_NAME: null,
  PREFER_SECURE_URLS: false,
  PREFERRED_URL_SCHEME: 'http',
  MAX_CONTENT_LENGTH: 16 * 1024 * 1024, // Quart's; Flask's is None
  MAX_FORM_MEMORY_SIZE: 500_000,
  MAX_FORM_PARTS: 1_000,
  BODY_TIMEOUT: 60,
  RESPONSE_TIMEOUT: 60,
  BACKGROUND_TASK_SHUTDOWN_TIMEOUT: 5,
  SEND_FILE_MAX_AGE_DEFAULT: 12 * 60 * 60, // Quart's; Flask's is None
  MAX_COOKIE_SIZE: 4093,
  TRAP_HTTP_EXCEPTIONS: false,
  TRAP_BAD_REQUEST_ERRORS: null,
  EXPLAIN_TEMPLATE_LOADING: false,
  TEMPLATES_AUTO_RELOAD: null,
  PROVIDE_AUTOMATIC_OPTIONS: true,
  PRESERVE_CONTEXT_ON_EXCEPTION: null,
  JSON_SORT_KEYS: true,
  JSON_AS_ASCII: true,
  JSONIFY_MIMETYPE: 'application/json',
  SHUTDOWN_TIMEOUT: 30,
  TRUSTED_HOSTS: null,
  // Hypercorn's default message limit; pings every 20 s catch dead peers within 40 s.
  WEBSOCKET_MAX_MESSAGE_SIZE: 16 * 1024 * 1024,
  WEBSOCKET_PING_INTERVAL: 20,
  WEBSOCKET_SHUTDOWN_GRACE: 5,
  // Node's own defaults are 60 s for headers (checked only every 30 s) and 5 s for keep-alive;
  // Hypercorn closes silent connections after 5 s. 16 KiB is Node's and Hypercorn's header limit.
  HEADERS_TIMEOUT: 10,
  KEEP_ALIVE_TIMEOUT: 5,
  MAX_HEADER_SIZE: 16 * 1024,
})
