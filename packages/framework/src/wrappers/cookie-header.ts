/**
 * The `Cookie` request header as a read-only map, parsed with the `cookie` package (the first
 * of repeated names wins, as in Werkzeug). Values are also read the way Werkzeug writes them, so
 * cookies set by Flask or Quart for the same domain come through: a `"quoted"` value loses its
 * quotes and its backslash escapes (`\054` is a comma). A malformed header never throws.
 */
import { parse } from 'cookie'

/** Parses a `Cookie` header into a name → value map; an absent or garbled header gives an empty or partial map. */
export function parseCookies(header: string | null): ReadonlyMap<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const [name, value] of Object.entries(parse(header, { decode: decodeCookieValue }))) {
    // A pair with no name ('=x') is no cookie; Werkzeug skips it too.
    if (name && value !== undefined) cookies.set(name, value)
  }
  return cookies
}

function decodeCookieValue(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) return unslash(raw.slice(1, -1))
  // `cookie`'s own default: percent-decode what `cookie.serialize` encoded, keep the rest as sent.
  if (!raw.includes('%')) return raw
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** Werkzeug's `_cookie_unslash`: `\NNN` octal escapes and `\x` escapes inside a quoted value. */
function unslash(value: string): string {
  return value.replace(/\\([0-3][0-7]{2}|.)/g, (_, escaped: string) =>
    escaped.length === 3 ? String.fromCharCode(Number.parseInt(escaped, 8)) : escaped,
  )
}
