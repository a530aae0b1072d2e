/**
 * The errors of the signing layer, itsdangerous's `exc.py` rebuilt: each carries the data a caller
 * needs (the unverified payload, the date it claims to have been signed), so code can decide what to do
 * with it rather than parse a message.
 *
 * `BadData` ← `BadSignature` ← `BadTimeSignature` ← `SignatureExpired`, and `BadData` ← `BadPayload`.
 */

/** The base of every signing error: the data could not be trusted or read. */
export class BadData extends Error {
  override name = 'BadData'
}

/**
 * The signature does not match the value, or the value has no signature at all.
 * `payload` is the part that was signed, unverified: never trust it, but it may help debugging.
 */
export class BadSignature extends BadData {
  override name = 'BadSignature'
  /** The value without its signature, as received; `undefined` when it could not be split off. */
  readonly payload: string | undefined

  constructor(message: string, payload?: string) {
    super(message)
    this.payload = payload
  }
}

/** A timed signature is wrong, or its timestamp is missing or malformed. */
export class BadTimeSignature extends BadSignature {
  override name = 'BadTimeSignature'
  /** When the value claims it was signed; `undefined` when the timestamp could not be read. */
  readonly dateSigned: Date | undefined

  constructor(message: string, payload?: string, dateSigned?: Date) {
    super(message, payload)
    this.dateSigned = dateSigned
  }
}

/**
 * The signature is valid but older than the allowed age, or dated in the future (clock skew).
 * Only reached after the signature checked out, so `payload` is authentic.
 */
export class SignatureExpired extends BadTimeSignature {
  override name = 'SignatureExpired'
}

/**
 * The signature is valid but the payload could not be decoded (base64, zlib or the serializer failed).
 * Only someone holding the key can produce this.
 */
export class BadPayload extends BadData {
  override name = 'BadPayload'
  /** The error the decoder threw. */
  readonly originalError: unknown

  constructor(message: string, originalError?: unknown) {
    super(message, { cause: originalError })
    this.originalError = originalError
  }
}
