/**
 * Percent-decoding that never throws. `decodeURIComponent` raises a URIError on `%zz` or on bytes
 * that are not UTF-8, and a client can send either in a path or a query string; a crash there
 * would be a 500 for bad input. These follow Python's `unquote` instead: a broken escape stays as
 * it was sent, and bytes that are not UTF-8 are either replaced (U+FFFD) or kept percent-encoded.
 */

/** What to do with decoded bytes that are not UTF-8. */
export type InvalidBytes = 'replace' | 'keep'

const replacing = new TextDecoder('utf-8', { ignoreBOM: true })
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Decodes every `%XX` escape as UTF-8 bytes. `invalid: 'replace'` is Python's `unquote` (used by
 * ASGI servers for the path); `'keep'` leaves non-UTF-8 bytes as their escapes (Werkzeug 2.3+
 * for query arguments).
 */
export function percentDecode(text: string, invalid: InvalidBytes = 'replace'): string {
  if (!text.includes('%')) return text
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => decodeRun(run, invalid))
}

/** The bytes `text` stands for: escapes as bytes, other characters as their UTF-8 bytes. */
export function percentDecodeBytes(text: string): Uint8Array {
  const encoder = new TextEncoder()
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3)
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...encoder.encode(text[i]))
    }
  }
  return Uint8Array.from(bytes)
}

/**
 * `application/x-www-form-urlencoded` pairs, as Python's `parse_qsl(keep_blank_values=True)`:
 * split on `&`, `+` is a space, a key without `=` has the value `''`, empty pieces are skipped.
 */
export function parseQuery(query: string, invalid: InvalidBytes = 'replace'): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const piece of query.split('&')) {
    if (!piece) continue
    const eq = piece.indexOf('=')
    const key = eq === -1 ? piece : piece.slice(0, eq)
    const value = eq === -1 ? '' : piece.slice(eq + 1)
    pairs.push([
      percentDecode(key.replaceAll('+', ' '), invalid),
      percentDecode(value.replaceAll('+', ' '), invalid),
    ])
  }
  return pairs
}

/**
 * Percent-encodes what is not allowed in a URL part, leaving `%` alone because the input is
 * already encoded (Werkzeug's `get_current_url` quotes with the same safe set).
 */
export function quoteUrlPart(text: string, safe = "!$&'()*+,/:;=@%"): string {
  let out = ''
  for (const char of text) {
    if (/[A-Za-z0-9\-._~]/.test(char) || safe.includes(char)) out += char
    else
      for (const byte of new TextEncoder().encode(char))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function decodeRun(run: string, invalid: InvalidBytes): string {
  const bytes = new Uint8Array(run.length / 3)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16)
  if (invalid === 'replace') return replacing.decode(bytes)
  try {
    return strict.decode(bytes)
  } catch {
    return decodeKeepingInvalid(run, bytes)
  }
}

/** Decodes each valid UTF-8 sequence and keeps each stray byte as the escape it came from. */
function decodeKeepingInvalid(run: string, bytes: Uint8Array): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i)
    if (length === 0) {
      out += run.slice(i * 3, i * 3 + 3)
      i++
    } else {
      out += strict.decode(bytes.subarray(i, i + length))
      i += length
    }
  }
  return out
}

function validSequenceLength(bytes: Uint8Array, start: number): number {
  const lead = bytes[start] as number
  const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0
  if (length === 0 || start + length > bytes.length) return 0
  try {
    strict.decode(bytes.subarray(start, start + length))
    return length
  } catch {
    return 0
  }
}
