/**
 * The Range header (RFC 9110 §14.1–14.2): parsed into what the client asked for, then resolved
 * against the representation's length. `makeConditional` uses both to answer 206 or 416.
 * Unlike Werkzeug, a suffix range (`bytes=-3`, the last three bytes) is answered, not a 500.
 */

/** One range as the client wrote it: `first-last`, an open `first-`, or a suffix `-length`. */
export type ByteRangeSpec = { first: number; last: number | null } | { suffix: number }

/** A satisfiable range, resolved against a length: `start` is inclusive, `end` exclusive. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Parses a `Range` header. Returns null when there is none, when its unit is not `bytes`, or
 * when any range in it is malformed (RFC 9110 lets a server ignore such a header, as it does here).
 *
 * @example
 * parseRangeHeader('bytes=2-5, -3') // [{ first: 2, last: 5 }, { suffix: 3 }]
 */
export function parseRangeHeader(header: string | null): ByteRangeSpec[] | null {
  const match = header === null ? null : /^\s*bytes\s*=(.*)$/i.exec(header)
  if (!match) return null
  const specs: ByteRangeSpec[] = []
  for (const item of match[1]!.split(',')) {
    const part = item.trim()
    if (!part) continue // an empty list element is allowed and means nothing (RFC 9110 §5.6.1)
    const suffix = /^-(\d+)$/.exec(part)
    if (suffix) {
      specs.push({ suffix: Number(suffix[1]) })
      continue
    }
    const range = /^(\d+)-(\d*)$/.exec(part)
    if (!range) return null
    const first = Number(range[1])
    const last = range[2] ? Number(range[2]) : null
    if (last !== null && last < first) return null
    specs.push({ first, last })
  }
  return specs.length ? specs : null
}

/**
 * Resolves parsed ranges against a length, dropping those that lie beyond it. An empty result
 * means the request is unsatisfiable (416); a `last` past the end is cut to the end.
 *
 * @example
 * resolveRanges([{ suffix: 3 }], 16) // [{ start: 13, end: 16 }]
 */
export function resolveRanges(specs: readonly ByteRangeSpec[], length: number): ByteRange[] {
  const ranges: ByteRange[] = []
  for (const spec of specs) {
    if ('suffix' in spec) {
      if (spec.suffix > 0 && length > 0)
        ranges.push({ start: Math.max(0, length - spec.suffix), end: length })
    } else if (spec.first < length) {
      ranges.push({ start: spec.first, end: spec.last === null ? length : Math.min(spec.last + 1, length) })
    }
  }
  return ranges
}

/** The Content-Range value of a resolved range: `bytes 2-5/16`. */
export function contentRange(range: ByteRange, length: number): string {
  return `bytes ${range.start}-${range.end - 1}/${length}`
}
