/**
 * itsdangerous's `URLSafeTimedSerializer` rebuilt: a value is serialized to text, compressed with zlib
 * when that is shorter (marked by a leading `.`), base64url-encoded and timed-signed. The output is safe
 * in URLs and cookies, and byte-identical to itsdangerous's for the same text and time.
 */
import { deflateSync, inflateSync } from 'node:zlib'
import { base64UrlDecodeBuffer } from './encoding.js'
import { BadPayload } from './errors.js'
import { compactJsonSerializer, type TextSerializer } from './json.js'
import type { SecretKey } from './signer.js'
import { type Timestamped, TimestampSigner, type TimestampSignerOptions } from './timed.js'

/** How a {@link URLSafeTimedSerializer} serializes and signs. */
export interface URLSafeTimedSerializerOptions {
  /** Namespaces the signatures; default `'itsdangerous'`. */
  salt?: string | Uint8Array
  /** Values to text and back; default compact JSON, as itsdangerous's. */
  serializer?: TextSerializer
  /** The signer's options (key derivation, digest, separator, clock), as itsdangerous's `signer_kwargs`. */
  signerOptions?: Omit<TimestampSignerOptions, 'salt'>
}

/**
 * Serializes values to signed, timestamped, URL-safe strings and back.
 *
 * @example
 * const s = new URLSafeTimedSerializer(['old-key', 'new-key'], { salt: 'cookie-session' })
 * const token = s.dumps({ user: 'ann' })
 * s.loads(token, 3600) // { user: 'ann' }, if signed within the hour by either key
 */
export class URLSafeTimedSerializer {
  readonly secretKeys: readonly SecretKey[]
  readonly salt: string | Uint8Array
  readonly serializer: TextSerializer
  readonly signerOptions: Omit<TimestampSignerOptions, 'salt'>

  constructor(secretKey: SecretKey | Iterable<SecretKey>, options: URLSafeTimedSerializerOptions = {}) {
    this.secretKeys =
      typeof secretKey === 'string' || secretKey instanceof Uint8Array ? [secretKey] : [...secretKey]
    this.salt = options.salt ?? 'itsdangerous'
    this.serializer = options.serializer ?? compactJsonSerializer
    this.signerOptions = options.signerOptions ?? {}
  }

  /** The signer for this serializer's keys and salt, made once (its derived keys are kept). */
  makeSigner(): TimestampSigner {
    this.#signer ??= new TimestampSigner(this.secretKeys, { ...this.signerOptions, salt: this.salt })
    return this.#signer
  }

  #signer: TimestampSigner | undefined

  /**
   * The value as text, compressed when that saves more than one byte, base64url-encoded.
   *
   * @throws TypeError when the serializer cannot write the value.
   */
  dumpPayload(value: unknown): string {
    const json = Buffer.from(this.serializer.dumps(value), 'utf8')
    // Compression pays only when it saves two bytes, and no zlib stream is short enough for a
    // payload of NEVER_COMPRESSED bytes or fewer (see below): skip deflate, the costliest step.
    if (json.length <= NEVER_COMPRESSED) return json.toString('base64url')
    const compressed = deflateSync(json)
    // itsdangerous's rule, to the byte: compress only when it saves at least two bytes,
    // since the '.' marker costs one.
    if (compressed.length < json.length - 1) return `.${compressed.toString('base64url')}`
    return json.toString('base64url')
  }

  /**
   * The value of a payload made by {@link URLSafeTimedSerializer.dumpPayload}.
   *
   * @throws BadPayload when the payload cannot be base64-decoded, decompressed, or read by the serializer.
   */
  loadPayload(payload: string): unknown {
    const compressed = payload.startsWith('.')
    let bytes: Uint8Array
    try {
      bytes = base64UrlDecodeBuffer(compressed ? payload.slice(1) : payload)
    } catch (error) {
      throw new BadPayload('Could not base64 decode the payload because of an exception', error)
    }
    if (compressed) {
      try {
        bytes = inflateSync(bytes)
      } catch (error) {
        throw new BadPayload('Could not zlib decompress the payload before decoding the payload', error)
      }
    }
    try {
      return this.serializer.loads(utf8.decode(bytes))
    } catch (error) {
      throw new BadPayload(
        'Could not load the payload because an exception occurred on unserializing the data.',
        error,
      )
    }
  }

  /**
   * The value, serialized and signed with the newest key and the current time.
   *
   * @throws TypeError when the serializer cannot write the value.
   */
  dumps(value: unknown): string {
    return this.makeSigner().sign(this.dumpPayload(value))
  }

  /**
   * The value of a signed string, once its signature is verified and, given `maxAge` (seconds), its age
   * is between 0 and `maxAge`.
   *
   * @throws SignatureExpired when it is older than `maxAge` or dated in the future.
   * @throws BadSignature (or BadTimeSignature) when it is not signed by any of the keys.
   * @throws BadPayload when the signature is valid but the payload cannot be decoded.
   */
  loads(signed: string, maxAge?: number): unknown {
    return this.loadsWithTimestamp(signed, maxAge).value
  }

  /**
   * {@link URLSafeTimedSerializer.loads}, also returning when the value was signed.
   *
   * @throws SignatureExpired, BadSignature or BadPayload, as {@link URLSafeTimedSerializer.loads}.
   */
  loadsWithTimestamp(signed: string, maxAge?: number): Timestamped<unknown> {
    const { value, timestamp } = this.makeSigner().unsignWithTimestamp(signed, maxAge)
    return { value: this.loadPayload(value), timestamp }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The longest payload zlib can never shorten by two bytes, proved from the format (RFC 1950/1951):
 * a zlib stream is a 2-byte header, the deflate blocks and a 4-byte Adler-32. For n ≥ 2 input bytes the
 * blocks take at least 4 bytes: a stored block alone is 5 bytes plus the data; a dynamic block's header
 * alone is over 29 bits; a fixed block needs its 3-bit header, a first literal (≥ 8 bits), a second symbol
 * (a literal, ≥ 8 bits, or a match, ≥ 7 + 5 bits) and the 7-bit end-of-block code, ≥ 26 bits. So the stream
 * is ≥ 10 bytes, and it wins only when ≤ n − 2: never for n ≤ 11. (12 bytes could, in the format: a
 * literal and a match of 11 at distance 1 fit in 31 bits.) The tests check it against deflateSync.
 */
export const NEVER_COMPRESSED = 11
