/**
 * Which `SECRET_KEY_FALLBACKS` entry still verifies cookies, so that an operator knows when a rotation
 * is done. Both session interfaces (the cookie one and the server-side one with `SESSION_USE_SIGNER`)
 * find the key that signed each cookie verified by an old key, re-issue the cookie under `SECRET_KEY`
 * in the same response, and count it here per key: verified cookies and when the last one was seen.
 * A key whose count stops growing has no users left and can be removed from the config.
 */
import { createHash } from 'node:crypto'
import type { SessionApp } from '../interface.js'
import { wantBytes } from '../signing/encoding.js'
import { type SecretKey, Signer, type SignerOptions } from '../signing/signer.js'

/** One fallback key's use, as `fallbackKeyUsage(app)` reports it. */
export interface FallbackKeyUse {
  /** Its position in `SECRET_KEY_FALLBACKS`. */
  index: number
  /** The first 12 hex digits of the key's SHA-256: names the key in logs without revealing it. */
  fingerprint: string
  /** Cookies it verified since the process started. */
  verified: number
  /** When it last verified one; null when never. */
  lastSeen: Date | null
}

/** The fingerprint of a secret key: the first 12 hex digits of its SHA-256. */
export function keyFingerprint(key: SecretKey): string {
  return createHash('sha256').update(wantBytes(key)).digest('hex').slice(0, 12)
}

/**
 * The counters of one session interface, and the search for the key that signed a value.
 *
 * @example
 * const usage = new FallbackKeyUsage('session cookie')
 * const index = usage.signedBy(app, value, signature, { salt: 'cookie-session' }) // -1 = SECRET_KEY
 */
export class FallbackKeyUsage {
  readonly #counts = new Map<string, { verified: number; lastSeen: number }>()
  readonly #signers = new Map<SecretKey, Signer>()
  #signerOptions = ''

  /** `what` names the thing verified in the log line, e.g. `'session cookie'`. */
  constructor(
    readonly what: string,
    readonly now: () => number = Date.now,
  ) {}

  /**
   * Which key signed `value`: -1 for `SECRET_KEY`, the index in `SECRET_KEY_FALLBACKS` for an old key
   * (counted, and the first of each logged at debug level), or null when none did.
   */
  signedBy(app: SessionApp, value: string, signature: string, options: SignerOptions): number | null {
    const current = app.config.SECRET_KEY
    if (current && this.#signer(current, options).verifySignature(value, signature)) return -1
    const fallbacks = app.config.SECRET_KEY_FALLBACKS ?? []
    // Newest first, as the Signer tries them.
    for (let index = fallbacks.length - 1; index >= 0; index--) {
      const key = fallbacks[index]!
      if (!this.#signer(key, options).verifySignature(value, signature)) continue
      this.#count(app, index, key)
      return index
    }
    return null
  }

  /** Every current fallback key's use, in `SECRET_KEY_FALLBACKS` order (unused keys show 0). */
  report(app: SessionApp): FallbackKeyUse[] {
    return (app.config.SECRET_KEY_FALLBACKS ?? []).map((key, index) => {
      const fingerprint = keyFingerprint(key)
      const count = this.#counts.get(fingerprint)
      return {
        index,
        fingerprint,
        verified: count?.verified ?? 0,
        lastSeen: count ? new Date(count.lastSeen) : null,
      }
    })
  }

  #count(app: SessionApp, index: number, key: SecretKey): void {
    const fingerprint = keyFingerprint(key)
    const count = this.#counts.get(fingerprint)
    if (count) {
      count.verified++
      count.lastSeen = this.now()
      return
    }
    this.#counts.set(fingerprint, { verified: 1, lastSeen: this.now() })
    const logger = app.logger as { debug?: (message: string) => void; info?: (message: string) => void }
    ;(logger.debug ?? logger.info)?.call(
      app.logger,
      `A ${this.what} was verified with SECRET_KEY_FALLBACKS[${index}] (fingerprint ${fingerprint}) and is ` +
        're-issued under SECRET_KEY. fallbackKeyUsage(app) counts these per key; remove a key once its ' +
        'count stops growing.',
    )
  }

  #signer(key: SecretKey, options: SignerOptions): Signer {
    const described = JSON.stringify(options)
    if (described !== this.#signerOptions) {
      this.#signers.clear()
      this.#signerOptions = described
    }
    let signer = this.#signers.get(key)
    if (!signer) {
      signer = new Signer(key, options)
      // Keys are few, but a config that builds new Uint8Arrays each time must not grow this forever.
      if (this.#signers.size > 32) this.#signers.clear()
      this.#signers.set(key, signer)
    }
    return signer
  }
}
