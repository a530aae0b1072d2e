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
