import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  BadPayload,
  BadTimeSignature,
  base64UrlEncode,
  SignatureExpired,
  TimestampSigner,
  URLSafeTimedSerializer,
} from '../../src/index.js'
import { NEVER_COMPRESSED } from '../../src/signing/serializer.js'

const T = 1_700_000_000
const now = () => T * 1000
const serializer = new URLSafeTimedSerializer('secret', { signerOptions: { now } })

describe('the payload', () => {
  it('is the base64url of compact JSON when compression does not pay', () => {
    expect(serializer.dumpPayload({ a: 1 })).toBe(base64UrlEncode('{"a":1}'))
  })

  it('is "." and the base64url of the zlib stream when that is at least 2 bytes shorter', () => {
    const json = JSON.stringify({ msgs: Array(20).fill('hello world') })
    expect(serializer.dumpPayload({ msgs: Array(20).fill('hello world') })).toBe(
      `.${base64UrlEncode(deflateSync(Buffer.from(json)))}`,
    )
  })

  it('is not compressed when zlib saves exactly one byte', () => {
    // Find a text whose zlib form is exactly one byte shorter: the rule is compressed < json - 1.
    const text = findString((json, zipped) => zipped === json - 1)
    expect(serializer.dumpPayload(text).startsWith('.')).toBe(false)
    expect(serializer.loadPayload(serializer.dumpPayload(text))).toBe(text)
  })

  it('is compressed when zlib saves exactly two bytes', () => {
    const text = findString((json, zipped) => zipped === json - 2)
    expect(serializer.dumpPayload(text).startsWith('.')).toBe(true)
    expect(serializer.loadPayload(serializer.dumpPayload(text))).toBe(text)
  })
})

describe('the length below which deflate is skipped', () => {
  // Compression is used when compressed < json - 1; NEVER_COMPRESSED claims that never holds up to it.
  const neverWins = (bytes: Uint8Array) => deflateSync(bytes).length >= bytes.length - 1

  it('is 11 bytes, the bound the zlib format proves', () => {
    expect(NEVER_COMPRESSED).toBe(11)
  })

  it('holds for every input of up to 2 bytes', () => {
    for (let a = 0; a < 256; a++) {
      expect(neverWins(Uint8Array.of(a))).toBe(true)
      for (let b = 0; b < 256; b++) expect(neverWins(Uint8Array.of(a, b))).toBe(true)
    }
  })

  it('holds for the most compressible inputs up to the bound: runs, and every string over two letters', () => {
    for (let n = 1; n <= NEVER_COMPRESSED; n++) {
      for (let byte = 0; byte < 256; byte++) expect(neverWins(new Uint8Array(n).fill(byte))).toBe(true)
      for (let bits = 0; bits < 2 ** n; bits++) {
        const text = Array.from({ length: n }, (_, i) => ((bits >> i) & 1 ? 'b' : 'a')).join('')
        expect(neverWins(Buffer.from(text))).toBe(true)
      }
    }
  })

  it('holds for random and JSON-like inputs up to the bound', () => {
    let seed = 42
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 1
      return seed % 256
    }
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + (i % NEVER_COMPRESSED)
      const alphabet = 1 + (i % 7) // small alphabets repeat, and repeats are what deflate shortens
      expect(neverWins(Uint8Array.from({ length: n }, () => random() % alphabet))).toBe(true)
    }
    for (const json of ['{"a":1}', '{"count":2}', '{"a":"aaa"}', '{"":"    "}', '[0,0,0,0,0]', '"aaaaaaaaa"'])
      expect(neverWins(Buffer.from(json))).toBe(true)
  })

  it('is not far below where compression starts to win', () => {
    expect(deflateSync(Buffer.from('a'.repeat(13))).length).toBeLessThan(13 - 1)
    // Just above the bound, deflate is still tried: 13 bytes of a text serializer's output that it shortens.
    const raw = new URLSafeTimedSerializer('secret', { serializer: { dumps: String, loads: String } })
    expect(raw.dumpPayload('a'.repeat(13))).toBe(`.${base64UrlEncode(deflateSync('a'.repeat(13)))}`)
  })

  it('leaves the payload as the deflate-always rule makes it', () => {
    const rule = (json: string) => {
      const bytes = Buffer.from(json)
      const zipped = deflateSync(bytes)
      return zipped.length < bytes.length - 1 ? `.${base64UrlEncode(zipped)}` : base64UrlEncode(bytes)
    }
    for (const value of [
      {},
      { count: 2 },
      { count: 12 },
      'a',
      'aaaaaaaa',
      'aaaaaaaaa',
      'aaaaaaaaaa',
      [0, 0, 0, 0, 0],
    ])
      expect(serializer.dumpPayload(value)).toBe(rule(JSON.stringify(value)))
  })
})

describe('dumps and loads', () => {
  it('round-trip a value', () => {
    const value = { user: 'Zoë', n: [1, 2.5, null, true] }
    expect(serializer.loads(serializer.dumps(value), 60)).toEqual(value)
  })

  it('namespace signatures by salt', () => {
    const other = new URLSafeTimedSerializer('secret', { salt: 'other', signerOptions: { now } })
    expect(() => other.loads(serializer.dumps(1))).toThrow(BadTimeSignature)
  })

  it('report when the value was signed', () => {
    expect(serializer.loadsWithTimestamp(serializer.dumps(1)).timestamp).toEqual(new Date(T * 1000))
  })

  it('pass SignatureExpired through', () => {
    const later = new URLSafeTimedSerializer('secret', { signerOptions: { now: () => (T + 61) * 1000 } })
    expect(() => later.loads(serializer.dumps(1), 60)).toThrow(SignatureExpired)
  })
})

describe('a payload signed by the key but unreadable', () => {
  const signer = new TimestampSigner('secret', { salt: 'itsdangerous', now })
  const rows: Array<[name: string, payload: string, message: RegExp]> = [
    ['not base64', '!!!', /base64/],
    ['not zlib after the "."', `.${base64UrlEncode('not zlib')}`, /zlib/],
    ['a truncated zlib stream', `.${base64UrlEncode(deflateSync('{"a":1}').subarray(0, 6))}`, /zlib/],
    ['not JSON', base64UrlEncode('{nope'), /unserializing/],
    ['not UTF-8', base64UrlEncode(new Uint8Array([0x22, 0xff, 0x22])), /unserializing/],
  ]
  for (const [name, payload, message] of rows) {
    it(`${name} throws BadPayload carrying the decoder's error`, () => {
      try {
        serializer.loads(signer.sign(payload))
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(BadPayload)
        expect((error as BadPayload).message).toMatch(message)
        expect((error as BadPayload).originalError).toBeInstanceOf(Error)
      }
    })
  }
})

function findString(accept: (json: number, zipped: number) => boolean): string {
  for (let n = 1; n < 400; n++) {
    const text = 'ab'.repeat(n)
    const json = Buffer.byteLength(JSON.stringify(text))
    if (accept(json, deflateSync(JSON.stringify(text)).length)) return text
  }
  for (let n = 1; n < 400; n++) {
    const text = `${'x'.repeat(n)}yz`
    const json = Buffer.byteLength(JSON.stringify(text))
    if (accept(json, deflateSync(JSON.stringify(text)).length)) return text
  }
  throw new Error('no such string')
}
