import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStore } from '../../src/index.js'
import { serverSessions } from './host.js'
import { serverInterfaceContract } from './interface-contract.js'
import { startRedis, type TestServer } from './servers.js'
import { storeContract } from './store-contract.js'

let redis: TestServer
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

storeContract('redis', () => new RedisStore(redis.address))
serverInterfaceContract('redis', () => new RedisStore(redis.address))

describe('the redis store', () => {
  it('stores records as Quart-Session does: a string under session:<id>, with the lifetime as TTL', async () => {
    const client = new Redis(redis.address)
    const { browser } = serverSessions(new RedisStore(client), { PERMANENT_SESSION_LIFETIME: 600 })
    const { session } = await browser().request((s) => s.set('u', 'ann'))
    expect(await client.type(`session:${session.sid}`)).toBe('string')
    expect(await client.get(`session:${session.sid}`)).toBe('{"_permanent":true,"u":"ann"}')
    const ttl = await client.ttl(`session:${session.sid}`)
    expect(ttl).toBeGreaterThan(595)
    expect(ttl).toBeLessThanOrEqual(600)
    await client.quit()
  })

  it('uses a client passed in as it is, and leaves it open on close()', async () => {
    const client = new Redis(redis.address)
    const store = new RedisStore(client)
    expect(store.client).toBe(client)
    await store.set('shared', 'x', 60)
    await store.close()
    expect(await client.get('shared')).toBe('x')
    await client.quit()
  })

  it('the client it makes from a URL connects on first use and is quit by close()', async () => {
    const store = new RedisStore(redis.address)
    expect(store.client.status).toBe('wait')
    await store.set('own', 'y', 60)
    expect(store.client.status).toBe('ready')
    await store.close()
    expect(store.client.status).toBe('end')
    await expect(store.get('own')).rejects.toThrow(/closed/)
  })
})
