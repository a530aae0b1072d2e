/**
 * Key rotation that tells you when you are done, on both interfaces: a cookie an old key
 * (`SECRET_KEY_FALLBACKS`) verified is re-issued under `SECRET_KEY` in the same response even when
 * nothing changed, and counted per old key.
 */
import { describe, expect, it } from 'vitest'
import {
  keyFingerprint,
  MemoryStore,
  SecureCookieSessionInterface,
  type SessionConfig,
  Signer,
  sessionJsonSerializer,
  URLSafeTimedSerializer,
} from '../../src/index.js'
import { FakeResponse, fakeApp, fakeRequest } from '../host.js'
import { serverSessions } from './host.js'

/** A fake app whose logger also has `debug`, as the framework's does. */
function appWithDebug(config: SessionConfig) {
  const app = fakeApp(config)
  const debug: string[] = []
  Object.assign(app.logger, { debug: (message: string) => void debug.push(message) })
  return { app, debug }
}

const cookieSigner = (key: string) =>
  new URLSafeTimedSerializer(key, {
    salt: 'cookie-session',
    serializer: sessionJsonSerializer,
    signerOptions: { keyDerivation: 'hmac', digestMethod: 'sha1' },
  })

describe('cookie sessions during a key rotation', () => {
  const rotated = { SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['oldest', 'old'] }
  const request = async (
    iface: SecureCookieSessionInterface,
    app: ReturnType<typeof fakeApp>,
    cookie: string,
  ) => {
    const session = (await iface.openSession(app, fakeRequest({ session: cookie })))!
    const response = new FakeResponse()
    iface.saveSession(app, session, response)
    return { session, response }
  }

  it('a cookie an old key signed is re-issued under SECRET_KEY in the same response, though unmodified', async () => {
    const iface = new SecureCookieSessionInterface()
    const { app } = appWithDebug({ ...rotated, SESSION_REFRESH_EACH_REQUEST: false })
    const old = cookieSigner('old').dumps(new Map([['user', 'ann']]))
    const { session, response } = await request(iface, app, old)
    expect(session.get('user')).toBe('ann')
    expect(session.modified).toBe(false)
    expect(response.cookies).toHaveLength(1)
    const reissued = response.cookies[0]!.value
    expect(cookieSigner('new').loads(reissued)).toEqual({ user: 'ann' })
    // Under the current key, an unmodified session is left alone again.
    expect((await request(iface, app, reissued)).response.cookies).toEqual([])
  })

  it('counts the cookies each old key verified, with when it was last seen, and logs the first at debug level', async () => {
    let now = Date.now()
    const iface = new SecureCookieSessionInterface({ now: () => now })
    const { app, debug } = appWithDebug(rotated)
    for (let i = 0; i < 3; i++) await request(iface, app, cookieSigner('old').dumps({ n: i }))
    now += 1000
    await request(iface, app, cookieSigner('old').dumps({ n: 3 }))
    await request(iface, app, cookieSigner('new').dumps({ n: 4 }))
    expect(iface.fallbackKeyUsage(app)).toEqual([
      { index: 0, fingerprint: keyFingerprint('oldest'), verified: 0, lastSeen: null },
      { index: 1, fingerprint: keyFingerprint('old'), verified: 4, lastSeen: new Date(now) },
    ])
    expect(keyFingerprint('old')).toMatch(/^[0-9a-f]{12}$/)
    expect(debug).toEqual([
      `A session cookie was verified with SECRET_KEY_FALLBACKS[1] (fingerprint ${keyFingerprint('old')}) and ` +
        'is re-issued under SECRET_KEY. fallbackKeyUsage(app) counts these per key; remove a key once its ' +
        'count stops growing.',
    ])
  })

  it('a cookie no key signed is not counted', async () => {
    const iface = new SecureCookieSessionInterface()
    const { app } = appWithDebug(rotated)
    const { session } = await request(iface, app, cookieSigner('stranger').dumps({ user: 'mallory' }))
    expect(session.get('user')).toBeUndefined()
    expect(iface.fallbackKeyUsage(app).every((use) => use.verified === 0)).toBe(true)
  })
})

describe('signed session ids (SESSION_USE_SIGNER) during a key rotation', () => {
  const sign = (key: string, sid: string) =>
    new Signer(key, { salt: 'quart-session', keyDerivation: 'hmac' }).sign(sid)

  it('an id an old key signed is re-signed under SECRET_KEY though unmodified, and counted', async () => {
    const { app, iface, browser } = serverSessions(new MemoryStore(), {
      SESSION_USE_SIGNER: true,
      SECRET_KEY: 'old',
      SESSION_PERMANENT: false,
    })
    const b = browser()
    const { session } = await b.request((s) => s.set('user', 'ann'))
    Object.assign(app.config, { SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ['old'] })
    const read = await b.request((s) => s.get('user'))
    expect(read.session.get('user')).toBe('ann')
    expect(read.response.cookies).toHaveLength(1)
    expect(b.cookie).toBe(sign('new', session.sid))
    expect((await b.request((s) => s.get('user'))).response.cookies).toEqual([])
    expect(iface.fallbackKeyUsage(app)).toMatchObject([{ index: 0, verified: 1 }])
  })
})
