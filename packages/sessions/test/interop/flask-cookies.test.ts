/**
 * Cookies cross between Flask and Flagon, both ways, checked against the real thing: Debian's Flask 2.2.2
 * and itsdangerous 2.1.2 under /usr/bin/python3 (python.ts installs them when missing). Each direction is
 * one Python process for the whole batch. Flask 2.2 predates SECRET_KEY_FALLBACKS, so the rotation cases
 * use itsdangerous's serializer with a key list, as Flask 3.1 builds it.
 */
import { inflateSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  compareCodePoints,
  Markup,
  SecureCookieSessionInterface,
  type SessionConfig,
  Signer,
  TaggedJSONSerializer,
  TimestampSigner,
  Tuple,
  tuple,
  UUID,
} from '../../src/index.js'
import { fakeApp, fakeRequest } from '../host.js'
import { ensureFlask, runFlask } from './python.js'

/** A value spelled out type by type, as flask_cookies.py reads and writes it. */
type Wire = null | boolean | number | string | [kind: string, body: unknown]

const TS = Math.floor(Date.now() / 1000)
const LIFETIME = 31 * 24 * 60 * 60
const quart = new SecureCookieSessionInterface({ now: () => TS * 1000 })
const flask = new SecureCookieSessionInterface({ now: () => TS * 1000 })
flask.serializer = new TaggedJSONSerializer({ sortKeys: true })

const ALL_BYTES = new Uint8Array(256).map((_, i) => i)

// name, data, and whether Python writes the numbers in it as JavaScript does (1e-07 is not 1e-7).
const cases: Array<[name: string, data: Record<string, unknown>, sameNumbers?: boolean]> = [
  ['user id and permanent', { user_id: 42, _permanent: true }],
  ['flashed messages as tuples', { _flashes: [tuple('info', 'hi'), tuple('error', 'bad')] }],
  ['an empty session', {}],
  [
    'every tag',
    {
      user: 'Zoë',
      cart: tuple('apple', 3),
      blob: new Uint8Array([0, 1, 255]),
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      id: new UUID('12345678-1234-5678-1234-567812345678'),
      html: new Markup('<b>hi</b>'),
      trap: { ' t': [1, 2] },
      list: [1, 2.5, null, true, { a: tuple(1) }],
    },
  ],
  ['unicode and escapes', { name: 'Zoë 日本 😀', quote: '"\\/\n\t\u0001\u007f</script>', empty: '' }],
  ['a compressed list', { msgs: Array(20).fill('hello world') }],
  ['nested objects and numbers', { a: { b: { c: [1, -2, 0, 2.5, 1e-7] } } }, false],
  ['booleans and null', { t: true, f: false, n: null }],
  ['empty containers', { l: [], d: {}, t: tuple() }],
  [
    'keys that look like tags',
    { '': 'empty key', ' t': 'not a tag', only: { ' t': 'x' }, deep: { ' di': { ' b': 1 } } },
  ],
  ['bytes at the edges', { none: new Uint8Array(0), all: ALL_BYTES }],
  [
    'dates',
    {
      epoch: new Date(0),
      far: new Date(Date.UTC(2100, 11, 31, 23, 59, 59)),
      leap: new Date(Date.UTC(2024, 1, 29, 12, 0, 0)),
    },
  ],
  ['markup and text that is not', { html: new Markup(`<a href='x'>&amp;</a>`), plain: 'not markup <b>' }],
  ['uuids', { nil: new UUID('0'.repeat(32)), id: new UUID('12345678-1234-5678-1234-567812345678') }],
  ['a long repetitive string', { s: 'a'.repeat(500) }],
  [
    'large and inexact numbers',
    { max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, sum: 0.1 + 0.2 },
  ],
  ['tuples in tuples', { t: tuple(tuple(1, tuple()), [tuple('x')]) }],
  ['flashed markup', { _flashes: [tuple('message', new Markup('<b>Saved</b>'))] }],
]

const orders: Array<[order: string, sort: boolean, iface: SecureCookieSessionInterface]> = [
  ['Quart insertion order', false, quart],
  ['Flask sorted order', true, flask],
]

beforeAll(() => ensureFlask(), 600_000)

