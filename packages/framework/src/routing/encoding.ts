/**
 * Percent-encoding for the URLs the router builds, with Werkzeug's safe sets, so a URL built here is
 * byte-for-byte the one Quart's `url_for` gives.
 */

// Characters encodeURIComponent escapes but Werkzeug leaves alone in a path segment
// (https://url.spec.whatwg.org/#url-path-segment-string: safe = "!$&'()*+,/:;=@").
const PATH_SAFE = /%(?:24|26|2B|2C|2F|3A|3B|3D|40)/g
// The same for query keys and values (Werkzeug's _urlencode: safe = "!$'()*,/:;?@", spaces as +).
const QUERY_SAFE = /%(?:24|2C|2F|3A|3B|3F|40)/g

/**
 * Percent-encodes a decoded path (or one path value) for use in a URL, keeping `/` and the characters a
 * path segment allows.
 * @example quotePath('/a b/ü') // '/a%20b/%C3%BC'
 */
export function quotePath(text: string): string {
  return encodeURIComponent(text).replace(PATH_SAFE, decodeURIComponent)
}

/**
 * Encodes values as a query string the way Werkzeug does: arrays repeat their key, spaces become `+`,
 * and `null`/`undefined` values are left out.
 * @example encodeQuery([['q', 'x y'], ['z', [1, 2]]]) // 'q=x+y&z=1&z=2'
 */
export function encodeQuery(entries: Iterable<readonly [string, unknown]>): string {
  const pairs: string[] = []
  for (const [key, value] of entries) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue
      pairs.push(`${quoteQuery(key)}=${quoteQuery(String(item))}`)
    }
  }
  return pairs.join('&')
}

function quoteQuery(text: string): string {
  return encodeURIComponent(text).replace(QUERY_SAFE, decodeURIComponent).replace(/%20/g, '+')
}
