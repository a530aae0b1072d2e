/**
 * Entity tags (RFC 9110 §8.8.3): the file ETag `sendFile` makes, and the parsing and comparison
 * that `makeConditional` needs for If-Match, If-None-Match and If-Range.
 */

/** An entity tag without its quotes, and whether it was weak (`W/"…"`). */
export interface EntityTag {
  tag: string
  weak: boolean
}

/**
 * The ETag of a file in Werkzeug's style, `"<mtime>-<size>-<adler32 of the path>"`, with mtime
 * in seconds as Python's `st_mtime` prints it. It changes whenever the file is touched or resized.
 */
export function fileEtag(path: string, mtimeNs: bigint, size: number | bigint): string {
  // Python's st_mtime is sec + nsec * 1e-9 as a double; String() prints it as repr() does.
  const mtime = Number(mtimeNs / 1_000_000_000n) + Number(mtimeNs % 1_000_000_000n) * 1e-9
  return `"${mtime}-${size}-${adler32(new TextEncoder().encode(path))}"`
}

/**
 * Quotes a tag for the ETag header. A value already in the quoted form (`"abc"`, `W/"abc"`) is
 * kept as it is.
 *
 * @throws TypeError when the tag holds a double quote, which an entity tag cannot carry.
 */
export function quoteEtag(tag: string, weak = false): string {
  if (/^(W\/)?"[^"]*"$/.test(tag)) return tag
  if (tag.includes('"')) {
    throw new TypeError(
      `The ETag ${JSON.stringify(tag)} holds a double quote, which an entity tag cannot carry.`,
    )
  }
  return `${weak ? 'W/' : ''}"${tag}"`
}

/** Reads one entity tag (an ETag header's value); an unquoted value is read leniently as a strong tag. */
export function parseEtag(value: string): EntityTag {
  const match = /^\s*(W\/)?"([^"]*)"\s*$/.exec(value)
  return match ? { tag: match[2]!, weak: match[1] !== undefined } : { tag: value.trim(), weak: false }
}

/**
 * Reads an If-Match or If-None-Match value: `'*'`, or the list of tags (empty when there are none).
 * Unquoted items are accepted as strong tags, as Werkzeug does; parsing stops at anything else.
 */
export function parseEtagList(header: string): '*' | EntityTag[] {
  if (header.trim() === '*') return '*'
  const tags: EntityTag[] = []
  const item = /\s*(W\/)?(?:"([^"]*)"|([^",\s]+))\s*(?:,|$)/y
  while (item.lastIndex < header.length) {
    const match = item.exec(header)
    if (!match) break
    tags.push({ tag: match[2] ?? match[3]!, weak: match[1] !== undefined })
  }
  return tags
}

/** Strong comparison (If-Match, If-Range): both tags strong and identical. */
export function strongMatch(a: EntityTag, b: EntityTag): boolean {
  return !a.weak && !b.weak && a.tag === b.tag
}

/** Weak comparison (If-None-Match): identical tags, weak or not. */
export function weakMatch(a: EntityTag, b: EntityTag): boolean {
  return a.tag === b.tag
}

function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  for (const byte of bytes) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}
