/**
 * A login shared with a Quart app during a port: Flagon and Quart-Session (quart_session.py, with
 * Debian's python3-redis and Flask's tagged JSON serializer) read and write each other's records on one
 * real Redis and one real Memcached, in both directions, with and without SESSION_USE_SIGNER.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemcachedStore, RedisStore, Signer, type Store, Tuple, tuple, UUID } from '../../src/index.js'
import { serverSessions } from './host.js'
import {
  ensureQuartSessionSide,
  quartLogsOut,
  quartReads,
  quartUpdates,
  quartWrites,
} from './quart-session.js'
import { startMemcached, startRedis, type TestServer } from './servers.js'

// PERMANENT_SESSION_LIFETIME's default, 31 days: past Memcached's 30-day line, so its expiry is absolute.
const LIFETIME = 31 * 24 * 60 * 60

const backends: Array<
  [name: string, start: () => Promise<TestServer>, store: (server: TestServer) => Store]
> = [
  ['redis', startRedis, (server) => new RedisStore(server.address)],
  ['memcached', startMemcached, (server) => new MemcachedStore(server.address)],
]
const signing: Array<[title: string, secret: string | null]> = [
  ['plain ids', null],
  ['SESSION_USE_SIGNER', 'shared secret'],
]

beforeAll(() => ensureQuartSessionSide(), 600_000)

for (const [name, start, makeStore] of backends) {
  describe(`Quart-Session and Flagon share sessions on ${name}`, () => {
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

    for (const [title, secret] of signing) {
      describe(title, () => {
        const quart = () => ({ address: server.address, prefix: 'session:', lifetime: LIFETIME, secret })
        const flagon = () =>
          serverSessions(store, secret === null ? {} : { SESSION_USE_SIGNER: true, SECRET_KEY: secret })

        it('a session Quart-Session stored opens in Flagon, every tagged type intact', async () => {
          const { cookie } = quartWrites(quart())
          const b = flagon().browser()
          b.jar.set('session', cookie)
          const { session } = await b.request()
          expect(session.new).toBe(false)
          expect(session.permanent).toBe(true)
          expect(session.get('user')).toBe('ann')
          expect(session.get('cart')).toBeInstanceOf(Tuple)
          expect([...(session.get('cart') as Tuple)]).toEqual(['apple', 3])
          expect(session.get('when')).toEqual(new Date('2024-01-02T03:04:05Z'))
          expect(session.get('blob')).toEqual(new Uint8Array([0, 1, 255]))
          expect(String(session.get('id'))).toBe('12345678-1234-5678-1234-567812345678')
          expect(session.get('id')).toBeInstanceOf(UUID)
          expect(session.get('name')).toBe('Zoë 🍰')
          expect(session.get('nested')).toEqual({ a: [1, 2.5, null, true] })
        })

        it("Flagon's write to it is read by Quart-Session, with the same cookie and the lifetime as TTL", async () => {
          const { cookie } = quartWrites(quart())
          const b = flagon().browser()
          b.jar.set('session', cookie)
          await b.request((s) => s.set('colour', 'blue'))
          expect(b.cookie).toBe(cookie)
          const read = quartReads(quart(), cookie)
          const data = read.data![1] as Record<string, unknown>
          expect(data.colour).toEqual(['str', 'blue'])
          expect(data.user).toEqual(['str', 'ann'])
          expect(data.cart).toEqual([
            'tuple',
            [
              ['str', 'apple'],
              ['int', 3],
            ],
          ])
          if (name === 'redis') {
            expect(read.ttl).toBeGreaterThan(LIFETIME - 10)
            expect(read.ttl).toBeLessThanOrEqual(LIFETIME)
          }
        })

        it('a session Flagon stored opens in Quart-Session, as Python types', async () => {
          const b = flagon().browser()
          const { session } = await b.request((s) => {
            s.set('user', 'bob')
            s.set('cart', tuple('pear', 2))
            s.set('when', new Date('2025-06-07T08:09:10Z'))
            s.set('blob', new Uint8Array([7]))
          })
          if (secret !== null) {
            expect(b.cookie).toBe(
              new Signer(secret, { salt: 'quart-session', keyDerivation: 'hmac' }).sign(session.sid),
            )
          }
          const read = quartReads(quart(), b.cookie!)
          expect(read.sid).toBe(session.sid)
          expect(read.data).toEqual([
            'dict',
            {
              _permanent: ['bool', true],
              user: ['str', 'bob'],
              cart: [
                'tuple',
                [
                  ['str', 'pear'],
                  ['int', 2],
                ],
              ],
              when: ['datetime', '2025-06-07T08:09:10+00:00'],
              blob: ['bytes', '07'],
            },
          ])
        })

        it('one login, two apps: a key Quart sets is seen by Flagon, and the other way round', async () => {
          const b = flagon().browser()
          await b.request((s) => s.set('user_id', 7))
          quartUpdates(quart(), b.cookie!, 'quart_flag', 'from quart')
          const { session } = await b.request((s) => s.set('flagon_flag', 'from flagon'))
          expect(session.get('quart_flag')).toBe('from quart')
          const data = quartReads(quart(), b.cookie!).data![1] as Record<string, unknown>
          expect(data).toMatchObject({
            user_id: ['int', 7],
            quart_flag: ['str', 'from quart'],
            flagon_flag: ['str', 'from flagon'],
          })
        })

        it('a Quart logout (the record deleted) logs Flagon out too', async () => {
          const b = flagon().browser()
          await b.request((s) => s.set('user_id', 7))
          quartLogsOut(quart(), b.cookie!)
          expect((await b.request()).session.get('user_id')).toBeUndefined()
        })
      })
    }
  })
}
