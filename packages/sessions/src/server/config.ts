/**
 * The `SESSION_*` keys of server-side sessions (Quart-Session's, with its defaults), read and checked
 * once, when `useServerSessions(app)` installs the interface: a wrongly typed key fails at start-up,
 * not at the first request.
 */
import type { SessionConfig } from '../interface.js'
import type { Store } from './store.js'

/** The config keys server-side sessions read, beside the cookie keys of {@link SessionConfig}. */
export interface ServerSessionConfig extends SessionConfig {
  /** `'memory'` (default), `'redis'`, `'memcached'`, or a {@link Store} of your own. */
  readonly SESSION_TYPE?: 'memory' | 'redis' | 'memcached' | Store | undefined
  /** A Redis URL (`redis://`, `rediss://`), or an ioredis `Redis` or `Cluster` used as it is. */
  readonly SESSION_REDIS?: unknown
  /** `'host:port'` (comma-separated for several servers), or a memjs `Client` used as it is. */
  readonly SESSION_MEMCACHED?: unknown
  /** Put before every session id to make the store key; default `'session:'`. */
  readonly SESSION_KEY_PREFIX?: string | undefined
  /** Sign the id in the cookie with `SECRET_KEY`; default false. */
  readonly SESSION_USE_SIGNER?: boolean | undefined
  /** New sessions are permanent (the cookie outlives the browser); default true. */
  readonly SESSION_PERMANENT?: boolean | undefined
  /** Store a new session only after `session.dirty()`; default false. */
  readonly SESSION_EXPLICIT?: boolean | undefined
  /** Save the session (and set its cookie) on static file responses too; default false. */
  readonly SESSION_STATIC_FILE?: boolean | undefined
  /** Drop a session used from another client address; default false. */
  readonly SESSION_HIJACK_PROTECTION?: boolean | undefined
  /**
   * Take the client address from `X-Forwarded-For`: `true` = its first hop; a number N = the hop N
   * from the right, for N proxies you trust that each append the address they saw. Default false.
   */
  readonly SESSION_HIJACK_REVERSE_PROXY?: boolean | number | undefined
  /** Quart-Session 3's name for `SESSION_HIJACK_PROTECTION`. */
  readonly SESSION_PROTECTION?: boolean | undefined
  /** Quart-Session 3's name for `SESSION_HIJACK_REVERSE_PROXY`. */
  readonly SESSION_REVERSE_PROXY?: boolean | number | undefined
  /** Seconds any one store call may take before the request fails with a 503; default 2. */
  readonly SESSION_STORE_TIMEOUT?: number | undefined
  /**
   * When the store cannot be read: `'error'` (default) answers 503 with `Retry-After`; `'anonymous'`
   * lets the request go on with an empty session that is never stored (a write to it still answers 503).
   */
  readonly SESSION_STORE_FAILURE?: 'error' | 'anonymous' | undefined
  /**
   * Keys whose write (set or delete) regenerates the session id when the response is saved, e.g.
   * `['user_id']`: fixation defence that does not depend on remembering `session.regenerate()`.
   */
  readonly SESSION_REGENERATE_ON?: readonly string[] | undefined
  /**
   * The session key that names the user (e.g. `'user_id'`): with it, the store keeps a per-user index
   * of sessions for `listSessions`, `revokeSession` and `revokeAllSessions`. Default none.
   */
  readonly SESSION_IDENTITY_KEY?: string | null | undefined
}

/** The settings a {@link ServerSideSessionInterface} works by, as read from the config. */
export interface ServerSessionSettings {
  keyPrefix: string
  useSigner: boolean
  permanent: boolean
  explicit: boolean
  staticFile: boolean
  hijackProtection: boolean
  hijackReverseProxy: boolean | number
  /** Seconds. */
  storeTimeout: number
  storeFailure: 'error' | 'anonymous'
  regenerateOn: readonly string[]
  identityKey: string | null
}

/** Quart-Session's defaults, plus Flagon's store timeout. */
export const defaultServerSessionSettings: Readonly<ServerSessionSettings> = Object.freeze({
  keyPrefix: 'session:',
  useSigner: false,
  permanent: true,
  explicit: false,
  staticFile: false,
  hijackProtection: false,
  hijackReverseProxy: false,
  storeTimeout: 2,
  storeFailure: 'error',
  regenerateOn: Object.freeze([]) as readonly string[],
  identityKey: null,
})

