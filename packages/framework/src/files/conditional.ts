/**
 * Conditional and range requests on a response that is ready to send (Werkzeug's and Quart's
 * `make_conditional`), for GET and HEAD: the preconditions in RFC 9110 §13.2.2's order (If-Match,
 * If-Unmodified-Since → 412; If-None-Match, If-Modified-Since → 304), then If-Range and Range
 * (→ 206, or 416). `sendFile` calls it; a view may call it on any response whose length is known.
 */
import { PreconditionFailed, RangeNotSatisfiable } from '../exceptions.js'
import type { Response } from '../wrappers/response.js'
import { multipartByteranges, slicerFor } from './byteranges.js'
import { type EntityTag, parseEtag, parseEtagList, strongMatch, weakMatch } from './etag.js'
import { parseHttpDate } from './http-date.js'
import { type ByteRange, contentRange, parseRangeHeader, resolveRanges } from './range.js'

/** What `makeConditional` reads from a request: its method and headers. Flagon's Request fits. */
export interface ConditionalRequest {
  readonly method: string
  readonly headers: Headers
}

/** The options of {@link makeConditional}. */
export interface MakeConditionalOptions {
  /** Answer Range requests and send `Accept-Ranges: bytes`. Off by default, as in Werkzeug. */
  acceptRanges?: boolean
  /** The body's full length in bytes; by default the response's own (its body, or Content-Length). */
  completeLength?: number
}

// More ranges than this in one request is not a client fetching parts of a file: ignore them.
const MAX_RANGES = 64

/**
 * Makes `response` answer `request`'s conditions, changing it in place and returning it: a 304
 * with no body (ETag, Last-Modified, Cache-Control and Expires kept) when the client's copy is
 * current, a 206 with the requested bytes (one range, or `multipart/byteranges` for several) when
 * `acceptRanges` is on. Only GET and HEAD are conditional, only a 2xx response is changed, and
 * only a GET of a 200 gets ranges (RFC 9110 §14.2). A Range the server cannot read (another unit,
 * bad syntax, overlapping ranges that add up to more than the whole) is ignored, giving the full 200.
 *
 * @example
 * const res = new Response(bytes, { mimetype: 'application/pdf' })
 * res.headers.set('ETag', '"v3"')
 * return makeConditional(res, request, { acceptRanges: true })
 * @throws PreconditionFailed when If-Match or If-Unmodified-Since fails (412).
 * @throws RangeNotSatisfiable when no requested range lies within the body (416, with
 * `Content-Range: bytes *\/<length>`).
 */
export async function makeConditional(
  response: Response,
  request: ConditionalRequest,
  options: MakeConditionalOptions = {},
): Promise<Response> {
  const method = request.method.toUpperCase()
  if ((method !== 'GET' && method !== 'HEAD') || response.status < 200 || response.status > 299)
    return response
  const validators = validatorsOf(response)
  const outcome = evaluatePreconditions(request.headers, validators)
  if (outcome === 412) {
    await discardBody(response)
    throw new PreconditionFailed()
  }
  if (outcome === 304) {
    await discardBody(response)
    response.status = 304
    response.headers.delete('Content-Length')
    return response
  }
  if (options.acceptRanges) {
    response.headers.set('Accept-Ranges', 'bytes')
    const length = options.completeLength ?? response.contentLength
    if (method === 'GET' && response.status === 200 && length !== undefined) {
      await applyRange(response, request.headers, validators, length)
    }
  }
  return response
}

interface Validators {
  etag: EntityTag | null
  /** Last-Modified in milliseconds; HTTP dates have whole seconds. */
  lastModified: number | null
}

function validatorsOf(response: Response): Validators {
  const etag = response.headers.get('ETag')
  return {
    etag: etag === null ? null : parseEtag(etag),
    lastModified: parseHttpDate(response.headers.get('Last-Modified')),
  }
}

// RFC 9110 §13.2.2, steps 1–4. Werkzeug lets If-None-Match override If-Match; the RFC's order is kept here.
function evaluatePreconditions(headers: Headers, { etag, lastModified }: Validators): 200 | 304 | 412 {
  const ifMatch = headers.get('If-Match')
  if (ifMatch !== null) {
    if (!matchesAny(ifMatch, etag, strongMatch)) return 412
  } else {
    const since = parseHttpDate(headers.get('If-Unmodified-Since'))
    if (since !== null && lastModified !== null && lastModified > since) return 412
  }
  const ifNoneMatch = headers.get('If-None-Match')
  if (ifNoneMatch !== null) return matchesAny(ifNoneMatch, etag, weakMatch) ? 304 : 200
  const since = parseHttpDate(headers.get('If-Modified-Since'))
  return since !== null && lastModified !== null && lastModified <= since ? 304 : 200
}

// `*` matches any current representation, and only 2xx responses get this far.
function matchesAny(
  header: string,
  etag: EntityTag | null,
  compare: (a: EntityTag, b: EntityTag) => boolean,
): boolean {
  const tags = parseEtagList(header)
  if (tags === '*') return true
  return etag !== null && tags.some((tag) => compare(tag, etag))
}

async function applyRange(
  response: Response,
  headers: Headers,
  validators: Validators,
  length: number,
): Promise<void> {
  const specs = parseRangeHeader(headers.get('Range'))
  // An empty body: some clients send a Range with every request, so answer 200 rather than 416 (as Go does).
  if (specs === null || specs.length > MAX_RANGES || length === 0) return
  const ifRange = headers.get('If-Range')
  if (ifRange !== null && !ifRangeHolds(ifRange, validators)) return
  const ranges = resolveRanges(specs, length)
  if (ranges.length === 0) {
    await discardBody(response)
    throw new RangeNotSatisfiable(undefined, { length })
  }
  if (ranges.length > 1 && sizeOf(ranges) > length) return
  const slice = slicerFor(response.body, ranges.length)
  if (slice === null) return
  response.status = 206
  if (ranges.length === 1) {
    const range = ranges[0]!
    response.body = slice(range)
    response.headers.set('Content-Range', contentRange(range, length))
    response.headers.set('Content-Length', String(range.end - range.start))
    return
  }
  const multipart = multipartByteranges(ranges, length, response.headers.get('Content-Type'), slice)
  response.body = multipart.body
  response.headers.set('Content-Type', multipart.contentType)
  response.headers.set('Content-Length', String(multipart.length))
}

// If-Range (RFC 9110 §13.1.5): an entity tag must match strongly, a date must equal Last-Modified.
function ifRangeHolds(value: string, { etag, lastModified }: Validators): boolean {
  const trimmed = value.trim()
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) {
    return etag !== null && strongMatch(parseEtag(trimmed), etag)
  }
  const date = parseHttpDate(trimmed)
  return date !== null && lastModified !== null && date === lastModified
}

function sizeOf(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, range) => sum + range.end - range.start, 0)
}

// A body that will not be sent is let go, so that a stream it holds is closed now.
async function discardBody(response: Response): Promise<void> {
  const body = response.body
  response.body = null
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return
  try {
    await body[Symbol.asyncIterator]().return?.()
  } catch {
    // The body is being dropped; an error while closing it changes nothing for the client.
  }
}
