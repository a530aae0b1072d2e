import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BadSignature, base64UrlEncode, Signer } from '../../src/index.js'
import { VERIFIED_CACHE_SIZE } from '../../src/signing/signer.js'

describe('a Signer with itsdangerous defaults', () => {
  const signer = new Signer('secret')

  it('appends "." and the base64url HMAC-SHA1 of the value under the django-concat key', () => {
    expect(signer.sign('hello')).toMatch(/^hello\.[A-Za-z0-9_-]{27}$/)
    expect(signer.unsign(signer.sign('hello'))).toBe('hello')
  })

  it('signs values that contain the separator, splitting at the last one', () => {
    expect(signer.unsign(signer.sign('a.b.c'))).toBe('a.b.c')
  })
})

describe('key derivation', () => {
  const rows: Array<[name: string, derivation: 'hmac' | 'concat' | 'django-concat' | 'none', key: Buffer]> = [
    ['hmac is HMAC(secret, salt)', 'hmac', createHmac('sha1', 'k').update('s').digest()],
    ['none is the secret itself', 'none', Buffer.from('k')],
  ]
  for (const [name, derivation, key] of rows) {
    it(name, () => {
      const signer = new Signer('k', { salt: 's', keyDerivation: derivation })
      expect(Buffer.from(signer.deriveKey())).toEqual(key)
      const signature = base64UrlEncode(createHmac('sha1', key).update('v').digest())
      expect(signer.sign('v')).toBe(`v.${signature}`)
    })
  }

  it('refuses an unknown derivation', () => {
    expect(() => new Signer('k', { keyDerivation: 'rot13' as 'hmac' })).toThrow(TypeError)
  })
})

describe('a Signer with several keys (rotation)', () => {
  const rotating = new Signer(['old', 'new'], { salt: 's' })

  it('signs with the newest key', () => {
    expect(rotating.sign('v')).toBe(new Signer('new', { salt: 's' }).sign('v'))
  })

  it('verifies a value signed by an older key', () => {
    expect(rotating.unsign(new Signer('old', { salt: 's' }).sign('v'))).toBe('v')
  })

  it('refuses a value signed by a key it does not hold', () => {
    expect(rotating.validate(new Signer('other', { salt: 's' }).sign('v'))).toBe(false)
  })
})

describe('unsign', () => {
  const signer = new Signer('secret')

  it('throws BadSignature carrying the unverified payload when the signature differs', () => {
    const error = catchError(() => signer.unsign('hello.AAAA'))
    expect(error).toBeInstanceOf(BadSignature)
    expect((error as BadSignature).payload).toBe('hello')
  })

  it('throws BadSignature without a payload when there is no separator', () => {
    const error = catchError(() => signer.unsign('hello'))
    expect(error).toBeInstanceOf(BadSignature)
    expect((error as BadSignature).payload).toBeUndefined()
  })

  it('refuses a signature that is not base64url', () => {
    expect(signer.validate('hello.!!!')).toBe(false)
  })

  it('refuses a signature of the wrong length without throwing a RangeError', () => {
    expect(signer.validate(`${signer.sign('hello')}AA`)).toBe(false)
  })
})

describe('construction', () => {
  it('refuses a separator a signature could contain', () => {
    expect(() => new Signer('k', { sep: '-' })).toThrow(RangeError)
  })

  it('refuses an empty key list', () => {
    expect(() => new Signer([])).toThrow(TypeError)
  })

  it('takes bytes as a key', () => {
    expect(new Signer(new Uint8Array([107])).sign('v')).toBe(new Signer('k').sign('v'))
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('verifying the same string again', () => {
  /** A signer that counts the HMAC verifications it does. */
  class CountingSigner extends Signer {
    verified = 0
    override verifySignature(value: string, signature: string): boolean {
      this.verified++
      return super.verifySignature(value, signature)
    }
  }

  it('is remembered: a string that verified is not verified again', () => {
    const signer = new CountingSigner('secret')
    const signed = signer.sign('cookie')
    expect(signer.unsign(signed)).toBe('cookie')
    expect(signer.unsign(signed)).toBe('cookie')
    expect(signer.verified).toBe(1)
  })

  it('never remembers a string that failed, nor lets a tampered one through', () => {
    const signer = new CountingSigner('secret')
    const signed = signer.sign('cookie')
    signer.unsign(signed)
    const tampered = `x${signed}`
    for (let i = 0; i < 2; i++) expect(() => signer.unsign(tampered)).toThrow(BadSignature)
    expect(signer.verified).toBe(3)
  })

  it(`remembers the last ${VERIFIED_CACHE_SIZE} strings, the oldest leaving first`, () => {
    const signer = new CountingSigner('secret')
    const first = signer.sign('value 0')
    signer.unsign(first)
    for (let i = 1; i < VERIFIED_CACHE_SIZE; i++) signer.unsign(signer.sign(`value ${i}`))
    signer.unsign(first)
    expect(signer.verified).toBe(VERIFIED_CACHE_SIZE)
    signer.unsign(signer.sign('one more'))
    signer.unsign(first)
    expect(signer.verified).toBe(VERIFIED_CACHE_SIZE + 2)
  })

  it('is not shared between signers of different keys', () => {
    const signed = new Signer('secret').sign('cookie')
    new Signer('secret').unsign(signed)
    expect(() => new Signer('other').unsign(signed)).toThrow(BadSignature)
  })
})
