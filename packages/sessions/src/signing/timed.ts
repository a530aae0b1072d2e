/**
 * Timed signatures, itsdangerous's `TimestampSigner` rebuilt: `value + sep + timestamp + sep + signature`,
 * where the timestamp (whole seconds) is signed too, so a reader can refuse signatures that are too old.
 */
import { base64UrlDecodeBuffer, base64UrlEncode, bytesToInt, intToBytes } from './encoding.js'
import { BadSignature, BadTimeSignature, SignatureExpired } from './errors.js'
import { type SecretKey, Signer, type SignerOptions } from './signer.js'

/** The options of a {@link TimestampSigner}: a {@link Signer}'s, and the clock. */
export interface TimestampSignerOptions extends SignerOptions {
  /** The current time in milliseconds since the epoch; default `Date.now`. Tests pass a fixed clock. */
  now?: () => number
}

/** A value whose timed signature was verified, and when it was signed. */
export interface Timestamped<T> {
  value: T
  timestamp: Date
}

/**
 * Signs strings with the time of signing, byte-compatible with itsdangerous's `TimestampSigner`.
 *
 * @example
 * const signer = new TimestampSigner('secret')
 * const signed = signer.sign('hello')
 * signer.unsign(signed, 60) // 'hello', or SignatureExpired after a minute
 */
export class TimestampSigner extends Signer {
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number

  constructor(secretKey: SecretKey | Iterable<SecretKey>, options: TimestampSignerOptions = {}) {
    super(secretKey, options)
    this.now = options.now ?? Date.now
  }

  /** The current time in whole seconds, as signatures record it. */
  getTimestamp(): number {
    return Math.floor(this.now() / 1000)
  }

  /**
   * A signature's timestamp (seconds) as a `Date`.
   *
   * @throws RangeError when the timestamp is beyond what a `Date` can hold.
   */
  timestampToDate(timestamp: number): Date {
    const date = new Date(timestamp * 1000)
    if (Number.isNaN(date.getTime())) throw new RangeError(`Timestamp ${timestamp} is out of range.`)
    return date
  }

  /** The value with the current timestamp and a signature of both appended. */
  override sign(value: string): string {
    const signed = `${value}${this.sep}${this.#encodedTimestamp(this.getTimestamp())}`
    return `${signed}${this.sep}${this.getSignature(signed)}`
  }

  // The timestamp changes once a second: encode it once a second.
  #encodedTimestamp(timestamp: number): string {
    if (timestamp !== this.#lastTimestamp) {
      this.#lastEncoded = base64UrlEncode(intToBytes(timestamp))
      this.#lastTimestamp = timestamp
    }
    return this.#lastEncoded
  }

  #lastTimestamp = Number.NaN
  #lastEncoded = ''

  /**
   * The value of a timed-signed string, once its signature is verified and, given `maxAge` (seconds),
   * its age is between 0 and `maxAge`.
   *
   * @throws SignatureExpired when the signature is older than `maxAge` or dated in the future.
   * @throws BadTimeSignature when the signature does not match or the timestamp is missing or malformed.
   * @throws BadSignature when the value has no separator at all.
   */
  override unsign(signedValue: string, maxAge?: number): string {
    return this.unsignWithTimestamp(signedValue, maxAge).value
  }

  /**
   * {@link TimestampSigner.unsign}, also returning when the value was signed.
   *
   * @throws SignatureExpired, BadTimeSignature or BadSignature, as {@link TimestampSigner.unsign}.
   */
  unsignWithTimestamp(signedValue: string, maxAge?: number): Timestamped<string> {
    let result: string
    let signatureError: BadSignature | undefined
    try {
      result = super.unsign(signedValue)
    } catch (error) {
      if (!(error instanceof BadSignature)) throw error
      // Keep going with the unverified payload, to report the timestamp it claims (itsdangerous does).
      signatureError = error
      result = error.payload ?? ''
    }

    const at = result.lastIndexOf(this.sep)
    if (at < 0) {
      if (signatureError) throw signatureError
      throw new BadTimeSignature('timestamp missing', result)
    }
    const value = result.slice(0, at)
    const timestamp = readTimestamp(result.slice(at + this.sep.length))

    if (signatureError) {
      let dateSigned: Date | undefined
      if (timestamp !== undefined) dateSigned = this.#dateOf(timestamp, value)
      throw new BadTimeSignature(signatureError.message, value, dateSigned)
    }
    if (timestamp === undefined) throw new BadTimeSignature('Malformed timestamp', value)
    const dateSigned = this.#dateOf(timestamp, value)

    if (maxAge !== undefined) {
      const age = this.getTimestamp() - timestamp
      if (age > maxAge) {
        throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`, value, dateSigned)
      }
      // A signature from the future means a clock is wrong, or someone is guessing: refuse it too.
      if (age < 0) throw new SignatureExpired(`Signature age ${age} < 0 seconds`, value, dateSigned)
    }
    return { value, timestamp: dateSigned }
  }

  /** Whether a timed-signed string is intact and, given `maxAge`, not too old. */
  override validate(signedValue: string, maxAge?: number): boolean {
    try {
      this.unsign(signedValue, maxAge)
      return true
    } catch (error) {
      if (error instanceof BadSignature) return false
      throw error
    }
  }

  #dateOf(timestamp: number, value: string): Date {
    try {
      return this.timestampToDate(timestamp)
    } catch {
      throw new BadTimeSignature('Malformed timestamp', value)
    }
  }
}

function readTimestamp(encoded: string): number | undefined {
  try {
    return bytesToInt(base64UrlDecodeBuffer(encoded))
  } catch {
    return undefined
  }
}
