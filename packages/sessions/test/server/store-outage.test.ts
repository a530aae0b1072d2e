/**
 * The store goes down under load and the site stays up: real Redis and Memcached servers stopped and
 * started again while browsers keep making requests. Every failure is a fast 503 (no hang, nothing
 * else thrown), no record is corrupt afterwards, and service returns within seconds, with no restart
 * of the app. The recovery times are printed as `[measure]` lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MemcachedStore,
  RedisStore,
  type ServerSessionConfig,
  type Store,
  StoreUnavailable,
  sessionJsonSerializer,
} from '../../src/index.js'
import { serverSessions } from './host.js'
import { startMemcached, startRedis, type TestServer } from './servers.js'
import { sleep } from './store-contract.js'

const TIMEOUT = 0.5
const BROWSERS = 20
const OUTAGE_MS = 1500

const backends: Array<
  [name: string, start: () => Promise<TestServer>, store: (server: TestServer) => Store]
> = [
  ['redis', startRedis, (server) => new RedisStore(server.address)],
  ['memcached', startMemcached, (server) => new MemcachedStore(server.address, { timeout: TIMEOUT })],
]

/** Browsers writing in a loop until stopped; what happened to each request. */
function load(store: Store, config: ServerSessionConfig, write: boolean) {
  const { iface, browser } = serverSessions(store, { SESSION_STORE_TIMEOUT: TIMEOUT, ...config })
  const browsers = Array.from({ length: BROWSERS }, () => browser())
  const stats = { ok: 0, unavailable: 0, others: [] as unknown[], slowest: 0 }
  const lastOk = browsers.map(() => 0)
  let running = true
  const workers = browsers.map(async (b, i) => {
    let n = 0
    while (running) {
      const started = performance.now()
      try {
        await b.request((s) => (write ? s.set(`w${i}`, n++) : s.get(`w${i}`)))
        stats.ok++
        lastOk[i] = Date.now()
      } catch (error) {
        if (error instanceof StoreUnavailable) stats.unavailable++
        else stats.others.push(error)
      }
      stats.slowest = Math.max(stats.slowest, performance.now() - started)
      await sleep(5)
    }
  })
  return {
    iface,
    browsers,
    stats,
    /** Resolves when every browser has been served since `since`; the milliseconds that took. */
    async allServedSince(since: number): Promise<number> {
      while (lastOk.some((t) => t < since)) {
        if (Date.now() - since > 10_000) throw new Error('the store did not come back within 10 s')
        await sleep(5)
      }
      return Math.max(...lastOk) - since
    },
    async stop() {
      running = false
      await Promise.all(workers)
    },
  }
}

for (const [name, start, makeStore] of backends) {
  describe(`the ${name} server stopped and restarted under load`, () => {
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

    it(`${BROWSERS} browsers writing: fast 503s while down, no hang, no other error, no corrupt record, back within seconds`, async () => {
      const run = load(store, {}, true)
      await run.allServedSince(Date.now())
      await sleep(300)
      await server.stop()
      await sleep(OUTAGE_MS)
      const down = await run.iface.health()
      await server.start()
      const restarted = Date.now()
      const recovery = await run.allServedSince(restarted)
      await sleep(300)
      await run.stop()
      const up = await run.iface.health()
      console.info(
        `[measure] ${name}: all ${BROWSERS} browsers served again ${recovery} ms after the server accepted ` +
          `connections (${run.stats.ok} requests served, ${run.stats.unavailable} answered 503, slowest ` +
          `${Math.round(run.stats.slowest)} ms)`,
      )
      expect(run.stats.others).toEqual([])
      expect(run.stats.unavailable).toBeGreaterThan(0)
      expect(run.stats.slowest).toBeLessThan(TIMEOUT * 1000 + 500)
      expect(recovery).toBeLessThan(3000)
      expect(down).toMatchObject({ ok: false, store: name, state: expect.stringMatching(/open/) })
      expect(up).toMatchObject({ ok: true, state: 'closed', consecutiveFailures: 0 })
      for (const [i, b] of run.browsers.entries()) {
        const raw = await store.get(run.iface.keyFor(b.cookie!))
        const data = sessionJsonSerializer.loads(raw!) as Record<string, unknown>
        expect(typeof data[`w${i}`]).toBe('number')
      }
    })

    it("with SESSION_STORE_FAILURE = 'anonymous', reading browsers are never refused", async () => {
      const run = load(store, { SESSION_STORE_FAILURE: 'anonymous' }, false)
      for (const b of run.browsers) await b.request((s) => s.set('user', 'ann'))
      await server.stop()
      await sleep(OUTAGE_MS / 2)
      await server.start()
      const restarted = Date.now()
      await run.allServedSince(restarted)
      await run.stop()
      expect(run.stats.others).toEqual([])
      expect(run.stats.unavailable).toBe(0)
      expect(run.stats.slowest).toBeLessThan(TIMEOUT * 1000 + 500)
    })
  })
}
