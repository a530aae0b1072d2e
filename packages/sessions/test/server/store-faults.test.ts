/**
 * Faults on real servers: the server stopped mid-run and started again on the same port, and the
 * server frozen (SIGSTOP) so that it answers nothing. Requests fail fast with a 503, and service returns
 * on its own. The recovery times are printed as `[measure]` lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemcachedStore, RedisStore, type Store, StoreUnavailable } from '../../src/index.js'
import { type Browser, serverSessions } from './host.js'
import { startMemcached, startRedis, type TestServer } from './servers.js'
import { sleep } from './store-contract.js'

const TIMEOUT = 0.5

const backends: Array<
  [name: string, start: () => Promise<TestServer>, store: (server: TestServer) => Store]
> = [
  ['redis', startRedis, (server) => new RedisStore(server.address)],
  ['memcached', startMemcached, (server) => new MemcachedStore(server.address, { timeout: TIMEOUT })],
]

/** Tries requests until one succeeds; the milliseconds that took. */
async function untilServed(b: Browser): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < 10_000) {
    try {
      await b.request((s) => s.set('back', true))
      return Date.now() - started
    } catch (error) {
      expect(error).toBeInstanceOf(StoreUnavailable)
      await sleep(10)
    }
  }
  throw new Error('the store did not come back within 10 s')
}

async function failure(promise: Promise<unknown>): Promise<{ error: StoreUnavailable; ms: number }> {
  const started = Date.now()
  const error = await promise.then(
    () => {
      throw new Error('expected the store call to fail')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(StoreUnavailable)
  return { error: error as StoreUnavailable, ms: Date.now() - started }
}

for (const [name, start, makeStore] of backends) {
  describe(`when the ${name} server fails`, () => {
    let server: TestServer
    let store: Store
    beforeAll(async () => {
      server = await start()
      store = makeStore(server)
    })
    afterAll(async () => {
      await store?.close?.()
      await server?.stop()
    })
    const setup = () => serverSessions(store, { SESSION_STORE_TIMEOUT: TIMEOUT })

    it('stopped: requests fail with a 503 within the timeout; restarted: served again, with no restart of the app', async () => {
      const { browser } = setup()
      const b = browser()
      await b.request((s) => s.set('user', 'ann'))
      await server.stop()
      for (let i = 0; i < 3; i++) {
        const { error, ms } = await failure(b.request())
        expect(error.status).toBe(503)
        expect(error.retryAfter).toBe(1)
        expect(error.headers).toEqual({ 'Retry-After': '1' })
        expect(error.store).toBe(name)
        expect(error.operation).toBe('get')
        expect(ms).toBeLessThan(TIMEOUT * 1000 + 400)
      }
      await server.start()
      const recovery = await untilServed(b)
      console.info(`[measure] ${name}: served again ${recovery} ms after the server accepted connections`)
      expect(recovery).toBeLessThan(3000)
      // No persistence: the old record went with the server, so the session is a new one.
      expect((await b.request()).session.get('back')).toBe(true)
    })

    it('a write that fails is not lost silently: saveSession throws StoreUnavailable', async () => {
      const { app, iface, browser } = setup()
      const b = browser()
      await b.request((s) => s.set('user', 'ann'))
      const session = await b.open()
      session.set('cart', 3)
      await server.stop()
      const { error } = await failure(iface.saveSession(app, session, null))
      expect(error.operation).toBe('update')
      expect(error.message).toMatch(/was not saved/)
      await server.start()
      await untilServed(b)
    })

    it('frozen (answering nothing): requests fail within the timeout, and recover when it answers again', async () => {
      const { browser } = setup()
      const b = browser()
      await b.request((s) => s.set('user', 'ann'))
      server.pause()
      try {
        const { error, ms } = await failure(b.request())
        expect(error.timeout).toBe(TIMEOUT)
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT * 1000 - 20)
        expect(ms).toBeLessThan(TIMEOUT * 1000 + 400)
      } finally {
        server.resume()
      }
      const recovery = await untilServed(b)
      console.info(`[measure] ${name}: served again ${recovery} ms after SIGCONT`)
      expect((await b.request()).session.get('user')).toBe('ann')
    })
  })
}

describe('an outage is logged once by the store, not once per request', () => {
  for (const [name, start] of backends) {
    it(name, async () => {
      const server = await start()
      const logged: string[] = []
      const logger = { warn: (message: string) => void logged.push(message) }
      const store =
        name === 'redis'
          ? new RedisStore(server.address, { logger })
          : new MemcachedStore(server.address, { timeout: TIMEOUT, logger })
      try {
        const { browser } = serverSessions(store, { SESSION_STORE_TIMEOUT: TIMEOUT })
        const b = browser()
        await b.request((s) => s.set('user', 'ann'))
        await server.stop()
        for (let i = 0; i < 3; i++) {
          await failure(b.request())
          await sleep(100)
        }
        await server.start()
        await untilServed(b)
        expect(logged).toHaveLength(1)
        expect(logged[0]).toMatch(name === 'redis' ? /lost its connection/ : /failed/)
      } finally {
        await store.close?.()
        await server.stop()
      }
    })
  }
})
