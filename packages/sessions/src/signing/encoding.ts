/**
 * The byte encodings itsdangerous signs with (`encoding.py`): URL-safe base64 without padding, and
 * integers (timestamps) as big-endian bytes with the leading zero bytes stripped.
 */
import { BadData } from './errors.js'

/** Bytes, or a string taken as its UTF-8 bytes (itsdangerous's `want_bytes`). */
export function wantBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : value
}

/**
 * Encodes bytes (or a string's UTF-8 bytes) as URL-safe base64 (`-` and `_`) with the `=` padding removed.
 *
 * @example
 * base64UrlEncode(new Uint8Array([0x65, 0x53, 0xf1, 0x00])) // 'ZVPxAA'
 */
export function base64UrlEncode(data: string | Uint8Array): string {
  const bytes = wantBytes(data)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/

/**
 * Decodes URL-safe base64, with or without its padding.
 *
 * @throws BadData when the text holds characters outside the URL-safe alphabet or has an impossible length.
 */
export function base64UrlDecode(text: string): Uint8Array {
  return new Uint8Array(base64UrlDecodeBuffer(text))
}

/**
 * {@link base64UrlDecode} as a `Buffer`, sparing the copy, for this package's own use.
 *
 * @throws BadData as {@link base64UrlDecode}.
 */
export function base64UrlDecodeBuffer(text: string): Buffer {
  // Signatures and payloads carry no padding: strip it only when there is some.
  const bare = text.endsWith('=') ? text.replace(/=+$/, '') : text
  // A single leftover character cannot encode a byte: Python's decoder refuses it too.
  if (!BASE64URL.test(text) || bare.length % 4 === 1) throw new BadData('Invalid base64-encoded data')
  return Buffer.from(bare, 'base64url')
}

/**
 * A non-negative integer as big-endian bytes, leading zero bytes stripped (`struct.pack('>Q', n).lstrip(b'\0')`).
 *
 * @example
 * intToBytes(1700000000) // Uint8Array [0x65, 0x53, 0xf1, 0x00]
 */
export function intToBytes(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`intToBytes() takes a non-negative safe integer, not ${value}.`)
  }
  const bytes: number[] = []
  // Exact in doubles: value is a safe integer, and so is every quotient.
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return new Uint8Array(bytes)
}

/**
 * The inverse of {@link intToBytes}: big-endian bytes (at most 8, as itsdangerous's `>Q`) as an integer.
 *
 * @throws BadData when there are more than 8 bytes.
 */
export function bytesToInt(bytes: Uint8Array): number {
  if (bytes.length > 8) throw new BadData('An integer of more than 8 bytes cannot be decoded.')
  if (bytes.length <= 6) {
    // Up to 48 bits, exact in a double: no BigInt needed (timestamps take 4 or 5 bytes).
    let n = 0
    for (const byte of bytes) n = n * 256 + byte
    return n
  }
  let n = 0n
  for (const byte of bytes) n = (n << 8n) | BigInt(byte)
  return Number(n)
}
