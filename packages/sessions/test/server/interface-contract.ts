/**
 * The behaviour of server-side sessions, every setting, run on each store through the fake host:
 * `serverInterfaceContract('redis', () => new RedisStore(url))`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ServerSessionConfig,
  ServerSideSession,
  Session,
  Signer,
  type Store,
  sessionJsonSerializer,
  Tuple,
  tuple,
} from '../../src/index.js'
import { Browser, FileAwareResponse, serverSessions } from './host.js'
import { CONCURRENT, sleep } from './store-contract.js'

const SID = /^[\w-]{43}$/

export function serverInterfaceContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`server-side sessions on the ${name} store`, () => {
    let store: Store
    beforeAll(async () => {
      store = await makeStore()
      await store.open?.()
    })
    afterAll(async () => {
      await store.close?.()
    })
    const setup = (config: ServerSessionConfig = {}) => serverSessions(store, config)
    const record = async (iface: { keyFor(sid: string): string }, sid: string) => {
      const raw = await store.get(iface.keyFor(sid))
      return raw === null ? null : sessionJsonSerializer.loads(raw)
    }

    describe('ids and cookies', () => {
      it('a write stores tagged JSON under session:<id> and sets the id as the cookie', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const { session, response } = await b.request((s) => s.set('user', 'ann'))
        expect(session.sid).toMatch(SID)
        expect(b.cookie).toBe(session.sid)
        expect(response.headers.get('vary')).toBe('Cookie')
        expect(await store.get(`session:${session.sid}`)).toBe('{"_permanent":true,"user":"ann"}')
        expect(iface.keyFor(session.sid)).toBe(`session:${session.sid}`)
        const next = await b.request()
        expect(next.session.get('user')).toBe('ann')
        expect(next.session.new).toBe(false)
      })

      it('ids are 256 random bits, different every time', async () => {
        const { browser } = setup()
        const ids = new Set<string>()
        for (let i = 0; i < 20; i++) ids.add((await browser().request((s) => s.set('n', i))).session.sid)
        expect(ids.size).toBe(20)
        for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(32)
      })

      it('a session only read stores nothing and sets no cookie, but varies on Cookie', async () => {
        const { browser } = setup()
        const b = browser()
        const { session, response } = await b.request((s) => s.get('user'))
        expect(session.new).toBe(true)
        expect(response.cookies).toEqual([])
        expect(response.headers.get('vary')).toBe('Cookie')
        expect(await store.get(`session:${session.sid}`)).toBeNull()
      })

      it('an id the store does not hold is never adopted: a fresh id is issued', async () => {
        const { browser } = setup()
        const b = browser()
        const planted = 'A'.repeat(43)
        b.jar.set('session', planted)
        const { session } = await b.request((s) => s.set('user', 'mallory'))
        expect(session.sid).not.toBe(planted)
        expect(b.cookie).toBe(session.sid)
        expect(await store.get(`session:${planted}`)).toBeNull()
      })

      const junk: Array<[string, string]> = [
        ['a key with spaces', 'a b c d e f g h i j k l'],
        ['a glob', '*'],
        ['too short', 'abc'],
        ['too long', 'x'.repeat(200)],
      ]
      for (const [title, cookie] of junk) {
        it(`a cookie that cannot be an id (${title}) starts a new session`, async () => {
          const b = setup().browser()
          b.jar.set('session', cookie)
          const { session } = await b.request()
          expect(session.new).toBe(true)
          expect(session.sid).toMatch(SID)
        })
      }

      it('the SESSION_COOKIE_* keys shape the cookie', async () => {
        const { browser } = setup({
          SESSION_COOKIE_NAME: 'sid',
          SESSION_COOKIE_DOMAIN: 'example.com',
          SESSION_COOKIE_PATH: '/app',
          SESSION_COOKIE_SECURE: true,
          SESSION_COOKIE_SAMESITE: 'Lax',
          SESSION_COOKIE_HTTPONLY: false,
          SESSION_COOKIE_PARTITIONED: true,
        })
        const { response } = await browser().request((s) => s.set('x', 1))
        expect(response.cookies[0]).toMatchObject({
          name: 'sid',
          options: {
            domain: 'example.com',
            path: '/app',
            secure: true,
            sameSite: 'Lax',
            httpOnly: false,
            partitioned: true,
          },
        })
      })

      it('SESSION_KEY_PREFIX names the store key', async () => {
        const { browser } = setup({ SESSION_KEY_PREFIX: 'app1:' })
        const { session } = await browser().request((s) => s.set('x', 1))
        expect(await store.get(`app1:${session.sid}`)).not.toBeNull()
        expect(await store.get(`session:${session.sid}`)).toBeNull()
      })

      it('keeps the tagged types: tuples, dates, bytes, unicode', async () => {
        const b = setup().browser()
        const when = new Date('2024-01-02T03:04:05Z')
        await b.request((s) => {
          s.set('cart', tuple('apple', 3))
          s.set('when', when)
          s.set('blob', new Uint8Array([0, 1, 255]))
          s.set('name', 'Zoë 🍰')
        })
        const { session } = await b.request()
        expect(session.get('cart')).toBeInstanceOf(Tuple)
        expect([...(session.get('cart') as Tuple)]).toEqual(['apple', 3])
        expect(session.get('when')).toEqual(when)
        expect(session.get('blob')).toEqual(new Uint8Array([0, 1, 255]))
        expect(session.get('name')).toBe('Zoë 🍰')
      })

      it('the serializer is replaceable by any { dumps, loads }', async () => {
        const { iface, browser } = setup()
        iface.serializer = {
          dumps: (value) => `v1|${JSON.stringify(Object.fromEntries(value as Map<string, unknown>))}`,
          loads: (text) => JSON.parse(text.slice(3)),
        }
        const b = browser()
        const { session } = await b.request((s) => s.set('x', 1))
        expect(await store.get(iface.keyFor(session.sid))).toBe('v1|{"_permanent":true,"x":1}')
        expect((await b.request()).session.get('x')).toBe(1)
      })
    })

    describe('SESSION_USE_SIGNER', () => {
      it('signs the id with SECRET_KEY (Quart-Session salt, HMAC-SHA1) and reads it back', async () => {
        const { browser } = setup({ SESSION_USE_SIGNER: true, SECRET_KEY: 'k' })
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        const signer = new Signer('k', { salt: 'quart-session', keyDerivation: 'hmac' })
        expect(b.cookie).toBe(signer.sign(session.sid))
        expect((await b.request()).session.get('user')).toBe('ann')
      })

      it('refuses a tampered signature, and an unsigned id', async () => {
        const { browser } = setup({ SESSION_USE_SIGNER: true, SECRET_KEY: 'k' })
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        b.jar.set('session', `${session.sid}.AAAAAAAAAAAAAAAAAAAAAAAAAAA`)
        expect((await b.request()).session.get('user')).toBeUndefined()
        b.jar.set('session', session.sid)
        expect((await b.request()).session.get('user')).toBeUndefined()
      })

      it('verifies with SECRET_KEY_FALLBACKS and re-signs with SECRET_KEY on the next cookie', async () => {
        const { app, browser } = setup({ SESSION_USE_SIGNER: true, SECRET_KEY: 'old' })
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        Object.assign(app.config, { SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['old'] })
        const next = await b.request((s) => s.set('n', 1))
        expect(next.session.get('user')).toBe('ann')
        expect(b.cookie).toBe(
          new Signer('new', { salt: 'quart-session', keyDerivation: 'hmac' }).sign(session.sid),
        )
      })

      it('without SECRET_KEY, sessions are unavailable (a null session), with one warning', async () => {
        const { app, iface } = setup({ SESSION_USE_SIGNER: true })
        const request = { cookies: new Map(), headers: new Headers(), remoteAddr: null }
        expect(await iface.openSession(app, request)).toBeNull()
        expect(await iface.openSession(app, request)).toBeNull()
        expect(app.logs).toEqual([
          ['warn', 'SESSION_USE_SIGNER is on but SECRET_KEY is not set, so sessions are unavailable.'],
        ])
      })
    })

    describe('SESSION_PERMANENT, PERMANENT_SESSION_LIFETIME and the sliding TTL', () => {
      it('new sessions are permanent by default: the cookie expires with the lifetime', async () => {
        const { iface, browser } = setup({ PERMANENT_SESSION_LIFETIME: 3600 })
        const before = iface.now()
        const { session, response } = await browser().request((s) => s.set('x', 1))
        expect(session.permanent).toBe(true)
        const expires = response.cookies[0]!.options.expires!.getTime()
        expect(expires).toBeGreaterThanOrEqual(before + 3_600_000 - 1000)
        expect(expires).toBeLessThanOrEqual(iface.now() + 3_600_000)
      })

      it('with SESSION_PERMANENT off, a browser-session cookie and no _permanent', async () => {
        const { iface, browser } = setup({ SESSION_PERMANENT: false })
        const { session, response } = await browser().request((s) => s.set('x', 1))
        expect(response.cookies[0]!.options.expires).toBeUndefined()
        expect(await record(iface, session.sid)).toEqual({ x: 1 })
      })

      it('using a permanent session slides its TTL (and cookie) forward; a write-only TTL would lapse', async () => {
        const scenario = async (refresh: boolean) => {
          const { browser } = setup({ PERMANENT_SESSION_LIFETIME: 3, SESSION_REFRESH_EACH_REQUEST: refresh })
          const b = browser()
          await b.request((s) => s.set('user', 'ann'))
          await sleep(1500)
          const read = await b.request((s) => s.get('user'))
          await sleep(1800)
          return { read, later: await b.request((s) => s.get('user')) }
        }
        const [sliding, fixed] = await Promise.all([scenario(true), scenario(false)])
        expect(sliding.read.response.cookies).toHaveLength(1)
        expect(sliding.later.session.get('user')).toBe('ann')
        expect(fixed.read.response.cookies).toEqual([])
        expect(fixed.later.session.get('user')).toBeUndefined()
      })
    })

    describe('writes, clears and regenerate', () => {
      it('clear() deletes the record and the cookie', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        const { response } = await b.request((s) => s.clear())
        expect(response.cookies[0]).toMatchObject({ action: 'delete', name: 'session' })
        expect(await store.get(iface.keyFor(session.sid))).toBeNull()
        expect(b.cookie).toBeUndefined()
      })

      it('regenerate() moves the data to a new id and deletes the old record', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const first = (await b.request((s) => s.set('cart', 2))).session.sid
        const { session } = await b.request((s) => {
          s.regenerate()
          s.set('user', 'ann')
        })
        expect(session.sid).not.toBe(first)
        expect(session.retiredSid).toBe(first)
        expect(b.cookie).toBe(session.sid)
        expect(await store.get(iface.keyFor(first))).toBeNull()
        expect(await record(iface, session.sid)).toEqual({ _permanent: true, cart: 2, user: 'ann' })
        const stale = new Browser(b.app, iface)
        stale.jar.set('session', first)
        expect((await stale.request()).session.get('cart')).toBeUndefined()
      })

      it('an in-place change is saved once the session is marked modified', async () => {
        const b = setup().browser()
        await b.request((s) => s.set('list', [1]))
        await b.request((s) => {
          ;(s.get('list') as number[]).push(2)
          s.modified = true
        })
        expect((await b.request()).session.get('list')).toEqual([1, 2])
      })
    })

    describe('concurrent requests of one session', () => {
      const twoRequests = async (config: ServerSessionConfig = {}) => {
        const { app, iface, browser } = setup(config)
        const b = browser()
        const { session } = await b.request((s) => s.set('n', 0))
        const [one, two] = [await b.open(), await b.open()]
        const save = (s: ServerSideSession) => iface.saveSession(app, s, new FileAwareResponse())
        return { app, iface, b, sid: session.sid, one, two, save }
      }

      it('one setting cart and one setting theme: both survive', async () => {
        const { iface, sid, one, two, save } = await twoRequests()
        one.set('cart', 1)
        two.set('theme', 'dark')
        await save(one)
        await save(two)
        expect(await record(iface, sid)).toEqual({ _permanent: true, n: 0, cart: 1, theme: 'dark' })
      })

      it('both writing the same key: the one saved later wins', async () => {
        const { iface, sid, one, two, save } = await twoRequests()
        two.set('theme', 'dark')
        one.set('theme', 'light')
        await save(one)
        await save(two)
        expect(await record(iface, sid)).toMatchObject({ theme: 'dark' })
      })

      it('a deletion merges too: one deleting n, one adding cart', async () => {
        const { iface, sid, one, two, save } = await twoRequests()
        one.delete('n')
        two.set('cart', 2)
        await save(one)
        await save(two)
        expect(await record(iface, sid)).toEqual({ _permanent: true, cart: 2 })
      })

      it('an in-place change marked modified writes that key only', async () => {
        const { iface, b, sid, save } = await twoRequests()
        await b.request((s) => s.set('list', [1]))
        const [one, two] = [await b.open(), await b.open()]
        ;(one.get('list') as number[]).push(2)
        one.modified = true
        two.set('theme', 'dark')
        await save(two)
        await save(one)
        expect(await record(iface, sid)).toEqual({ _permanent: true, n: 0, list: [1, 2], theme: 'dark' })
      })

      it('a session cleared meanwhile stays ended: the late write is dropped, with a warning', async () => {
        const { app, iface, sid, one, two, save } = await twoRequests()
        one.clear()
        two.set('theme', 'dark')
        await save(one)
        const late = new FileAwareResponse()
        await iface.saveSession(app, two, late)
        expect(await store.get(iface.keyFor(sid))).toBeNull()
        expect(late.cookies).toEqual([])
        expect(app.logs).toHaveLength(1)
        expect(app.logs[0]![1]).toMatch(/after another request ended it .* dropped: "theme"\.$/)
      })

      it('clear() and then writes in one request replace the record whole', async () => {
        const { iface, sid, one, two, save } = await twoRequests()
        two.set('theme', 'dark')
        await save(two)
        one.clear()
        one.set('flash', 'logged out')
        await save(one)
        expect(await record(iface, sid)).toEqual({ flash: 'logged out' })
      })

      it(`${CONCURRENT} parallel requests, each setting its own key: every one is present afterwards`, async () => {
        const { iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('start', true))
        const started = performance.now()
        await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => b.request((s) => s.set(`key${i}`, i))))
        const ms = Math.round(performance.now() - started)
        console.info(`[measure] ${name}: ${CONCURRENT} parallel requests of one session saved in ${ms} ms`)
        const stored = (await record(iface, session.sid)) as Record<string, unknown>
        expect(Object.keys(stored)).toHaveLength(CONCURRENT + 2)
        for (let i = 0; i < CONCURRENT; i++) expect(stored[`key${i}`]).toBe(i)
      })
    })

    describe('regeneration', () => {
      it('the old id stops working in the step that makes the new one; the cookie changes in the same response', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const first = (await b.request((s) => s.set('user', 'ann'))).session.sid
        const { session, response } = await b.request((s) => s.regenerate())
        expect(response.cookies[0]).toMatchObject({ action: 'set', value: session.sid })
        expect(await store.get(iface.keyFor(first))).toBeNull()
        expect(await record(iface, session.sid)).toEqual({ _permanent: true, user: 'ann' })
      })

      it('a request on the old id saving after the regeneration does not bring the old id back', async () => {
        const { app, iface, browser } = setup()
        const b = browser()
        const first = (await b.request((s) => s.set('user', 'ann'))).session.sid
        const straggler = await b.open()
        await b.request((s) => s.regenerate())
        straggler.set('theme', 'dark')
        await iface.saveSession(app, straggler, new FileAwareResponse())
        expect(await store.get(iface.keyFor(first))).toBeNull()
      })

      it('SESSION_REGENERATE_ON: writing a listed key regenerates the id', async () => {
        const { iface, browser } = setup({ SESSION_REGENERATE_ON: ['user_id'] })
        const b = browser()
        const anonymous = (await b.request((s) => s.set('cart', 1))).session.sid
        const login = await b.request((s) => s.set('user_id', 42))
        expect(login.session.sid).not.toBe(anonymous)
        expect(b.cookie).toBe(login.session.sid)
        expect(await store.get(iface.keyFor(anonymous))).toBeNull()
        expect(await record(iface, login.session.sid)).toEqual({ _permanent: true, cart: 1, user_id: 42 })
        // Other keys do not; deleting a listed key (a logout) does.
        expect((await b.request((s) => s.set('cart', 2))).session.sid).toBe(login.session.sid)
        const logout = await b.request((s) => s.delete('user_id'))
        expect(logout.session.sid).not.toBe(login.session.sid)
      })

      it('SESSION_REGENERATE_ON: a new session needs no new id, and a websocket cannot have one (warned)', async () => {
        const { app, browser } = setup({ SESSION_REGENERATE_ON: ['user_id'] })
        const b = browser()
        const { session } = await b.request((s) => s.set('user_id', 1))
        expect(session.retiredSid).toBeNull()
        const ws = await b.websocket((s) => s.set('user_id', 2))
        expect(ws.sid).toBe(session.sid)
        expect((await b.request()).session.get('user_id')).toBe(2)
        expect(app.logs).toHaveLength(1)
        expect(app.logs[0]![1]).toMatch(
          /"user_id" \(in SESSION_REGENERATE_ON\) was written during an accepted websocket/,
        )
      })
    })

    describe('SESSION_EXPLICIT and dirty()', () => {
      it('a new session is stored only after dirty()', async () => {
        const { iface, browser } = setup({ SESSION_EXPLICIT: true })
        const anonymous = await browser().request((s) => s.set('visits', 1))
        expect(anonymous.response.cookies).toEqual([])
        expect(await store.get(iface.keyFor(anonymous.session.sid))).toBeNull()

        const b = browser()
        const login = await b.request((s) => {
          s.set('authenticated', true)
          s.dirty()
        })
        expect(b.cookie).toBe(login.session.sid)
        // Once it exists, its writes are saved as usual.
        await b.request((s) => s.set('cart', 3))
        expect(await record(iface, login.session.sid)).toMatchObject({ authenticated: true, cart: 3 })
      })

      it('without SESSION_EXPLICIT, dirty() saves a session nothing changed', async () => {
        const b = setup().browser()
        const { session, response } = await b.request((s) => s.dirty())
        expect(response.cookies[0]).toMatchObject({ action: 'set', value: session.sid })
      })
    })

    describe('SESSION_STATIC_FILE', () => {
      it('by default, a file response neither stores the session nor sets its cookie', async () => {
        const { iface, browser } = setup()
        const { session, response } = await browser().request((s) => s.set('x', 1), { isFile: true })
        expect(response.cookies).toEqual([])
        expect(response.headers.get('vary')).toBeNull()
        expect(await store.get(iface.keyFor(session.sid))).toBeNull()
      })

      it('with SESSION_STATIC_FILE on, file responses save as any other', async () => {
        const { iface, browser } = setup({ SESSION_STATIC_FILE: true })
        const { session, response } = await browser().request((s) => s.set('x', 1), { isFile: true })
        expect(response.cookies).toHaveLength(1)
        expect(await store.get(iface.keyFor(session.sid))).not.toBeNull()
      })
    })

    describe('SESSION_HIJACK_PROTECTION', () => {
      const keys: Array<[string, ServerSessionConfig]> = [
        ['SESSION_HIJACK_PROTECTION', { SESSION_HIJACK_PROTECTION: true }],
        ['its alias SESSION_PROTECTION', { SESSION_PROTECTION: true }],
      ]
      for (const [title, config] of keys) {
        it(`${title}: a session used from another address is deleted and a new one started`, async () => {
          const { iface, browser } = setup(config)
          const b = browser()
          const { session } = await b.request((s) => s.set('user', 'ann'), { addr: '10.0.0.1' })
          expect(await record(iface, session.sid)).toEqual({
            _permanent: true,
            _addr: '10.0.0.1',
            user: 'ann',
          })
          expect((await b.request(undefined, { addr: '10.0.0.1' })).session.get('user')).toBe('ann')
          const thief = await b.request(undefined, { addr: '10.6.6.6' })
          expect(thief.session.get('user')).toBeUndefined()
          expect(thief.session.sid).not.toBe(session.sid)
          expect(await store.get(iface.keyFor(session.sid))).toBeNull()
        })
      }

      it('off by default: the address is neither stored nor checked', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'), { addr: '10.0.0.1' })
        expect(await record(iface, session.sid)).toEqual({ _permanent: true, user: 'ann' })
        expect((await b.request(undefined, { addr: '10.6.6.6' })).session.get('user')).toBe('ann')
      })

      const proxies: Array<[string, ServerSessionConfig, string, string]> = [
        [
          'SESSION_HIJACK_REVERSE_PROXY: the first hop of X-Forwarded-For',
          { SESSION_HIJACK_PROTECTION: true, SESSION_HIJACK_REVERSE_PROXY: true },
          '203.0.113.7, 10.0.0.2',
          '203.0.113.7',
        ],
        [
          'its alias SESSION_REVERSE_PROXY',
          { SESSION_PROTECTION: true, SESSION_REVERSE_PROXY: true },
          '203.0.113.7,10.0.0.2',
          '203.0.113.7',
        ],
        [
          'a number of trusted proxies: that hop from the right',
          { SESSION_HIJACK_PROTECTION: true, SESSION_HIJACK_REVERSE_PROXY: 1 },
          'spoofed, 198.51.100.4',
          '198.51.100.4',
        ],
      ]
      for (const [title, config, header, address] of proxies) {
        it(title, async () => {
          const { iface, browser } = setup(config)
          const b = browser()
          const headers = { 'X-Forwarded-For': header }
          const { session } = await b.request((s) => s.set('user', 'ann'), { addr: '10.0.0.2', headers })
          expect(await record(iface, session.sid)).toMatchObject({ _addr: address })
          const moved = { 'X-Forwarded-For': `192.0.2.99, ${header}` }
          const next = await b.request(undefined, { addr: '10.0.0.2', headers: moved })
          expect(next.session.get('user')).toBe(config.SESSION_HIJACK_REVERSE_PROXY === 1 ? 'ann' : undefined)
        })
      }

      it('behind a proxy without X-Forwarded-For, protection is skipped with one warning', async () => {
        const { app, browser } = setup({
          SESSION_HIJACK_PROTECTION: true,
          SESSION_HIJACK_REVERSE_PROXY: true,
        })
        const b = browser()
        await b.request((s) => s.set('user', 'ann'))
        expect((await b.request()).session.get('user')).toBe('ann')
        expect(app.logs.filter(([level]) => level === 'warn')).toHaveLength(1)
      })
    })

    describe('websockets', () => {
      it('changes on an accepted websocket are stored for an existing session, with no cookie', async () => {
        const { app, browser } = setup()
        const b = browser()
        await b.request((s) => s.set('user', 'ann'))
        await b.websocket((s) => s.set('ws', 1))
        expect((await b.request()).session.get('ws')).toBe(1)
        expect(app.logs).toEqual([])
      })

      it('clearing on a websocket deletes the record', async () => {
        const { iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        await b.websocket((s) => s.clear())
        expect(await store.get(iface.keyFor(session.sid))).toBeNull()
      })

      it('a session created on an accepted websocket cannot be stored, and that is logged', async () => {
        const { iface, app, browser } = setup()
        const session = await browser().websocket((s) => s.set('user', 'ann'))
        expect(await store.get(iface.keyFor(session.sid))).toBeNull()
        expect(app.logs).toHaveLength(1)
        expect(app.logs[0]![1]).toMatch(/created during an accepted websocket/)
      })

      it('an unchanged session on a websocket logs nothing', async () => {
        const { app, browser } = setup()
        await browser().websocket((s) => s.get('user'))
        expect(app.logs).toEqual([])
      })
    })

    describe('bad records', () => {
      it('a corrupt record is no session: logged once, the record deleted', async () => {
        const { app, iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        await store.set(iface.keyFor(session.sid), '{"user": "ann", oops', 60)
        expect((await b.request()).session.get('user')).toBeUndefined()
        expect((await b.request()).session.get('user')).toBeUndefined()
        expect(app.logs).toHaveLength(1)
        expect(app.logs[0]![1]).toMatch(
          new RegExp(`^The session record session:${session.sid.slice(0, 6)}… `),
        )
        expect(app.logs[0]![1]).not.toContain(session.sid)
        expect(await store.get(iface.keyFor(session.sid))).toBeNull()
      })

      it('a record that is JSON but no object is no session either', async () => {
        const { app, iface, browser } = setup()
        const b = browser()
        const { session } = await b.request((s) => s.set('user', 'ann'))
        await store.set(iface.keyFor(session.sid), '[1,2]', 60)
        expect((await b.request()).session.new).toBe(true)
        expect(app.logs[0]![1]).toMatch(/holds no object/)
      })
    })

    it('refuses to save a session it did not open', async () => {
      const { app, iface } = setup()
      await expect(iface.saveSession(app, new Session(), null)).rejects.toThrow(TypeError)
      expect(new ServerSideSession('x'.repeat(43))).toBeInstanceOf(Session)
    })
  })
}
