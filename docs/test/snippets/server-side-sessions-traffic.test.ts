/**
 * Server-side sessions under real traffic, as the guide shows them: store outages and /healthz,
 * SESSION_REGENERATE_ON, per-key merges, "your devices" with revocation closing websockets (in one
 * process, and across two apps on one real Redis), and a login shared with Quart-Session's own code
 * (quart_session.py, run with Debian's python3-flask and python3-redis, as the sessions package's tests do).
 */
import { MemoryStore, SESSION_REVOKED_CLOSE_CODE, type Store, type TestClient } from '@flagon/framework'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ensureQuartSessionSide,
  quartReads,
  quartWrites,
} from '../../../packages/sessions/test/server/quart-session.js'
import { startRedis, type TestServer } from '../../../packages/sessions/test/server/servers.js'
import { createApp } from '../../snippets/server-side-sessions/accounts.js'
import { createApp as besideQuart } from '../../snippets/server-side-sessions/quart.js'

const quiet = { debug() {}, info() {}, warn() {}, error() {} }

/** A memory store that can be switched off, as a Redis that stopped answering. */
function switchableStore(): { store: Store; up: (on: boolean) => void } {
  const memory = new MemoryStore()
  let on = true
  const store = new Proxy(memory, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) =>
        on ? value.apply(target, args) : Promise.reject(new Error('connection refused'))
    },
  })
  const up = (value: boolean) => {
    on = value
  }
  return { store, up }
}

function cookieOf(response: Response | { headers: Headers }): string {
  return response.headers.getSetCookie()[0]!.split(';')[0]!
}

describe('server-side sessions under real traffic', () => {
  it('report the store in /healthz, and keep reading pages up while it is down', async () => {
    const { store, up } = switchableStore()
    const app = createApp({ store })
    app.logger = quiet
    const client = app.testClient()
    await client.post('/login/7')
    const healthy = await client.get('/healthz')
    expect([healthy.status, await healthy.json()]).toMatchObject([
      200,
      { ok: true, store: 'memory', state: 'closed', consecutiveFailures: 0 },
    ])

    up(false)
    const me = await client.get('/me')
    expect([me.status, await me.json()]).toEqual([200, { user: null }]) // an empty session, not a 503
    const write = await client.post('/prefs/theme/dark')
    expect([write.status, write.headers.get('retry-after')]).toEqual([503, '1'])
    const down = await client.get('/healthz')
    expect([down.status, await down.json()]).toMatchObject([503, { ok: false, state: 'open' }])

    up(true)
    let back = await client.get('/healthz')
    for (let i = 0; i < 30 && back.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      back = await client.get('/healthz')
    }
    expect(await back.json()).toMatchObject({ ok: true, state: 'closed' })
    expect(await (await client.get('/me')).json()).toEqual({ user: 7 })
    await client.close()
  })

  it('give a session a new id when user_id is written, and end the old one', async () => {
    const app = createApp()
    const client = app.testClient()
    const before = cookieOf(await client.post('/prefs/theme/dark'))
    const after = cookieOf(await client.post('/login/7'))
    expect(after).not.toBe(before)
    expect(await (await client.get('/me')).json()).toEqual({ user: 7 })
    expect(await (await client.get('/prefs/theme')).json()).toEqual({ theme: 'dark' })
    const stolen = app.testClient({ useCookies: false }) // someone holding the id from before the login
    const old = await stolen.get('/prefs/theme', { headers: { cookie: before } })
    expect(await old.json()).toEqual({ theme: null }) // its record moved to the new id
    await Promise.all([client.close(), stolen.close()])
  })

  it('keep the keys two concurrent requests set', async () => {
    const client = createApp().testClient()
    await client.post('/login/7')
    await Promise.all([client.post('/prefs/theme/dark'), client.post('/prefs/lang/fr')])
    expect(await (await client.get('/prefs/theme')).json()).toEqual({ theme: 'dark' })
    expect(await (await client.get('/prefs/lang')).json()).toEqual({ lang: 'fr' })
    await client.close()
  })
})

