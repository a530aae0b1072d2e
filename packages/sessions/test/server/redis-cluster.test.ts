/**
 * The Redis store on a real Redis Cluster of three masters, through an ioredis `Cluster` the app passes
 * in: the store and interface contracts (compare-and-set merges, regeneration, TTLs) with records spread
 * over the nodes, every session of a user listed and revoked while the index and the records sit on
 * different nodes, and revocation events heard whichever node published them.
 */
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStore, type RevocationEvent, useServerSessions } from '../../src/index.js'
import { fakeApp } from '../host.js'
import { Browser, type FakeServerApp, serverSessions } from './host.js'
import { serverInterfaceContract } from './interface-contract.js'
import { startRedisCluster, type TestCluster } from './servers.js'
import { received, storeContract } from './store-contract.js'

let cluster: TestCluster
const clients: Cluster[] = []
beforeAll(async () => {
  cluster = await startRedisCluster()
}, 20_000)
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()))
  await cluster?.stop()
})

/** A Cluster client as an app makes one, closed after the file's tests. */
function clusterClient(): Cluster {
  const client = new Cluster([...cluster.startupNodes])
  clients.push(client)
  return client
}

describe('on a Redis Cluster of three masters', () => {
  storeContract('redis', () => new RedisStore(clusterClient()))
  serverInterfaceContract('redis', () => new RedisStore(clusterClient()))
})

describe('the redis store on a Redis Cluster', () => {
  it('SESSION_REDIS = a Cluster: used as it is, and left open when the app stops', async () => {
    const client = clusterClient()
    const app = fakeApp({ SESSION_TYPE: 'redis', SESSION_REDIS: client }) as FakeServerApp
    const iface = useServerSessions(app)
    expect((iface.store as RedisStore).client).toBe(client)
    const { session } = await new Browser(app, iface).request((s) => s.set('user', 'ann'))
    await iface.close()
    expect(await client.get(`session:${session.sid}`)).toBe('{"_permanent":true,"user":"ann"}')
  })

  it("spreads the records over every node, each under Quart-Session's key on the node that owns its slot", async () => {
    const { browser } = serverSessions(new RedisStore(clusterClient()), { SESSION_KEY_PREFIX: 'spread:' })
    const sids = new Set<string>()
    for (let i = 0; i < 30; i++) sids.add((await browser().request((s) => s.set('n', i))).session.sid)
    const held = await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.address)
        const keys = await direct.keys('spread:*')
        await direct.quit()
        return keys
      }),
    )
    for (const keys of held) expect(keys.length).toBeGreaterThan(0)
    expect(new Set(held.flat())).toEqual(new Set([...sids].map((sid) => `spread:${sid}`)))
  })

  it("lists and revokes a user's sessions, though the index and the records hash to different slots", async () => {
    const client = clusterClient()
    const store = new RedisStore(client)
    const { iface, browser } = serverSessions(store, { SESSION_IDENTITY_KEY: 'user_id' })
    const events: RevocationEvent[] = []
    // Other tests revoke sessions on the same cluster meanwhile: only this test's sessions count.
    const mine = new Set<string>()
    const unsubscribe = await iface.subscribeRevocations((event) => {
      if (mine.has(event.idHash)) events.push(event)
    })
    const user = Math.floor(Math.random() * 1e9)
    const login = async (agent: string) => {
      const b = browser()
      const { session } = await b.request((s) => s.set('user_id', user), { headers: { 'User-Agent': agent } })
      return { b, hash: iface.idHash(session.sid) }
    }
    const [laptop, phone, tablet] = [await login('Firefox'), await login('Safari'), await login('Edge')]
    for (const { hash } of [laptop, phone, tablet]) mine.add(hash)
    const keys = [`session:user:${user}`, ...[laptop, phone, tablet].map(({ b }) => `session:${b.cookie}`)]
    const slots = await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key)))
    expect(new Set(slots).size).toBeGreaterThan(1)
    expect((await iface.listSessions(user)).map((s) => s.userAgent).sort()).toEqual([
      'Edge',
      'Firefox',
      'Safari',
    ])
    expect(await iface.revokeSession(user, phone.hash)).toBe(true)
    expect((await phone.b.request()).session.get('user_id')).toBeUndefined()
    expect(await iface.revokeAllSessions(user, { except: laptop.hash })).toBe(1)
    expect((await tablet.b.request()).session.get('user_id')).toBeUndefined()
    expect((await laptop.b.request()).session.get('user_id')).toBe(user)
    expect((await iface.listSessions(user)).map((s) => s.idHash)).toEqual([laptop.hash])
    expect(await received(events, 2)).toEqual([
      { idHash: phone.hash, reason: 'revoked' },
      { idHash: tablet.hash, reason: 'revoked' },
    ])
    await unsubscribe()
    await store.close()
  })

  it("indexSet fails when a command in its MULTI fails (another app's string under the index key)", async () => {
    const client = clusterClient()
    const store = new RedisStore(client)
    await client.set('session:user:taken', 'not a hash', 'EX', 60)
    await expect(store.indexSet('session:user:taken', { a: '1' }, 60)).rejects.toThrow(/^WRONGTYPE/)
  })

  it('hears revocation events published on any node: Cluster pub/sub reaches every node', async () => {
    const store = new RedisStore(clusterClient())
    const { iface } = serverSessions(store)
    const events: RevocationEvent[] = []
    const unsubscribe = await iface.subscribeRevocations((event) => void events.push(event))
    // Another process's client may publish through any node: publish through each in turn.
    for (const [i, node] of cluster.nodes.entries()) {
      const direct = new Redis(node.address)
      await direct.publish('session:revoked', JSON.stringify({ idHash: `node${i}`, reason: 'revoked' }))
      await direct.quit()
    }
    expect((await received(events, 3)).map((e) => e.idHash).sort()).toEqual(['node0', 'node1', 'node2'])
    await unsubscribe()
    await store.close()
  })

  it('a logout through one Cluster client is heard by an interface on another within milliseconds', async () => {
    const listener = serverSessions(new RedisStore(clusterClient())).iface
    const heard: Array<{ event: RevocationEvent; at: number }> = []
    const unsubscribe = await listener.subscribeRevocations((event) =>
      heard.push({ event, at: performance.now() }),
    )
    const { iface, browser } = serverSessions(new RedisStore(clusterClient()))
    const latencies: number[] = []
    for (let i = 0; i < 20; i++) {
      const b = browser()
      const { session } = await b.request((s) => s.set('user', 'ann'))
      const started = performance.now()
      await b.request((s) => s.clear())
      await received(heard, i + 1)
      expect(heard[i]!.event).toEqual({ idHash: iface.idHash(session.sid), reason: 'cleared' })
      latencies.push(heard[i]!.at - started)
    }
    latencies.sort((a, b) => a - b)
    console.info(
      `[measure] revocation over Redis Cluster pub/sub: median ${latencies[10]!.toFixed(1)} ms, ` +
        `max ${latencies[19]!.toFixed(1)} ms (logout saved → event heard on another Cluster client)`,
    )
    expect(latencies[19]).toBeLessThan(1000)
    await unsubscribe()
    await listener.close()
  })
})