describe('cookies made by Flask open in Flagon with equal values', () => {
  interface Made {
    name: string
    cookie: string
  }
  let made: Map<string, string>
  const rotation: Array<[name: string, pythonKeys: string[], config: SessionConfig]> = [
    [
      'a cookie signed before the rotation opens with the old key a fallback',
      ['old-key'],
      { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] },
    ],
    [
      'a cookie signed by [old, new] opens with the new key alone',
      ['old-key', 'new-key'],
      { SECRET_KEY: 'new-key' },
    ],
    [
      'a cookie signed by the oldest of two fallbacks opens',
      ['oldest-key'],
      { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['oldest-key', 'old-key'] },
    ],
  ]

  beforeAll(() => {
    const requests = [
      ...orders.flatMap(([order, sort]) =>
        cases.map(([name, data]) => ({ name: `${order}: ${name}`, keys: ['k'], sort, data: toWire(data) })),
      ),
      ...rotation.map(([name, keys]) => ({ name, keys, data: toWire({ user: 'ann' }) })),
    ]
    made = new Map(runFlask<Made>('make', TS, requests).map(({ name, cookie }) => [name, cookie]))
  })

  for (const [order, sort, iface] of orders) {
    describe(order, () => {
      for (const [name, data, sameNumbers = true] of cases) {
        it(name, () => {
          const cookie = made.get(`${order}: ${name}`)!
          const session = iface.openSession(fakeApp({ SECRET_KEY: 'k' }), fakeRequest({ session: cookie }))
          expect(toWire(new Map(session!.entries()))).toEqual(sort ? sortWire(toWire(data)) : toWire(data))
          // And Flagon writes the same JSON text, and the same cookie when neither is compressed.
          const ours = iface.getSigningSerializer(fakeApp({ SECRET_KEY: 'k' }))!.dumps(data)
          if (sameNumbers) {
            expect(jsonOf(ours)).toBe(jsonOf(cookie))
            if (!cookie.startsWith('.') && !ours.startsWith('.')) expect(ours).toBe(cookie)
          }
        })
      }
    })
  }

  describe('key rotation', () => {
    for (const [name, , config] of rotation) {
      it(name, () => {
        const session = quart.openSession(fakeApp(config), fakeRequest({ session: made.get(name)! }))
        expect(session?.toJSON()).toEqual({ user: 'ann' })
      })
    }

    it('a cookie signed with the old key does not open once the old key is dropped', () => {
      const cookie = made.get(rotation[0]![0])!
      expect(
        quart.openSession(fakeApp({ SECRET_KEY: 'new-key' }), fakeRequest({ session: cookie }))?.size,
      ).toBe(0)
    })
  })
})

describe('cookies made by Flagon open in Flask with equal values', () => {
  interface Loaded {
    name: string
    data?: Wire
    resigned?: string
    error?: string
  }
  let loaded: Map<string, Loaded>
  const ours = new Map<string, string>()
  const dumps = (config: SessionConfig, data: unknown, iface = quart) =>
    iface.getSigningSerializer(fakeApp(config))!.dumps(data)
  const rotated = { SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] }
  const expired = new SecureCookieSessionInterface({ now: () => (TS - LIFETIME - 1) * 1000 })
  const special: Array<[name: string, cookie: string, pythonKeys: string[], expected: string]> = [
    [
      'signed with SECRET_KEY while fallbacks are set: loads under [old, new]',
      dumps(rotated, { user: 'ann' }),
      ['old-key', 'new-key'],
      'data',
    ],
    ['…and under the new key alone', dumps(rotated, { user: 'ann' }), ['new-key'], 'data'],
    ['…but not under the old key alone', dumps(rotated, { user: 'ann' }), ['old-key'], 'BadTimeSignature'],
    [
      'a cookie older than the lifetime is expired in Flask too',
      dumps({ SECRET_KEY: 'k' }, { user: 'ann' }, expired),
      ['k'],
      'SignatureExpired',
    ],
    [
      'a tampered cookie is refused by Flask too',
      `x${dumps({ SECRET_KEY: 'k' }, { user: 'ann' })}`,
      ['k'],
      'BadTimeSignature',
    ],
  ]

  beforeAll(() => {
    const requests: unknown[] = []
    for (const [order, sort, iface] of orders) {
      for (const [name, data] of cases) {
        const cookie = dumps({ SECRET_KEY: 'k' }, data, iface)
        ours.set(`${order}: ${name}`, cookie)
        requests.push({ name: `${order}: ${name}`, keys: ['k'], sort, cookie, maxAge: LIFETIME })
      }
    }
    for (const [name, cookie, keys] of special) requests.push({ name, keys, cookie, maxAge: LIFETIME })
    loaded = new Map(runFlask<Loaded>('load', TS, requests).map((result) => [result.name, result]))
  })

  for (const [order, sort] of orders) {
    describe(order, () => {
      for (const [name, data, sameNumbers = true] of cases) {
        it(name, () => {
          const result = loaded.get(`${order}: ${name}`)!
          expect(result.error).toBeUndefined()
          expect(result.data).toEqual(sort ? sortWire(toWire(data)) : toWire(data))
          // Flask, signing what it loaded at the same time, writes what Flagon wrote.
          const cookie = ours.get(`${order}: ${name}`)!
          if (sameNumbers) {
            expect(jsonOf(result.resigned!)).toBe(jsonOf(cookie))
            if (!cookie.startsWith('.') && !result.resigned!.startsWith('.'))
              expect(result.resigned).toBe(cookie)
          }
        })
      }
    })
  }

  describe('key rotation and refusals', () => {
    for (const [name, , , expected] of special) {
      it(name, () => {
        const result = loaded.get(name)!
        if (expected === 'data') expect(result.data).toEqual(toWire({ user: 'ann' }))
        else expect(result.error).toBe(expected)
      })
    }
  })
})

