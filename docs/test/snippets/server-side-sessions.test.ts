/**
 * Server-side sessions as the guide shows them: in memory, in a real Redis and Memcached (started for the test, as the
 * sessions package's own tests do), and in the SQL store of the guide. No SQL database is installed here,
 * so the SQL store runs against `TableClient` below: the few statements it sends, done on a Map. That
 * checks the store's side of the contract (keys, values, TTLs), not the SQL itself.
 */
import type { TestClient } from '@flagon/framework'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startMemcached,
  startRedis,
  type TestServer,
} from '../../../packages/sessions/test/server/servers.js'
import { createApp, type Sessions } from '../../snippets/server-side-sessions/app.js'
import { type SqlClient, SqlStore } from '../../snippets/server-side-sessions/sql-store.js'

/** The statements SqlStore sends, answered from a Map: a stand-in for a database, written for this test. */
class TableClient implements SqlClient {
  readonly rows = new Map<string, { value: string; expires_at: number }>()
  async query(sql: string, params: unknown[]) {
    const [key, a, b] = params as [string, unknown, unknown]
    const row = this.rows.get(key)
    const verb = sql.trim().split(/\s+/)[0]
    if (verb === 'SELECT')
      return { rows: row && row.expires_at > (a as number) ? [{ value: row.value }] : [] }
    if (verb === 'INSERT') this.rows.set(key, { value: a as string, expires_at: b as number })
    if (verb === 'DELETE') this.rows.delete(key)
    if (verb === 'UPDATE' && row && row.expires_at > (b as number)) {
      row.expires_at = a as number
      return { rows: [{ key }] }
    }
    return { rows: [] }
  }
}

async function visit(client: TestClient): Promise<string> {
  expect(await (await client.get('/me')).json()).toEqual({ user: null })
  const login = await client.post('/login/ann')
  const [cookie] = login.headers.getSetCookie()
  expect(await (await client.get('/me')).json()).toEqual({ user: 'ann' })
  await client.post('/logout')
  expect(await (await client.get('/me')).json()).toEqual({ user: null })
  return cookie!
}

describe('server-side sessions', () => {
  let redis: TestServer
  let memcached: TestServer
  beforeAll(async () => {
    ;[redis, memcached] = await Promise.all([startRedis(), startMemcached()])
    await Promise.all([redis.start(), memcached.start()])
  }, 60_000)
  afterAll(() => Promise.all([redis?.stop(), memcached?.stop()]))

  const kinds: Array<[name: string, sessions: () => Sessions]> = [
    ['in memory', () => ({ type: 'memory' })],
    ['in Redis', () => ({ type: 'redis', url: redis.address })],
    ['in Memcached', () => ({ type: 'memcached', servers: memcached.address })],
    ['in the SQL store', () => ({ type: 'store', store: new SqlStore(new TableClient()) })],
  ]
  for (const [name, sessions] of kinds) {
    it(`keep only a signed id in the cookie, ${name}`, async () => {
      await createApp(sessions()).testApp(async (client) => {
        const cookie = await visit(client)
        expect(cookie).toMatch(/^session=[\w-]{43}\.[\w-]+; Path=\/; Expires=[^;]+; HttpOnly$/)
        expect(cookie).not.toContain('ann')
      })
    })
  }

  it('share one Redis between two apps, as between two machines', async () => {
    const one = createApp({ type: 'redis', url: redis.address })
    const two = createApp({ type: 'redis', url: redis.address })
    await one.testApp(async (first) => {
      await two.testApp(async (second) => {
        const login = await first.post('/login/ann')
        const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
        const me = await second.get('/me', { headers: { cookie } })
        expect(await me.json()).toEqual({ user: 'ann' })
      })
    })
  })

  it('store the record in the SQL table, and delete it at logout', async () => {
    const table = new TableClient()
    await createApp({ type: 'store', store: new SqlStore(table) }).testApp(async (client) => {
      await client.post('/login/ann')
      const [key, row] = [...table.rows][0]!
      expect(key).toMatch(/^session:[\w-]{43}$/)
      expect(row!.value).toContain('ann')
      expect(row!.expires_at).toBeGreaterThan(Date.now() + 30 * 24 * 3600 * 1000)
      await client.post('/logout')
      expect(table.rows.size).toBe(0)
    })
  })
})
