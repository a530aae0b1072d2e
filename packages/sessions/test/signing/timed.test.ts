import { describe, expect, it } from 'vitest'
import {
  BadSignature,
  BadTimeSignature,
  base64UrlEncode,
  intToBytes,
  SignatureExpired,
  Signer,
  TimestampSigner,
} from '../../src/index.js'

const T = 1_700_000_000
const at = (seconds: number) => new TimestampSigner('secret', { now: () => seconds * 1000 })

describe('a TimestampSigner', () => {
  it('signs value.timestamp with the signature of both', () => {
    const signed = at(T).sign('hello')
    expect(signed).toMatch(/^hello\.ZVPxAA\.[A-Za-z0-9_-]{27}$/)
    expect(new Signer('secret').unsign(signed)).toBe('hello.ZVPxAA')
  })

  it('truncates the clock to whole seconds', () => {
    const signer = new TimestampSigner('secret', { now: () => T * 1000 + 999 })
    expect(signer.sign('v')).toBe(at(T).sign('v'))
  })

  it('returns the value and when it was signed', () => {
    expect(at(T + 5).unsignWithTimestamp(at(T).sign('v'))).toEqual({
      value: 'v',
      timestamp: new Date(T * 1000),
    })
  })
})

describe('the age check', () => {
  const signed = at(T).sign('v')
  const rows: Array<[name: string, now: number, maxAge: number | undefined, ok: boolean]> = [
    ['no maxAge accepts any age', T + 10 ** 6, undefined, true],
    ['an age of exactly maxAge is accepted', T + 60, 60, true],
    ['an age of maxAge + 1 has expired', T + 61, 60, false],
    ['an age of 0 is accepted', T, 60, true],
    ['a timestamp one second in the future has expired', T - 1, 60, false],
  ]
  for (const [name, now, maxAge, ok] of rows) {
    it(name, () => {
      if (ok) expect(at(now).unsign(signed, maxAge)).toBe('v')
      else expect(() => at(now).unsign(signed, maxAge)).toThrow(SignatureExpired)
    })
  }

  it('SignatureExpired carries the payload and the date signed', () => {
    try {
      at(T + 100).unsign(signed, 10)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureExpired)
      expect((error as SignatureExpired).payload).toBe('v')
      expect((error as SignatureExpired).dateSigned).toEqual(new Date(T * 1000))
      expect((error as SignatureExpired).message).toBe('Signature age 100 > 10 seconds')
    }
  })
})

describe('a bad timed signature', () => {
  const plain = new Signer('secret')
  const rows: Array<[name: string, signed: string, error: typeof BadSignature, dateSigned?: Date]> = [
    [
      'a wrong signature reports the date it claims',
      `v.ZVPxAA.${'A'.repeat(27)}`,
      BadTimeSignature,
      new Date(T * 1000),
    ],
    ['a signed value without a timestamp', plain.sign('v'), BadTimeSignature],
    ['a malformed timestamp', plain.sign('v.!!'), BadTimeSignature],
    [
      'a timestamp of more than 8 bytes',
      plain.sign(`v.${base64UrlEncode(new Uint8Array(9).fill(1))}`),
      BadTimeSignature,
    ],
    ['no separator at all', 'garbage', BadSignature],
  ]
  for (const [name, signed, errorClass, dateSigned] of rows) {
    it(name, () => {
      try {
        at(T).unsign(signed, 60)
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(errorClass)
        expect(error).not.toBeInstanceOf(SignatureExpired)
        if (dateSigned) expect((error as BadTimeSignature).dateSigned).toEqual(dateSigned)
      }
    })
  }

  it('a timestamp beyond what a Date holds is malformed', () => {
    const huge = plain.sign(`v.${base64UrlEncode(intToBytes(Number.MAX_SAFE_INTEGER))}`)
    expect(() => at(T).unsign(huge)).toThrow(BadTimeSignature)
  })

  it('validate() says false instead of throwing', () => {
    expect(at(T).validate('garbage')).toBe(false)
    expect(at(T).validate(at(T).sign('v'), 60)).toBe(true)
  })
})

describe('a timed string verified before', () => {
  it('still expires: its age is checked on every unsign', () => {
    let now = 1_700_000_000_000
    const signer = new TimestampSigner('secret', { now: () => now })
    const signed = signer.sign('cookie')
    expect(signer.unsign(signed, 60)).toBe('cookie')
    now += 61_000
    expect(() => signer.unsign(signed, 60)).toThrow(SignatureExpired)
  })
})
