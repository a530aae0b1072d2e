import { describe, expect, it } from 'vitest'
import { BadData, base64UrlDecode, base64UrlEncode, bytesToInt, intToBytes } from '../../src/index.js'

describe('base64url', () => {
  const rows: Array<[name: string, bytes: number[], text: string]> = [
    ['no bytes is the empty string', [], ''],
    ['padding is stripped', [0xff], '_w'],
    ['the URL-safe alphabet replaces + and /', [0xfb, 0xff, 0xbf], '-_-_'],
    ['the timestamp 1700000000', [0x65, 0x53, 0xf1, 0x00], 'ZVPxAA'],
  ]
  for (const [name, bytes, text] of rows) {
    it(name, () => {
      expect(base64UrlEncode(new Uint8Array(bytes))).toBe(text)
      expect([...base64UrlDecode(text)]).toEqual(bytes)
    })
  }

  it('encodes a string as its UTF-8 bytes', () => {
    expect(base64UrlEncode('é')).toBe('w6k')
  })

  it('decodes with or without padding', () => {
    expect([...base64UrlDecode('_w==')]).toEqual([0xff])
  })

  const bad: Array<[name: string, text: string]> = [
    ['a character outside the alphabet', 'ab!c'],
    ['the standard alphabet', 'a+b/'],
    ['a length one more than a multiple of 4', 'abcde'],
    ['padding in the middle', 'ab=c'],
  ]
  for (const [name, text] of bad) {
    it(`refuses ${name}`, () => {
      expect(() => base64UrlDecode(text)).toThrow(BadData)
    })
  }
})

describe('integers as bytes', () => {
  const rows: Array<[name: string, n: number, bytes: number[]]> = [
    ['zero is no bytes', 0, []],
    ['leading zero bytes are stripped', 255, [0xff]],
    ['1700000000 is four bytes', 1_700_000_000, [0x65, 0x53, 0xf1, 0x00]],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER, [0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  ]
  for (const [name, n, bytes] of rows) {
    it(name, () => {
      expect([...intToBytes(n)]).toEqual(bytes)
      expect(bytesToInt(new Uint8Array(bytes))).toBe(n)
    })
  }

  it('refuses more than 8 bytes, as struct ">Q" does', () => {
    expect(() => bytesToInt(new Uint8Array(9))).toThrow(BadData)
  })

  it('refuses negative and fractional numbers', () => {
    expect(() => intToBytes(-1)).toThrow(RangeError)
    expect(() => intToBytes(1.5)).toThrow(RangeError)
  })
})