describe("itsdangerous's signers and Flagon's sign alike", () => {
  interface Signed {
    name: string
    signed: string
  }
  const derivations = ['hmac', 'concat', 'django-concat', 'none'] as const
  const digests = ['sha1', 'sha256', 'sha512'] as const
  const rows: Array<{
    name: string
    keys: string[]
    salt: string
    keyDerivation: (typeof derivations)[number]
    digest: string
    timed: boolean
    value: string
  }> = []
  for (const keyDerivation of derivations) {
    for (const digest of digests) {
      for (const timed of [false, true]) {
        rows.push({
          name: `${keyDerivation}/${digest}/${timed ? 'timed' : 'plain'}`,
          keys: ['k'],
          salt: 'salt',
          keyDerivation,
          digest,
          timed,
          value: 'héllo.wörld',
        })
      }
    }
  }
  rows.push({
    name: 'rotating keys sign with the last',
    keys: ['a', 'b', 'c'],
    salt: 'itsdangerous.Signer',
    keyDerivation: 'django-concat',
    digest: 'sha1',
    timed: true,
    value: 'v',
  })
  let signed: Map<string, string>

  beforeAll(() => {
    signed = new Map(runFlask<Signed>('sign', TS, rows).map((r) => [r.name, r.signed]))
  })

  for (const row of rows) {
    it(row.name, () => {
      const options = { salt: row.salt, keyDerivation: row.keyDerivation, digestMethod: row.digest }
      const signer = row.timed
        ? new TimestampSigner(row.keys, { ...options, now: () => TS * 1000 })
        : new Signer(row.keys, options)
      expect(signer.sign(row.value)).toBe(signed.get(row.name))
      expect(signer.unsign(signed.get(row.name)!)).toBe(row.value)
    })
  }
})

function toWire(value: unknown): Wire {
  if (value === null || ['boolean', 'number', 'string'].includes(typeof value)) return value as Wire
  if (value instanceof Markup) return ['markup', value.valueOf()]
  if (value instanceof Tuple) return ['tuple', Array.from(value, toWire)]
  if (Array.isArray(value)) return ['list', value.map(toWire)]
  if (value instanceof Uint8Array) return ['bytes', Buffer.from(value).toString('base64')]
  if (value instanceof UUID) return ['uuid', value.hex]
  if (value instanceof Date) return ['datetime', value.getTime() / 1000]
  const entries = value instanceof Map ? [...value] : Object.entries(value as object)
  return ['dict', entries.map(([key, item]) => [key, toWire(item)])]
}

// Flask sorts keys at every depth, so the dicts it reads back are in that order.
function sortWire(wire: Wire): Wire {
  if (!Array.isArray(wire)) return wire
  const [kind, body] = wire
  if (kind === 'dict') {
    const entries = (body as Array<[string, Wire]>).map(([k, v]) => [k, sortWire(v)] as [string, Wire])
    return ['dict', entries.sort(([a], [b]) => compareCodePoints(a, b))]
  }
  if (kind === 'list' || kind === 'tuple') return [kind, (body as Wire[]).map(sortWire)]
  return wire
}

// The JSON text inside a cookie, inflated if need be.
function jsonOf(cookie: string): string {
  const payload = cookie.slice(0, cookie.lastIndexOf('.', cookie.lastIndexOf('.') - 1))
  if (!payload.startsWith('.')) return Buffer.from(payload, 'base64url').toString()
  return inflateSync(Buffer.from(payload.slice(1), 'base64url')).toString()
}
