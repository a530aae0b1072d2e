import { describe, expect, it } from 'vitest'
import {
  NullSession,
  Session,
  type SessionApp,
  type SessionConfig,
  SessionInterface,
  type SessionRequest,
  type SessionResponse,
} from '../src/index.js'
import { fakeApp } from './host.js'

class MinimalInterface extends SessionInterface {
  openSession(_app: SessionApp, _request: SessionRequest): Session | null {
    return null
  }
  saveSession(_app: SessionApp, _session: Session, _response: SessionResponse | null): void {}
}

const NOW = 1_700_000_000_000
const iface = new MinimalInterface({ now: () => NOW })

describe('the cookie settings, from config', () => {
  const rows: Array<
    [name: string, config: SessionConfig, read: (app: SessionApp) => unknown, value: unknown]
  > = [
    ['the name defaults to "session"', {}, (a) => iface.getCookieName(a), 'session'],
    ['the name is SESSION_COOKIE_NAME', { SESSION_COOKIE_NAME: 'sid' }, (a) => iface.getCookieName(a), 'sid'],
    ['no domain by default', {}, (a) => iface.getCookieDomain(a), undefined],
    [
      'an empty domain is no domain',
      { SESSION_COOKIE_DOMAIN: '' },
      (a) => iface.getCookieDomain(a),
      undefined,
    ],
    [
      'the domain is SESSION_COOKIE_DOMAIN',
      { SESSION_COOKIE_DOMAIN: 'x.test' },
      (a) => iface.getCookieDomain(a),
      'x.test',
    ],
    ['the path defaults to /', {}, (a) => iface.getCookiePath(a), '/'],
    [
      'the path falls back to APPLICATION_ROOT',
      { APPLICATION_ROOT: '/app' },
      (a) => iface.getCookiePath(a),
      '/app',
    ],
    [
      'SESSION_COOKIE_PATH wins',
      { APPLICATION_ROOT: '/app', SESSION_COOKIE_PATH: '/s' },
      (a) => iface.getCookiePath(a),
      '/s',
    ],
    ['HttpOnly by default', {}, (a) => iface.getCookieHttponly(a), true],
    ['not Secure by default', {}, (a) => iface.getCookieSecure(a), false],
    ['Secure from config', { SESSION_COOKIE_SECURE: true }, (a) => iface.getCookieSecure(a), true],
    [
      'no SameSite by default',
      { SESSION_COOKIE_SAMESITE: null },
      (a) => iface.getCookieSamesite(a),
      undefined,
    ],
    [
      'SameSite from config, as spelled',
      { SESSION_COOKIE_SAMESITE: 'Lax' },
      (a) => iface.getCookieSamesite(a),
      'Lax',
    ],
    ['not Partitioned by default', {}, (a) => iface.getCookiePartitioned(a), false],
  ]
  for (const [name, config, read, value] of rows) {
    it(name, () => {
      expect(read(fakeApp(config))).toBe(value)
    })
  }
})

describe('getExpirationTime', () => {
  it('is undefined for a session that is not permanent', () => {
    expect(iface.getExpirationTime(fakeApp(), new Session())).toBeUndefined()
  })

  it('is now + 31 days for a permanent session by default', () => {
    const expires = iface.getExpirationTime(fakeApp(), new Session({ _permanent: true }))
    expect(expires).toEqual(new Date(NOW + 31 * 86_400_000))
  })

  it('is now + PERMANENT_SESSION_LIFETIME seconds', () => {
    const app = fakeApp({ PERMANENT_SESSION_LIFETIME: 60 })
    expect(iface.getExpirationTime(app, new Session({ _permanent: true }))).toEqual(new Date(NOW + 60_000))
  })
})

describe('shouldSetCookie', () => {
  const rows: Array<[name: string, modified: boolean, permanent: boolean, refresh: boolean, set: boolean]> = [
    ['a modified session is set', true, false, true, true],
    ['an unmodified session is not', false, false, true, false],
    ['an unmodified permanent session is refreshed', false, true, true, true],
    ['not with SESSION_REFRESH_EACH_REQUEST off', false, true, false, false],
    ['a modified permanent session is set even with refresh off', true, true, false, true],
  ]
  for (const [name, modified, permanent, refresh, set] of rows) {
    it(name, () => {
      const session = new Session(permanent ? { _permanent: true } : {})
      session.modified = modified
      expect(iface.shouldSetCookie(fakeApp({ SESSION_REFRESH_EACH_REQUEST: refresh }), session)).toBe(set)
    })
  }
})

describe('null sessions', () => {
  it('makeNullSession makes the nullSessionClass, which isNullSession recognises', () => {
    const session = iface.makeNullSession(fakeApp())
    expect(session).toBeInstanceOf(NullSession)
    expect(iface.isNullSession(session)).toBe(true)
    expect(iface.isNullSession(new Session())).toBe(false)
  })

  it('follows a replaced nullSessionClass', () => {
    class QuietNullSession extends NullSession {}
    const custom = new MinimalInterface()
    custom.nullSessionClass = QuietNullSession
    expect(custom.makeNullSession(fakeApp())).toBeInstanceOf(QuietNullSession)
  })
})