/** Logs user 7 in on a new client of `app`, as the browser `agent`. */
async function device(app: ReturnType<typeof createApp>, agent: string): Promise<TestClient> {
  const client = app.testClient()
  await client.post('/login/7', { headers: { 'user-agent': agent } })
  return client
}

describe('your devices', () => {
  it('lists the sessions, revokes the others, and closes their websockets with 4001', async () => {
    const app = createApp()
    await app.testApp(async () => {
      const laptop = await device(app, 'Firefox')
      const phone = await device(app, 'Safari')
      const live = await laptop.websocket('/live')
      await live.send('ping')
      expect(await live.receive()).toBe('ping')

      const devices = (await (await phone.get('/devices')).json()) as Array<Record<string, unknown>>
      expect(devices.map((d) => [d.userAgent, d.current])).toEqual([
        ['Safari', true],
        ['Firefox', false],
      ])
      expect(devices[0]!.idHash).toMatch(/^[0-9a-f]{32}$/)

      expect(await (await phone.post('/devices/revoke-others')).json()).toEqual({ revoked: 1 })
      const closed = await live.waitClosed()
      expect(closed.code).toBe(SESSION_REVOKED_CLOSE_CODE)
      expect(await (await laptop.get('/me')).json()).toEqual({ user: null })
      expect(await (await phone.get('/me')).json()).toEqual({ user: 7 })
      await Promise.all([laptop.close(), phone.close()])
    })
  })

  it('revokes one session by its hash', async () => {
    const app = createApp()
    const laptop = await device(app, 'Firefox')
    const phone = await device(app, 'Safari')
    const [, other] = (await (await phone.get('/devices')).json()) as Array<{ idHash: string }>
    expect(await (await phone.post(`/devices/${other!.idHash}/revoke`)).json()).toEqual({ revoked: true })
    expect(await (await laptop.get('/me')).json()).toEqual({ user: null })
    expect((await laptop.get('/devices')).status).toBe(401)
    await Promise.all([laptop.close(), phone.close()])
  })
})

describe('on Redis', () => {
  let redis: TestServer
  beforeAll(async () => {
    redis = await startRedis()
    ensureQuartSessionSide()
  }, 600_000)
  afterAll(() => redis?.stop())

  it('a logout everywhere in one process closes the websockets of another', async () => {
    const one = createApp({ redis: redis.address })
    const two = createApp({ redis: redis.address })
    await one.testApp(async (laptop) => {
      await two.testApp(async (phone) => {
        await laptop.post('/login/8', { headers: { 'user-agent': 'Firefox' } })
        const live = await laptop.websocket('/live')
        await phone.post('/login/8', { headers: { 'user-agent': 'Safari' } })
        expect(await (await phone.post('/devices/revoke-others')).json()).toEqual({ revoked: 1 })
        expect((await live.waitClosed()).code).toBe(SESSION_REVOKED_CLOSE_CODE)
      })
    })
  })

  it('shares a login with Quart-Session, both ways', async () => {
    const settings = {
      address: redis.address,
      prefix: 'session:',
      lifetime: 31 * 24 * 60 * 60,
      secret: 'the Quart app’s key',
    }
    const { cookie } = quartWrites(settings) // Quart-Session stores a session with user 'ann'
    const app = besideQuart({ SECRET_KEY: settings.secret, SESSION_REDIS: redis.address })
    await app.testApp(async (client) => {
      client.setCookie('session', cookie)
      expect(await (await client.get('/me')).json()).toEqual({ user: 'ann' })
      await client.post('/colour/blue')
    })
    const read = quartReads(settings, cookie)
    expect(read.data![1]).toMatchObject({ user: ['str', 'ann'], colour: ['str', 'blue'] })
  })
})
