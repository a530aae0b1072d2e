/**
 * Cutting a response body down to the ranges a client asked for: one range becomes the body of a
 * 206, several become a `multipart/byteranges` body (RFC 9110 §14.6), which Werkzeug does not offer.
 */
import { randomBytes } from 'node:crypto'
import type { ResponseBody } from '../wrappers/response.js'
import type { RangeableBody } from './file-body.js'
import { type ByteRange, contentRange } from './range.js'

/** Cuts one range out of a body; null when the body cannot be cut that way. */
export type BodySlicer = (range: ByteRange) => Uint8Array | AsyncIterable<Uint8Array>

/**
 * How to cut `body`: bytes and strings directly, a {@link RangeableBody} by its `slice`, any other
 * stream (read once, so only for a single range) by skipping to the start and stopping at the end.
 */
export function slicerFor(body: ResponseBody, ranges: number): BodySlicer | null {
  if (body === null) return null
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
    return (range) => bytes.subarray(range.start, range.end)
  }
  if (isRangeable(body)) return (range) => body.slice(range.start, range.end)
  return ranges === 1 ? (range) => take(body, range) : null
}

/** A multipart/byteranges body for `ranges`, with its exact length and Content-Type. */
export function multipartByteranges(
  ranges: readonly ByteRange[],
  completeLength: number,
  partType: string | null,
  slice: BodySlicer,
): { body: AsyncIterable<Uint8Array>; length: number; contentType: string } {
  const boundary = randomBytes(16).toString('hex')
  const encoder = new TextEncoder()
  // Go's multipart writer's framing: the first delimiter opens the body, the others follow a CRLF.
  const heads = ranges.map((range, i) =>
    encoder.encode(
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\n` +
        (partType === null ? '' : `Content-Type: ${partType}\r\n`) +
        `Content-Range: ${contentRange(range, completeLength)}\r\n\r\n`,
    ),
  )
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`)
  let length = tail.byteLength
  for (const [i, range] of ranges.entries()) length += heads[i]!.byteLength + range.end - range.start
  async function* parts(): AsyncGenerator<Uint8Array> {
    for (const [i, range] of ranges.entries()) {
      yield heads[i]!
      const part = slice(range)
      if (part instanceof Uint8Array) yield part
      else yield* part
    }
    yield tail
  }
  return { body: parts(), length, contentType: `multipart/byteranges; boundary=${boundary}` }
}

function isRangeable(body: AsyncIterable<unknown>): body is RangeableBody {
  return typeof (body as Partial<RangeableBody>).slice === 'function'
}

// Reads a one-shot stream up to the end of the range, then lets it go.
async function* take(
  source: AsyncIterable<string | Uint8Array>,
  range: ByteRange,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  const chunks = source[Symbol.asyncIterator]()
  let position = 0
  try {
    while (position < range.end) {
      const next = await chunks.next()
      if (next.done) break
      const chunk = typeof next.value === 'string' ? encoder.encode(next.value) : next.value
      const from = Math.max(range.start - position, 0)
      const to = Math.min(range.end - position, chunk.byteLength)
      if (to > from) yield chunk.subarray(from, to)
      position += chunk.byteLength
    }
  } finally {
    await chunks.return?.()
  }
}
