import { Redis } from 'ioredis'
import memjs from 'memjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MemcachedStore,
  MemoryStore,
  RedisStore,
  SecureCookieSessionInterface,
  type ServerSessionConfig,
  ServerSideSessionInterface,
  type Store,
  storeFromConfig,
  useServerSessions,
} from '../../src/index.js'
import { fakeApp } from '../host.js'
import type { FakeServerApp } from './host.js'
import { startMemcached, startRedis, type TestServer } from './servers.js'

let redis: TestServer
let memcached: TestServer
beforeAll(async () => {
  ;[redis, memcached] = await Promise.all([startRedis(), startMemcached()])
})
afterAll(async () => {
  await Promise.all([redis?.stop(), memcached?.stop()])
})

/** An app with a serving lifespan, whose hooks the test runs by hand. */
function lifespanApp(config: ServerSessionConfig) {
  const app = fakeApp(config) as FakeServerApp & {
    before: Array<() => unknown>
    after: Array<() => unknown>
    beforeServing(fn: () => unknown): void
    afterServing(fn: () => unknown): void
  }
  app.sessionInterface = new SecureCookieSessionInterface()
  app.before = []
  app.after = []
  app.beforeServing = (fn) => void app.before.push(fn)
  app.afterServing = (fn) => void app.after.push(fn)
  return app
}

const serve = async (app: ReturnType<typeof lifespanApp>) => {
  for (const fn of app.before) await fn()
}
const stop = async (app: ReturnType<typeof lifespanApp>) => {
  for (const fn of app.after) await fn()
}

describe('useServerSessions(app)', () => {
  it("replaces the app's session interface; the memory store is the default", () => {
    const app = lifespanApp({})
    const iface = useServerSessions(app)
    expect(app.sessionInterface).toBe(iface)
    expect(iface).toBeInstanceOf(ServerSideSessionInterface)
    expect(iface.store).toBeInstanceOf(MemoryStore)
  })

  it('reads the SESSION_* keys once; options override them', () => {
    const app = lifespanApp({ SESSION_KEY_PREFIX: 'a:', SESSION_PERMANENT: false, SESSION_STORE_TIMEOUT: 5 })
    const iface = useServerSessions(app, { keyPrefix: 'b:' })
    expect(iface).toMatchObject({ keyPrefix: 'b:', permanent: false, storeTimeout: 5 })
  })

  it('works on an app with no lifespan hooks', () => {
    const app = fakeApp({}) as FakeServerApp
    expect(() => useServerSessions(app)).not.toThrow()
  })

  it("SESSION_TYPE = 'redis' with a URL: connected before serving, closed after", async () => {
    const app = lifespanApp({ SESSION_TYPE: 'redis', SESSION_REDIS: redis.address })
    const store = useServerSessions(app).store as RedisStore
    expect(store).toBeInstanceOf(RedisStore)
    expect(store.client.status).toBe('wait')
    await serve(app)
    expect(store.client.status).toBe('ready')
    await stop(app)
    expect(store.client.status).toBe('end')
  })

  it("SESSION_REDIS may be the app's own client, used as is and left open", async () => {
    const client = new Redis(redis.address)
    const app = lifespanApp({ SESSION_TYPE: 'redis', SESSION_REDIS: client })
    const store = useServerSessions(app).store as RedisStore
    expect(store.client).toBe(client)
    await serve(app)
    await stop(app)
    expect(await client.ping()).toBe('PONG')
    await client.quit()
  })

  it("SESSION_TYPE = 'memcached' with host:port, or a memjs client used as is", async () => {
    const byAddress = useServerSessions(
      lifespanApp({ SESSION_TYPE: 'memcached', SESSION_MEMCACHED: memcached.address }),
    )
    expect(byAddress.store).toBeInstanceOf(MemcachedStore)
    await byAddress.store.set('k', 'v', 60)
    expect(await byAddress.store.get('k')).toBe('v')
    await byAddress.close()

    const client = memjs.Client.create(memcached.address, { logger: { log() {} } })
    const shared = useServerSessions(lifespanApp({ SESSION_TYPE: 'memcached', SESSION_MEMCACHED: client }))
    expect((shared.store as MemcachedStore).client).toBe(client)
    await shared.close()
    expect((await client.get('k')).value?.toString()).toBe('v')
    client.close()
  })

  it('storeFromConfig makes the store alone', () => {
    expect(storeFromConfig({})).toBeInstanceOf(MemoryStore)
  })

  it('SESSION_TYPE may be a store object', () => {
    const store: Store = new MemoryStore({ maxEntries: 5 })
    expect(useServerSessions(lifespanApp({ SESSION_TYPE: store })).store).toBe(store)
    const other = new MemoryStore()
    expect(useServerSessions(lifespanApp({ SESSION_TYPE: 'redis' }), { store: other }).store).toBe(other)
  })

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'an unknown SESSION_TYPE',
      { SESSION_TYPE: 'mongodb' },
      /^SESSION_TYPE must be "memory", "redis", "memcached" or a store object \(with get, set and delete\), not "mongodb"\.$/,
    ],
    [
      'a SESSION_REDIS of another kind',
      { SESSION_TYPE: 'redis', SESSION_REDIS: 6379 },
      /^SESSION_REDIS must be a Redis URL/,
    ],
    [
      'a SESSION_MEMCACHED of another kind',
      { SESSION_TYPE: 'memcached', SESSION_MEMCACHED: {} },
      /^SESSION_MEMCACHED must be "host:port" or a memjs Client, not an object of another kind\.$/,
    ],
    ['a badly typed key', { SESSION_EXPLICIT: 1 }, /^SESSION_EXPLICIT must be true or false, not 1\.$/],
  ]
  for (const [name, config, message] of bad) {
    it(`fails at start-up on ${name}`, () => {
      expect(() => useServerSessions(lifespanApp(config as ServerSessionConfig))).toThrow(message)
    })
  }
})
