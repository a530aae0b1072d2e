/**
 * A UUID value (Python's `uuid.UUID`), so that a UUID stored in a session comes back as one: Flask's
 * tagged JSON stores it as 32 hex digits under its own tag (`{" u": "..."}`).
 */
import { randomUUID } from 'node:crypto'

/**
 * A UUID, held as 32 lowercase hex digits.
 *
 * @example
 * const id = new UUID('12345678-1234-5678-1234-567812345678')
 * id.hex // '12345678123456781234567812345678'
 * String(id) // '12345678-1234-5678-1234-567812345678'
 */
export class UUID {
  /** The 32 lowercase hex digits, without dashes. */
  readonly hex: string

  /**
   * Reads the forms Python accepts: dashed or not, in braces, with a `urn:uuid:` prefix, any case.
   *
   * @throws TypeError when the text is not 32 hex digits once those are removed.
   */
  constructor(text: string) {
    const hex = text
      .replaceAll('urn:', '')
      .replaceAll('uuid:', '')
      .replace(/^[{}]+|[{}]+$/g, '')
      .replaceAll('-', '')
    if (!/^[0-9a-f]{32}$/i.test(hex)) {
      throw new TypeError(`${JSON.stringify(text)} is not a UUID: expected 32 hex digits, dashes optional.`)
    }
    this.hex = hex.toLowerCase()
  }

  /** A random (version 4) UUID. */
  static random(): UUID {
    return new UUID(randomUUID())
  }

  /** Whether another UUID has the same value. */
  equals(other: unknown): boolean {
    return other instanceof UUID && other.hex === this.hex
  }

  /** The dashed form, `8-4-4-4-12` hex digits. */
  toString(): string {
    const h = this.hex
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }

  /** The dashed form, as Flask's JSON provider writes a UUID (outside the tagged session JSON). */
  toJSON(): string {
    return this.toString()
  }
}
