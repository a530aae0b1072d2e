/**
 * `useServerSessions(app)`: Quart-Session's `Session(app)`. It reads the `SESSION_*` config once,
 * makes the store `SESSION_TYPE` names, sets `app.sessionInterface`, and, when the app has a serving
 * lifespan, connects the store before serving and closes what it created after.
 */
import type { Awaitable, SessionApp } from '../interface.js'
import { readServerSessionSettings, type ServerSessionConfig } from './config.js'
import { ServerSideSessionInterface, type ServerSideSessionInterfaceOptions } from './interface.js'
import { isMemcachedClient, MemcachedStore } from './memcached.js'
import { MemoryStore } from './memory.js'
import { isRedisClient, RedisStore } from './redis.js'
import type { Store } from './store.js'

/** The app as `useServerSessions` sees it: config, logger, a session interface, and maybe a lifespan. */
export interface ServerSessionHost extends SessionApp {
  readonly config: ServerSessionConfig
  /** Replaced by the {@link ServerSideSessionInterface}; typed loosely, so any host's own type will do. */
  sessionInterface: unknown
  /** Registers a function to run before the app serves its first request. */
  beforeServing?(fn: () => Awaitable<void>): unknown
  /** Registers a function to run when the app stops serving. */
  afterServing?(fn: () => Awaitable<void>): unknown
}

/** What `useServerSessions(app, options)` takes: settings over the config's, and a store over `SESSION_TYPE`. */
export interface UseServerSessionsOptions extends ServerSideSessionInterfaceOptions {
  /** The store, instead of the one `SESSION_TYPE` names. */
  store?: Store
}

/**
 * Keeps the app's sessions on the server: sets `app.sessionInterface` to a
 * {@link ServerSideSessionInterface} over the store `SESSION_TYPE` names (`'memory'` by default,
 * `'redis'`, `'memcached'`, or a {@link Store}), with the `SESSION_*` settings. Returns the interface.
 *
 * @example
 * app.config.SESSION_TYPE = 'redis'
 * app.config.SESSION_REDIS = 'redis://127.0.0.1:6379' // or an ioredis client shared with the app
 * useServerSessions(app)
 * @throws TypeError when a `SESSION_*` key has the wrong type or `SESSION_TYPE` is unknown.
 */
export function useServerSessions(
  app: ServerSessionHost,
  options: UseServerSessionsOptions = {},
): ServerSideSessionInterface {
  const { store: given, ...overrides } = options
  const settings = { ...readServerSessionSettings(app.config), ...withoutUndefined(overrides) }
  const store = given ?? storeFromConfig(app.config, { timeout: settings.storeTimeout, logger: app.logger })
  const sessionInterface = new ServerSideSessionInterface(store, { ...overrides, ...settings })
  app.sessionInterface = sessionInterface
  app.beforeServing?.(() => sessionInterface.open())
  app.afterServing?.(() => sessionInterface.close())
  return sessionInterface
}

/**
 * The store `SESSION_TYPE` names, made from `SESSION_REDIS` or `SESSION_MEMCACHED`.
 *
 * @throws TypeError for an unknown `SESSION_TYPE`, or a `SESSION_REDIS`/`SESSION_MEMCACHED` that is
 *   neither an address nor a client.
 */
export function storeFromConfig(
  config: ServerSessionConfig,
  options: { timeout?: number; logger?: { warn(message: string): void } } = {},
): Store {
  const type = config.SESSION_TYPE ?? 'memory'
  if (isStore(type)) return type
  const logger = options.logger ? { logger: options.logger } : {}
  switch (type) {
    case 'memory':
      return new MemoryStore()
    case 'redis': {
      const redis = config.SESSION_REDIS ?? 'redis://127.0.0.1:6379'
      if (typeof redis === 'string' || isRedisClient(redis)) return new RedisStore(redis, logger)
      throw new TypeError(
        'SESSION_REDIS must be a Redis URL ("redis://host:6379") or an ioredis Redis or Cluster client, ' +
          `not ${describe(redis)}.`,
      )
    }
    case 'memcached': {
      const memcached = config.SESSION_MEMCACHED ?? '127.0.0.1:11211'
      if (typeof memcached === 'string' || isMemcachedClient(memcached)) {
        return new MemcachedStore(memcached, {
          ...logger,
          ...(options.timeout !== undefined && { timeout: options.timeout }),
        })
      }
      throw new TypeError(
        `SESSION_MEMCACHED must be "host:port" or a memjs Client, not ${describe(memcached)}.`,
      )
    }
    default:
      throw new TypeError(
        `SESSION_TYPE must be "memory", "redis", "memcached" or a store object (with get, set and delete), ` +
          `not ${describe(type)}.`,
      )
  }
}

function isStore(value: unknown): value is Store {
  const store = value as Partial<Record<'get' | 'set' | 'delete', unknown>> | null
  return (
    typeof value === 'object' &&
    store !== null &&
    typeof store.get === 'function' &&
    typeof store.set === 'function' &&
    typeof store.delete === 'function'
  )
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null ? 'an object of another kind' : JSON.stringify(value)
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
