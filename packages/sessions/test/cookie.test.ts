import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  base64UrlEncode,
  intToBytes,
  Markup,
  NullSession,
  SecureCookieSessionInterface,
  Session,
  type SessionConfig,
  Signer,
  sessionJsonSerializer,
  TaggedJSONSerializer,
  TimestampSigner,
  Tuple,
  tuple,
  UUID,
} from '../src/index.js'
import { FakeResponse, fakeApp, fakeRequest } from './host.js'

// quart-behaviour.md §3.6: the worked example's clock and key.
const T = 1_700_000_000
const now = () => T * 1000
const KEY = 'dev-secret-key'
const iface = new SecureCookieSessionInterface({ now })
const LIFETIME = 31 * 24 * 60 * 60

const open = (cookie: string | undefined, config: SessionConfig = { SECRET_KEY: KEY }, at = iface) => {
  const app = fakeApp(config)
  const session = at.openSession(app, fakeRequest(cookie === undefined ? {} : { session: cookie }))
  return { app, session }
}

const dumps = (data: unknown, config: SessionConfig = { SECRET_KEY: KEY }) =>
  iface.getSigningSerializer(fakeApp(config))!.dumps(data)

describe('the worked examples of behaviour §3.6, byte for byte', () => {
  const flaskOrder = new SecureCookieSessionInterface({ now })
  flaskOrder.serializer = new TaggedJSONSerializer({ sortKeys: true })
  const userRow = new Map<string, unknown>([
    ['user_id', 42],
    ['_permanent', true],
  ])
  const rows: Array<
    [name: string, data: unknown, cookie: string, at?: SecureCookieSessionInterface, config?: SessionConfig]
  > = [
    [
      'user_id and _permanent, Quart order',
      userRow,
      'eyJ1c2VyX2lkIjo0MiwiX3Blcm1hbmVudCI6dHJ1ZX0.ZVPxAA.lzpTQ9sW7MG-J2vv-OKTPwS1PeE',
    ],
    [
      'the same, Flask key order',
      userRow,
      'eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.DzV6BfiKdM1zXWfEA6585EEJa2k',
      flaskOrder,
    ],
    [
      'flashes as tuples',
      { _flashes: [tuple('info', 'hi')] },
      'eyJfZmxhc2hlcyI6W3siIHQiOlsiaW5mbyIsImhpIl19XX0.ZVPxAA.XaaO0vCiHeJQ1_ppdc6mh91YNeo',
    ],
    ['an empty session', {}, 'e30.ZVPxAA.uawscPakflvsdDJq7ukJ8G0X1_c'],
    [
      '290 bytes of JSON, compressed',
      { msgs: Array(20).fill('hello world') },
      '.eJyrVsotTi9WsopWykjNyclXKM8vyklR0hnlQXmxtQCLq2Ot.ZVPxAA.sEqtwrgPO05B8jNPJ720MEMjjSA',
    ],
    [
      'signed with old-key',
      userRow,
      'eyJ1c2VyX2lkIjo0MiwiX3Blcm1hbmVudCI6dHJ1ZX0.ZVPxAA.c66mMoRyxg0Zydkasw7sON_3NPU',
      iface,
      { SECRET_KEY: 'old-key' },
    ],
    [
      'signed with new-key, old-key a fallback',
      userRow,
      'eyJ1c2VyX2lkIjo0MiwiX3Blcm1hbmVudCI6dHJ1ZX0.ZVPxAA.ILWMCNX7_XAro1i53cNzZ-e0Vw0',
      iface,
      { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] },
    ],
  ]
  for (const [name, data, cookie, at = iface, config = { SECRET_KEY: KEY }] of rows) {
    it(`${name}: Flagon writes the cookie`, () => {
      expect(at.getSigningSerializer(fakeApp(config))!.dumps(data)).toBe(cookie)
    })
    it(`${name}: Flagon opens the cookie`, () => {
      const { session } = open(cookie, config, at)
      expect(session?.toJSON()).toEqual(data instanceof Map ? Object.fromEntries(data) : data)
    })
  }

  describe('the all-tags value', () => {
    const value = new Map<string, unknown>([
      ['user', 'Zoë'],
      ['cart', tuple('apple', 3)],
      ['blob', new Uint8Array([0, 1, 255])],
      ['when', new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
      ['id', new UUID('12345678-1234-5678-1234-567812345678')],
      ['html', new Markup('<b>hi</b>')],
      ['trap', { ' t': [1, 2] }],
      ['list', [1, 2.5, null, true, { a: tuple(1) }]],
    ])
    const json =
      '{"user":"Zo\\u00eb","cart":{" t":["apple",3]},"blob":{" b":"AAH/"},"when":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"},' +
      '"id":{" u":"12345678123456781234567812345678"},"html":{" m":"<b>hi</b>"},"trap":{" di":{" t__":[1,2]}},' +
      '"list":[1,2.5,null,true,{"a":{" t":[1]}}]}'
    const cookie =
      '.eJx1j08LgzAMxb9KybnMWnUbRQRPG4PdPG0TaWdBof5BW3YQv_tihd12Sch7v5CXBdysJxDwGF6OMa2AwltOFsQCBOsT5DgaDTQqVwrKDMo7WCHPrwGg-Gl078UaxcJpShgnN9kTznhMWCRYLFhCLvdio9vasw7ZkEdxcjyd__UNb2xn_EKHC6nKmjYNVLY5dpLjfrbdw1YVxg0pL1d0TTvbfTwktHfGUDthtAXk77MQwXL9Avu2RkM.ZVPxAA.54rE01jG17a5usXoRzC4bjCCWDI'

    it('is written as the same tagged JSON', () => {
      expect(sessionJsonSerializer.dumps(value)).toBe(json)
    })

    it("opens from Flask's cookie with every type restored", () => {
      const { session } = open(cookie)
      expect(session?.toJSON()).toStrictEqual(Object.fromEntries(value))
      expect(session?.get('cart')).toBeInstanceOf(Tuple)
      expect(session?.get('trap')).toEqual({ ' t': [1, 2] })
    })

    // Node's zlib (Chromium's fork) may choose other deflate matches than Debian's zlib 1.2.13 for the same
    // JSON, as it does here: the stream differs, its content and the signature scheme do not.
    it('is written compressed, signed, and inflates to the same JSON', () => {
      const written = dumps(value)
      const [payload, timestamp] = written.split('.').slice(1)
      expect(written.startsWith('.')).toBe(true)
      expect(timestamp).toBe('ZVPxAA')
      expect(inflateSync(Buffer.from(payload!, 'base64url')).toString()).toBe(json)
      expect(open(written).session?.toJSON()).toStrictEqual(Object.fromEntries(value))
    })
  })
})

