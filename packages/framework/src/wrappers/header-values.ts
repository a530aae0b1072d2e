/**
 * The small grammar shared by request headers: comma lists (`Accept`), `value; key=value`
 * options (`Content-Type`) and `key=value` dicts (`Authorization: Digest …`). Ported from
 * Werkzeug's `http.py` (parse_list_header, parse_options_header, parse_dict_header). Client
 * input: nothing here throws; a part that does not parse is skipped, as Werkzeug does.
 */

import { percentDecodeBytes } from './percent.js'

const TOKEN = /^[\w!#$%&'*+\-.^`|~]+$/

/** `text/html; charset=utf-8` → `['text/html', { charset: 'utf-8' }]`; option names lower-cased. */
export function parseOptionsHeader(header: string | null): [value: string, options: Record<string, string>] {
  if (header === null) return ['', {}]
  const [first = '', ...rest] = splitOutsideQuotes(header, ';').parts
  const value = first.trim()
  const options: Record<string, string> = {}
  if (!value) return [value, options]
  for (const part of rest) {
    const eq = part.indexOf('=')
    if (eq === -1) continue // a bare key is invalid since Werkzeug 2.3
    let key = part.slice(0, eq).trim().toLowerCase()
    let raw = part.slice(eq + 1).trim()
    if (!TOKEN.test(key) || !raw) continue
    if (key.endsWith('*')) {
      // RFC 2231: key*=utf-8''percent%20encoded
      key = key.slice(0, -1)
      raw = decodeExtendedValue(raw) ?? raw
    } else if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"')) continue
    } else if (!TOKEN.test(raw)) {
      continue
    }
    options[key] = unquoteHeaderValue(raw)
  }
  return [value, options]
}

/** The reverse of {@link parseOptionsHeader}: values that are not tokens are quoted. */
export function dumpOptionsHeader(value: string, options: Record<string, string>): string {
  const parts = [value]
  for (const [key, option] of Object.entries(options)) parts.push(`${key}=${quoteHeaderValue(option)}`)
  return parts.join('; ')
}

/** `a, "b, c", d` → `['a', 'b, c', 'd']`; empty items dropped; an unclosed quote gives `[]`. */
export function parseListHeader(header: string): string[] {
  const { parts, unclosed } = splitOutsideQuotes(header, ',')
  // An unclosed quote makes the split meaningless; Werkzeug 3.2 gives up on the whole value.
  if (unclosed) return []
  return parts
    .map((item) => item.trim())
    .filter(Boolean)
    .map(unquoteHeaderValue)
}

/** `a=b, c="d, e", f` → `{ a: 'b', c: 'd, e', f: null }` (Werkzeug's parse_dict_header). */
export function parseDictHeader(header: string): Record<string, string | null> {
  const result: Record<string, string | null> = {}
  for (const item of parseListHeader(header)) {
    const eq = item.indexOf('=')
    const key = (eq === -1 ? item : item.slice(0, eq)).trim()
    if (!key) continue
    result[key] = eq === -1 ? null : unquoteHeaderValue(item.slice(eq + 1).trim())
  }
  return result
}

/** Removes the quotes around a quoted-string and its backslash escapes; other values pass through. */
export function unquoteHeaderValue(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  return value
}

function quoteHeaderValue(value: string): string {
  return TOKEN.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`
}

/** Splits on `separator` where it is not inside a quoted-string. */
function splitOutsideQuotes(text: string, separator: string): { parts: string[]; unclosed: boolean } {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (quoted && char === '\\') {
      current += char + (text[i + 1] ?? '')
      i++
      continue
    }
    if (char === '"') quoted = !quoted
    if (char === separator && !quoted) {
      parts.push(current)
      current = ''
    } else {
      current += char
    }
  }
  parts.push(current)
  return { parts, unclosed: quoted }
}

/** RFC 2231 `charset'lang'value`; only the charsets Werkzeug accepts, else `null` (kept as sent). */
function decodeExtendedValue(raw: string): string | null {
  const match = /^([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'(.+)$/.exec(raw)
  if (!match) return null
  const charset = (match[1] ?? '').toLowerCase()
  const bytes = percentDecodeBytes(match[2] ?? '')
  if (charset === 'utf-8') return new TextDecoder('utf-8').decode(bytes)
  if (charset === 'ascii' || charset === 'us-ascii' || charset === 'iso-8859-1') {
    return String.fromCharCode(...bytes)
  }
  return null
}