/**
 * The settings in `config`, each key absent taking its default.
 *
 * @throws TypeError naming the key, when a key has the wrong type or a key and its alias disagree.
 */
export function readServerSessionSettings(config: ServerSessionConfig): ServerSessionSettings {
  const d = defaultServerSessionSettings
  const keyPrefix = config.SESSION_KEY_PREFIX ?? d.keyPrefix
  if (typeof keyPrefix !== 'string') throw wrongType('SESSION_KEY_PREFIX', 'a string', keyPrefix)
  const storeTimeout = config.SESSION_STORE_TIMEOUT ?? d.storeTimeout
  if (typeof storeTimeout !== 'number' || !(storeTimeout > 0) || !Number.isFinite(storeTimeout)) {
    throw wrongType('SESSION_STORE_TIMEOUT', 'a positive number of seconds', storeTimeout)
  }
  const storeFailure = config.SESSION_STORE_FAILURE ?? d.storeFailure
  if (storeFailure !== 'error' && storeFailure !== 'anonymous') {
    throw wrongType('SESSION_STORE_FAILURE', '"error" or "anonymous"', storeFailure)
  }
  const regenerateOn = config.SESSION_REGENERATE_ON ?? d.regenerateOn
  if (!Array.isArray(regenerateOn) || !regenerateOn.every((key) => typeof key === 'string')) {
    throw wrongType('SESSION_REGENERATE_ON', 'a list of session keys', regenerateOn)
  }
  const identityKey = config.SESSION_IDENTITY_KEY ?? d.identityKey
  if (identityKey !== null && (typeof identityKey !== 'string' || identityKey === '')) {
    throw wrongType('SESSION_IDENTITY_KEY', 'a session key (a non-empty string) or null', identityKey)
  }
  const hijackReverseProxy = aliased(config, 'SESSION_HIJACK_REVERSE_PROXY', 'SESSION_REVERSE_PROXY')
  if (
    hijackReverseProxy !== undefined &&
    typeof hijackReverseProxy !== 'boolean' &&
    !(Number.isInteger(hijackReverseProxy) && (hijackReverseProxy as number) > 0)
  ) {
    throw wrongType('SESSION_HIJACK_REVERSE_PROXY', 'true, false or a number of proxies', hijackReverseProxy)
  }
  return {
    keyPrefix,
    useSigner: flag(config, 'SESSION_USE_SIGNER', d.useSigner),
    permanent: flag(config, 'SESSION_PERMANENT', d.permanent),
    explicit: flag(config, 'SESSION_EXPLICIT', d.explicit),
    staticFile: flag(config, 'SESSION_STATIC_FILE', d.staticFile),
    hijackProtection: booleanValue(
      'SESSION_HIJACK_PROTECTION',
      aliased(config, 'SESSION_HIJACK_PROTECTION', 'SESSION_PROTECTION'),
      d.hijackProtection,
    ),
    hijackReverseProxy: (hijackReverseProxy as boolean | number | undefined) ?? d.hijackReverseProxy,
    storeTimeout,
    storeFailure,
    regenerateOn: [...regenerateOn],
    identityKey,
  }
}

function flag(config: ServerSessionConfig, key: string, defaultValue: boolean): boolean {
  return booleanValue(key, config[key], defaultValue)
}

function booleanValue(key: string, value: unknown, defaultValue: boolean): boolean {
  if (value === undefined || value === null) return defaultValue
  if (typeof value !== 'boolean') throw wrongType(key, 'true or false', value)
  return value
}

// Quart-Session 3 renamed the keys (and forgot to read the old ones); both names work here.
function aliased(config: ServerSessionConfig, name: string, alias: string): unknown {
  const value = config[name]
  const aliasValue = config[alias]
  if (value !== undefined && aliasValue !== undefined && value !== aliasValue) {
    throw new TypeError(
      `${name} is ${JSON.stringify(value)} but its alias ${alias} is ${JSON.stringify(aliasValue)}. ` +
        'Set only one of them.',
    )
  }
  return value ?? aliasValue
}

function wrongType(key: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${key} must be ${expected}, not ${JSON.stringify(value) ?? String(value)}.`)
}