describe('openSession', () => {
  it('returns null without a SECRET_KEY, so the host uses a null session', () => {
    expect(open('e30.ZVPxAA.uawscPakflvsdDJq7ukJ8G0X1_c', {}).session).toBeNull()
    expect(open(undefined, { SECRET_KEY: '' }).session).toBeNull()
  })

  it('gives a new empty session without a cookie', () => {
    const { session } = open(undefined)
    expect(session).toBeInstanceOf(Session)
    expect(session).not.toBeInstanceOf(NullSession)
    expect(session?.size).toBe(0)
  })

  it('reads the cookie named SESSION_COOKIE_NAME', () => {
    const app = fakeApp({ SECRET_KEY: KEY, SESSION_COOKIE_NAME: 'sid' })
    const session = iface.openSession(app, fakeRequest({ sid: dumps({ a: 1 }) }))
    expect(session?.get('a')).toBe(1)
  })

  it('opens a session unmodified and unaccessed', () => {
    const session = open(dumps({ a: 1 })).session!
    expect([session.modified, session.accessed, session.new]).toEqual([false, false, false])
  })

  it('accepts bytes keys', () => {
    const config = { SECRET_KEY: new TextEncoder().encode(KEY) }
    expect(open('e30.ZVPxAA.uawscPakflvsdDJq7ukJ8G0X1_c', config).session?.size).toBe(0)
    expect(open(dumps({ a: 1 }), config).session?.get('a')).toBe(1)
  })
})

