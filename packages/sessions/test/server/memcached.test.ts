import memjs from 'memjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemcachedStore } from '../../src/index.js'
import { serverSessions } from './host.js'
import { serverInterfaceContract } from './interface-contract.js'
import { startMemcached, type TestServer } from './servers.js'
import { storeContract } from './store-contract.js'

let memcached: TestServer
beforeAll(async () => {
  memcached = await startMemcached()
})
afterAll(async () => {
  await memcached?.stop()
})

storeContract('memcached', () => new MemcachedStore(memcached.address))
serverInterfaceContract('memcached', () => new MemcachedStore(memcached.address))

describe('the memcached store', () => {
  it('stores records as Quart-Session does: UTF-8 tagged JSON under session:<id>', async () => {
    const client = memjs.Client.create(memcached.address, { logger: { log() {} } })
    const { browser } = serverSessions(new MemcachedStore(client))
    const { session } = await browser().request((s) => s.set('u', 'Zoë'))
    const { value } = await client.get(`session:${session.sid}`)
    expect(value?.toString('utf8')).toBe('{"_permanent":true,"u":"Zo\\u00eb"}')
    client.close()
  })

  it('uses a client passed in as it is, and leaves it open on close()', async () => {
    const client = memjs.Client.create(memcached.address, { logger: { log() {} } })
    const store = new MemcachedStore(client)
    expect(store.client).toBe(client)
    await store.set('shared', 'x', 60)
    await store.close()
    expect((await client.get('shared')).value?.toString()).toBe('x')
    client.close()
  })
})
