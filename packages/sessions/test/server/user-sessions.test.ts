/**
 * Every session of a user (list, revoke, log out everywhere) on the memory store and real Redis, the
 * clear error on Memcached, and the revocation events a host closes websockets on.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MemcachedStore,
  MemoryStore,
  RedisStore,
  type RevocationEvent,
  SESSION_REVOKED_CLOSE_CODE,
  SessionIndexUnavailable,
  type Store,
  sessionIdHash,
} from '../../src/index.js'
import { serverSessions } from './host.js'
import { startMemcached, startRedis, type TestServer } from './servers.js'
import { received, sleep } from './store-contract.js'

let redis: TestServer
let memcached: TestServer
beforeAll(async () => {
  ;[redis, memcached] = await Promise.all([startRedis(), startMemcached()])
})
afterAll(async () => {
  await Promise.all([redis?.stop(), memcached?.stop()])
})

const indexed: Array<[name: string, makeStore: () => Store]> = [
  ['memory', () => new MemoryStore()],
  ['redis', () => new RedisStore(redis.address)],
]

for (const [name, makeStore] of indexed) {
  describe(`every session of a user, on the ${name} store`, () => {
    const setup = async () => {
      const store = makeStore()
      const sessions = serverSessions(store, { SESSION_IDENTITY_KEY: 'user_id' })
      const events: RevocationEvent[] = []
      const unsubscribe = await sessions.iface.subscribeRevocations((event) => void events.push(event))
      const login = async (userId: number, userAgent: string, addr: string) => {
        const b = sessions.browser()
        const { session } = await b.request((s) => s.set('user_id', userId), {
          addr,
          headers: { 'User-Agent': userAgent },
        })
        return { b, sid: session.sid }
      }
      const done = async () => {
        await unsubscribe()
        await store.close?.()
      }
      return { ...sessions, store, events, login, done }
    }

    it('lists each session by its id hash, with created, last seen, user agent and address, never the id', async () => {
      const { iface, login, done } = await setup()
      const user = Math.floor(Math.random() * 1e9)
      const laptop = await login(user, 'Firefox', '10.0.0.1')
      await sleep(20)
      const phone = await login(user, 'Safari', '10.0.0.2')
      await login(user + 1, 'Other user', '10.0.0.3')
      const sessions = await iface.listSessions(user)
      expect(sessions).toEqual([
        {
          idHash: iface.idHash(phone.sid),
          created: expect.any(Date),
          lastSeen: expect.any(Date),
          userAgent: 'Safari',
          address: '10.0.0.2',
        },
        expect.objectContaining({
          idHash: sessionIdHash(laptop.sid),
          userAgent: 'Firefox',
          address: '10.0.0.1',
        }),
      ])
      const shown = JSON.stringify(sessions)
      expect(shown).not.toContain(laptop.sid)
      expect(shown).not.toContain(phone.sid)
      // Using a session moves its last-seen time; its creation stays.
      const before = sessions[1]!
      await sleep(20)
      await laptop.b.request((s) => s.set('cart', 1))
      const after = (await iface.listSessions(user)).find((s) => s.idHash === before.idHash)!
      expect(after.lastSeen.getTime()).toBeGreaterThan(before.lastSeen.getTime())
      expect(after.created).toEqual(before.created)
      await done()
    })

    it('revokeSession ends one session: its next request is anonymous, and an event names it', async () => {
      const { iface, login, events, done } = await setup()
      const user = Math.floor(Math.random() * 1e9)
      const laptop = await login(user, 'Firefox', '10.0.0.1')
      const phone = await login(user, 'Safari', '10.0.0.2')
      expect(await iface.revokeSession(user, iface.idHash(phone.sid))).toBe(true)
      expect(await iface.revokeSession(user, iface.idHash(phone.sid))).toBe(false)
      expect((await phone.b.request()).session.get('user_id')).toBeUndefined()
      expect((await laptop.b.request()).session.get('user_id')).toBe(user)
      expect((await iface.listSessions(user)).map((s) => s.idHash)).toEqual([iface.idHash(laptop.sid)])
      expect(await received(events, 1)).toEqual([{ idHash: iface.idHash(phone.sid), reason: 'revoked' }])
      await done()
    })

    it('revokeAllSessions with except: "log out other devices"', async () => {
      const { iface, login, events, done } = await setup()
      const user = Math.floor(Math.random() * 1e9)
      const here = await login(user, 'Firefox', '10.0.0.1')
      const others = [await login(user, 'Safari', '10.0.0.2'), await login(user, 'Edge', '10.0.0.3')]
      expect(await iface.revokeAllSessions(user, { except: iface.idHash(here.sid) })).toBe(2)
      for (const other of others) expect((await other.b.request()).session.get('user_id')).toBeUndefined()
      expect((await here.b.request()).session.get('user_id')).toBe(user)
      expect((await received(events, 2)).map((e) => e.reason)).toEqual(['revoked', 'revoked'])
      expect(await iface.revokeAllSessions(user)).toBe(1)
      expect(await iface.listSessions(user)).toEqual([])
      await done()
    })

    it('clear() and regenerate() leave the index and send events; the regenerated session is listed anew', async () => {
      const { iface, login, events, done } = await setup()
      const user = Math.floor(Math.random() * 1e9)
      const one = await login(user, 'Firefox', '10.0.0.1')
      const two = await login(user, 'Safari', '10.0.0.2')
      await one.b.request((s) => s.clear())
      const { session } = await two.b.request((s) => s.regenerate())
      expect(await received(events, 2)).toEqual([
        { idHash: iface.idHash(one.sid), reason: 'cleared' },
        { idHash: iface.idHash(two.sid), reason: 'regenerated' },
      ])
      expect((await iface.listSessions(user)).map((s) => s.idHash)).toEqual([iface.idHash(session.sid)])
      await done()
    })

    it('a session that expired is dropped from the list', async () => {
      const { app, iface, login, done } = await setup()
      Object.assign(app.config, { PERMANENT_SESSION_LIFETIME: 1 })
      const user = Math.floor(Math.random() * 1e9)
      await login(user, 'Firefox', '10.0.0.1')
      Object.assign(app.config, { PERMANENT_SESSION_LIFETIME: 60 })
      const kept = await login(user, 'Safari', '10.0.0.2')
      await sleep(2100)
      expect((await iface.listSessions(user)).map((s) => s.idHash)).toEqual([iface.idHash(kept.sid)])
      await done()
    })
  })
}

describe('revocation across processes sharing Redis', () => {
  it('an interface on another connection hears a logout within milliseconds', async () => {
    const [here, there] = [new RedisStore(redis.address), new RedisStore(redis.address)]
    const listener = serverSessions(there).iface
    const heard: Array<{ event: RevocationEvent; at: number }> = []
    const unsubscribe = await listener.subscribeRevocations((event) =>
      heard.push({ event, at: performance.now() }),
    )
    const { iface, browser } = serverSessions(here)
    const latencies: number[] = []
    for (let i = 0; i < 20; i++) {
      const b = browser()
      const { session } = await b.request((s) => s.set('user', 'ann'))
      const started = performance.now()
      await b.request((s) => s.clear())
      const deadline = Date.now() + 1000
      while (heard.length < i + 1 && Date.now() < deadline) await sleep(1)
      expect(heard[i]!.event).toEqual({ idHash: iface.idHash(session.sid), reason: 'cleared' })
      latencies.push(heard[i]!.at - started)
    }
    latencies.sort((a, b) => a - b)
    console.info(
      `[measure] revocation over Redis pub/sub: median ${latencies[10]!.toFixed(1)} ms, ` +
        `max ${latencies[19]!.toFixed(1)} ms (logout saved → event heard on another connection)`,
    )
    expect(latencies[19]).toBeLessThan(1000)
    await unsubscribe()
    await Promise.all([here.close(), there.close()])
  })
})

describe('revocation across two processes sharing Redis', () => {
  it('a logout in this process reaches a listener in another process within a second', async () => {
    const script = fileURLToPath(new URL('./revocation-listener.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script, redis.address], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    const lines: string[] = []
    createInterface({ input: child.stdout! }).on('line', (line) => void lines.push(line))
    try {
      const deadline = Date.now() + 15_000
      while (!lines.includes('ready') && Date.now() < deadline) await sleep(10)
      expect(lines).toContain('ready')
      const store = new RedisStore(redis.address)
      const { iface, browser } = serverSessions(store)
      const latencies: number[] = []
      for (let i = 1; i <= 10; i++) {
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        const started = performance.timeOrigin + performance.now()
        await b.request((s) => s.clear())
        const until = Date.now() + 1000
        while (lines.length < i + 1 && Date.now() < until) await sleep(1)
        const event = JSON.parse(lines[i]!) as RevocationEvent & { at: number }
        expect(event).toMatchObject({ idHash: iface.idHash(session.sid), reason: 'cleared' })
        latencies.push(event.at - started)
      }
      latencies.sort((a, b) => a - b)
      console.info(
        `[measure] revocation across two processes over Redis: median ${latencies[5]!.toFixed(1)} ms, ` +
          `max ${latencies[9]!.toFixed(1)} ms (logout request started → event in the other process)`,
      )
      expect(latencies[9]).toBeLessThan(1000)
      await store.close()
    } finally {
      child.stdin!.end()
      child.kill()
    }
  }, 30_000)
})

describe('on the memcached store', () => {
  it("listing or revoking a user's sessions throws a clear SessionIndexUnavailable", async () => {
    const store = new MemcachedStore(memcached.address)
    const { iface } = serverSessions(store, { SESSION_IDENTITY_KEY: 'user_id' })
    const error = await iface.listSessions(1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionIndexUnavailable)
    expect(error).toMatchObject({ store: 'memcached', method: 'listSessions' })
    expect((error as Error).message).toMatch(/Memcached has no way to enumerate keys/)
    await expect(iface.revokeAllSessions(1)).rejects.toBeInstanceOf(SessionIndexUnavailable)
    await store.close()
  })

  it('revocation events still reach listeners in this process', async () => {
    const store = new MemcachedStore(memcached.address)
    const { iface, browser } = serverSessions(store)
    const events: RevocationEvent[] = []
    await iface.subscribeRevocations((event) => void events.push(event))
    const b = browser()
    const { session } = await b.request((s) => s.set('user', 'ann'))
    await b.request((s) => s.clear())
    expect(events).toEqual([{ idHash: iface.idHash(session.sid), reason: 'cleared' }])
    await store.close()
  })
})

it('without SESSION_IDENTITY_KEY, listSessions says which key to set', async () => {
  const { iface } = serverSessions(new MemoryStore())
  await expect(iface.listSessions(1)).rejects.toThrow(/needs SESSION_IDENTITY_KEY/)
})

it('the close code for a revoked session is in the 4000 range, for the application', () => {
  expect(SESSION_REVOKED_CLOSE_CODE).toBe(4001)
})