describe('a cookie that cannot be trusted gives a new empty session, never an error', () => {
  const good = dumps({ user: 'ann' })
  const [payload, stamp, signature] = good.split('.') as [string, string, string]
  const keySigner = new TimestampSigner(KEY, { salt: 'cookie-session', keyDerivation: 'hmac', now })
  const signAt = (seconds: number) =>
    new TimestampSigner(KEY, {
      salt: 'cookie-session',
      keyDerivation: 'hmac',
      now: () => seconds * 1000,
    }).sign(payload)
  const plainSigner = new Signer(KEY, { salt: 'cookie-session', keyDerivation: 'hmac' })

  const rows: Array<[name: string, cookie: string, warns?: boolean]> = [
    ['a tampered payload', `${base64UrlEncode('{"user":"bob"}')}.${stamp}.${signature}`],
    [
      'a tampered signature',
      `${payload}.${stamp}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
    ],
    ['a tampered timestamp', `${payload}.ZVPxAB.${signature}`],
    ['a wrong key', iface.getSigningSerializer(fakeApp({ SECRET_KEY: 'other-key' }))!.dumps({ user: 'ann' })],
    ['an expired cookie (lifetime + 1 s old)', signAt(T - LIFETIME - 1)],
    ['a timestamp 1 s in the future', signAt(T + 1)],
    ['a truncated cookie', good.slice(0, -5)],
    ['a cookie cut before its signature', `${payload}.${stamp}`],
    ['only a payload', payload],
    ['the garbage of behaviour §3.3', 'garbage.value.sig'],
    ['non-base64 everywhere', '!!!.@@@.###'],
    ['only dots', '..'],
    ['non-ASCII text', 'é.é.é'],
    ['a signed value without a timestamp', plainSigner.sign(payload)],
    ['a signed malformed timestamp', plainSigner.sign(`${payload}.!!`)],
    [
      'a signed 9-byte timestamp',
      plainSigner.sign(`${payload}.${base64UrlEncode(new Uint8Array(9).fill(1))}`),
    ],
    ['a signed huge timestamp', plainSigner.sign(`${payload}.${base64UrlEncode(intToBytes(2 ** 52))}`)],
    ['a signed non-base64 payload', keySigner.sign('!!!'), true],
    ['a signed bad zlib stream', keySigner.sign(`.${base64UrlEncode('not zlib at all')}`), true],
    ['a signed non-JSON payload', keySigner.sign(base64UrlEncode('{nope')), true],
    ['a signed JSON array', keySigner.sign(base64UrlEncode('[1,2]')), true],
    ['a signed JSON string', keySigner.sign(base64UrlEncode('"x"')), true],
    ['signed bad tag data', keySigner.sign(base64UrlEncode('{"id":{" u":"nope"}}')), true],
  ]
  for (const [name, cookie, warns = false] of rows) {
    it(name, () => {
      const { app, session } = open(cookie)
      expect(session).toBeInstanceOf(Session)
      expect(session?.size).toBe(0)
      expect(session?.modified).toBe(false)
      // Only a holder of the key can make a cookie whose signature is good and data bad: that is worth a line.
      expect(app.logs.map(([level]) => level)).toEqual(warns ? ['warn'] : [])
    })
  }

  it('while a cookie exactly PERMANENT_SESSION_LIFETIME old still opens', () => {
    expect(open(signAt(T - LIFETIME)).session?.get('user')).toBe('ann')
  })

  it('and a shorter PERMANENT_SESSION_LIFETIME expires a cookie sooner', () => {
    expect(open(signAt(T - 61), { SECRET_KEY: KEY, PERMANENT_SESSION_LIFETIME: 60 }).session?.size).toBe(0)
  })
})

describe('saveSession, as Quart (behaviour §3.3)', () => {
  const defaults = { path: '/', secure: false, partitioned: false, httpOnly: true }
  const save = (session: Session, config: SessionConfig = {}) => {
    const app = fakeApp({ SECRET_KEY: KEY, ...config })
    const response = new FakeResponse()
    iface.saveSession(app, session, response)
    return { app, response, vary: response.headers.get('vary') }
  }
  const loaded = (data: Record<string, unknown>) => open(dumps(data)).session!

  it('an untouched empty session sets nothing', () => {
    const { response, vary } = save(new Session())
    expect(response.cookies).toEqual([])
    expect(vary).toBeNull()
  })

  it('an accessed session varies on Cookie, even when nothing is set', () => {
    const session = loaded({ a: 1 })
    session.get('a')
    const { response, vary } = save(session)
    expect(response.cookies).toEqual([])
    expect(vary).toBe('Cookie')
  })

  it('an accessed empty session varies on Cookie and sets nothing', () => {
    const session = new Session()
    session.has('a')
    const { response, vary } = save(session)
    expect(response.cookies).toEqual([])
    expect(vary).toBe('Cookie')
  })

  // The value is the one Flask 2.2.2 makes for {'user': 'ann'} at the same time with the same key.
  it('a modified session is set, without Expires, and varies on Cookie', () => {
    const session = new Session()
    session.set('user', 'ann')
    const { response, vary } = save(session)
    expect(response.cookies).toEqual([
      {
        action: 'set',
        name: 'session',
        value: 'eyJ1c2VyIjoiYW5uIn0.ZVPxAA.vA8jpjXgBX-YxAOIkhIvDz3ussk',
        options: defaults,
      },
    ])
    expect(vary).toBe('Cookie')
    expect(open(response.cookies[0]!.value).session?.get('user')).toBe('ann')
  })

  it('a session emptied by the request deletes the cookie with the same attributes', () => {
    const session = loaded({ user: 'ann' })
    session.clear()
    const config: SessionConfig = {
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_DOMAIN: 'example.com',
      SESSION_COOKIE_PATH: '/app',
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_SAMESITE: 'Lax',
      SESSION_COOKIE_PARTITIONED: true,
    }
    const { response, vary } = save(session, config)
    expect(response.cookies).toEqual([
      {
        action: 'delete',
        name: 'sid',
        value: '',
        options: {
          domain: 'example.com',
          path: '/app',
          secure: true,
          partitioned: true,
          sameSite: 'Lax',
          httpOnly: true,
        },
      },
    ])
    expect(vary).toBe('Cookie')
  })

  it('a session emptied by deleting its last key deletes the cookie too', () => {
    const session = loaded({ user: 'ann' })
    session.delete('user')
    expect(save(session).response.cookies).toEqual([
      { action: 'delete', name: 'session', value: '', options: defaults },
    ])
  })

  it('every attribute from config is passed through', () => {
    const session = new Session()
    session.set('user', 'ann')
    const config: SessionConfig = {
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_DOMAIN: 'example.com',
      SESSION_COOKIE_PATH: '/app',
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SAMESITE: 'Strict',
      SESSION_COOKIE_PARTITIONED: true,
    }
    expect(save(session, config).response.cookies[0]?.options).toEqual({
      domain: 'example.com',
      path: '/app',
      secure: true,
      httpOnly: false,
      sameSite: 'Strict',
      partitioned: true,
    })
  })

  it('the path falls back to APPLICATION_ROOT', () => {
    const session = new Session()
    session.set('a', 1)
    expect(save(session, { APPLICATION_ROOT: '/root' }).response.cookies[0]?.options.path).toBe('/root')
  })

  it('a permanent session expires PERMANENT_SESSION_LIFETIME from now', () => {
    const session = new Session()
    session.set('user', 'ann')
    session.permanent = true
    const { response } = save(session, { PERMANENT_SESSION_LIFETIME: 3600 })
    expect(response.cookies[0]?.options).toEqual({ ...defaults, expires: new Date((T + 3600) * 1000) })
  })

  it('an unmodified permanent session is re-sent with a fresh expiry (SESSION_REFRESH_EACH_REQUEST)', () => {
    const session = loaded({ user: 'ann', _permanent: true })
    const { response, vary } = save(session)
    expect(response.cookies).toHaveLength(1)
    expect(response.cookies[0]?.options.expires).toEqual(new Date((T + LIFETIME) * 1000))
    expect(vary).toBe('Cookie')
  })

  it('an unmodified permanent session is not re-sent with SESSION_REFRESH_EACH_REQUEST off', () => {
    const session = loaded({ user: 'ann', _permanent: true })
    expect(save(session, { SESSION_REFRESH_EACH_REQUEST: false }).response.cookies).toEqual([])
  })

  it('keeps the insertion order of keys, even ones that look like integers', () => {
    const session = new Session()
    session.set('b', 1).set('2', 2)
    const value = save(session).response.cookies[0]!.value
    expect(Buffer.from(value.split('.')[0]!, 'base64url').toString()).toBe('{"b":1,"2":2}')
  })

  it('re-signs a cookie signed by a fallback key with the current key', () => {
    const rotated = { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] }
    const session = open(dumps({ user: 'ann' }, { SECRET_KEY: 'old-key' }), rotated).session!
    expect(session.get('user')).toBe('ann')
    session.set('n', 1)
    const { response } = save(session, rotated)
    const value = response.cookies[0]!.value
    expect(open(value, { SECRET_KEY: 'new-key' }).session?.toJSON()).toEqual({ user: 'ann', n: 1 })
    expect(open(value, { SECRET_KEY: 'old-key' }).session?.size).toBe(0)
  })

  describe('with no response (an accepted websocket)', () => {
    it('logs that a modified session is lost, and returns', () => {
      const session = new Session()
      session.set('a', 1)
      const app = fakeApp({ SECRET_KEY: KEY })
      iface.saveSession(app, session, null)
      expect(app.logs).toEqual([
        [
          'error',
          'Secure Cookie Session modified during websocket handling. ' +
            'These modifications will be lost as a cookie cannot be set.',
        ],
      ])
    })

    it('says nothing for an unmodified session', () => {
      const app = fakeApp({ SECRET_KEY: KEY })
      iface.saveSession(app, loaded({ a: 1 }), null)
      expect(app.logs).toEqual([])
    })
  })
})
