/**
 * Reading the request body: lazily, once, within limits. Nothing is read when the request is
 * built; the first `await request.body()`, `text()`, `json()` or `form()` pulls it from the
 * server's stream. The limits are read at that moment, from the request's mutable fields, so a
 * route that raises `request.maxContentLength` before reading gets the larger limit (the fix for
 * Quart #425, where the limit was captured at construction).
 *
 * Quart's rules (quart-behaviour.md §1.6): a declared Content-Length over `maxContentLength` is a
 * 413 before a byte is read; a stream that grows past it is a 413 the moment it does, and the
 * rest is not read; a full read that takes longer than `bodyTimeout` seconds is a 408. Streaming
 * the body chunk by chunk has no timeout, as Quart's `request.body`, since the consumer sets the pace.
 */
import { BadRequest, RequestEntityTooLarge, RequestTimeout } from '../exceptions.js'
import { ClientDisconnected } from './disconnected.js'
import { concatChunks, isNodeReadable, MAX_TIMER_MS, readNodeBody } from './node-body.js'

export { ClientDisconnected }

/**
 * The request body, both awaitable and async-iterable, as Quart's `request.body`:
 * `await request.body()` gives all of it; `for await (const chunk of request.body())` streams it.
 * @throws RequestEntityTooLarge (413), RequestTimeout (408, full reads only), BadRequest (400, an
 *   invalid Content-Length), ClientDisconnected (400); Error when the body was already streamed
 */
export interface RequestBody extends PromiseLike<Uint8Array>, AsyncIterable<Uint8Array> {}

/** The limits the reader consults each time it reads; the Request itself is one. */
export interface BodyLimits {
  readonly maxContentLength: number | null
  /** Seconds. */
  readonly bodyTimeout: number | null
}

/** Where the reader finds the request's headers: the Request itself. */
export interface HeaderSource {
  /** One header's value, as `Headers.get` gives it. */
  header(name: string): string | null
}

/**
 * Owns one request's body stream. `read()` buffers it all, once, and caches the bytes (or the
 * error: a half-read stream cannot be read again). `chunks()` streams it instead; after that,
 * nothing is left to buffer.
 */
export class BodyReader {
  readonly #source: AsyncIterable<Uint8Array> | null
  readonly #request: HeaderSource & BodyLimits
  #full: Promise<Uint8Array> | null = null
  #streamed = false

  constructor(source: AsyncIterable<Uint8Array> | null, request: HeaderSource & BodyLimits) {
    this.#source = source
    this.#request = request
  }

  /** The awaitable, iterable view handed to users by `request.body()`. */
  body(): RequestBody {
    return {
      // biome-ignore lint/suspicious/noThenProperty: awaitable on purpose, as Quart's `await request.body`
      then: (onFulfilled, onRejected) => this.read().then(onFulfilled, onRejected),
      [Symbol.asyncIterator]: () => this.chunks(),
    }
  }

  /** The whole body, read once and cached; concurrent callers share the one read. */
  read(): Promise<Uint8Array> {
    if (this.#full === null) {
      if (this.#streamed) return Promise.reject(alreadyStreamed())
      // Refused before anything is consumed, so not cached: raising the limit and retrying works.
      const refusal = this.#refuseDeclared()
      if (refusal) return Promise.reject(refusal)
      this.#full = this.#readAll()
    }
    return this.#full
  }

  /** The body chunk by chunk as it arrives (or the cached bytes, when it was already read). */
  async *chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.#full !== null) {
      yield await this.#full
      return
    }
    if (this.#streamed) throw alreadyStreamed()
    const refusal = this.#refuseDeclared()
    if (refusal) throw refusal
    this.#streamed = true
    const pull = new Pull(this.#source, declaredLength(this.#request), this.#request)
    try {
      for (let chunk = await pull.next(null); chunk !== null; chunk = await pull.next(null)) yield chunk
    } finally {
      pull.release()
    }
  }

  async #readAll(): Promise<Uint8Array> {
    const source = this.#source
    if (isNodeReadable(source)) return readNodeBody(source, declaredLength(this.#request), this.#request)
    const pull = new Pull(source, declaredLength(this.#request), this.#request)
    const seconds = this.#request.bodyTimeout
    let timer: NodeJS.Timeout | undefined
    // Past setTimeout's 32-bit range Node would fire at once; a timeout that long is no timeout.
    const expired =
      seconds === null || !(seconds * 1000 <= MAX_TIMER_MS)
        ? null
        : new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new RequestTimeout()), seconds * 1000)
          })
    expired?.catch(() => {}) // raced below; this only keeps a late expiry from being "unhandled"
    try {
      const chunks: Uint8Array[] = []
      for (let chunk = await pull.next(expired); chunk !== null; chunk = await pull.next(expired)) {
        chunks.push(chunk)
      }
      return concatChunks(chunks, pull.received)
    } finally {
      clearTimeout(timer)
      pull.release()
    }
  }

  #refuseDeclared(): Error | null {
    try {
      const declared = declaredLength(this.#request)
      const limit = this.#request.maxContentLength
      return declared !== null && limit !== null && declared > limit ? new RequestEntityTooLarge() : null
    } catch (error) {
      return error as Error
    }
  }
}

/**
 * The Content-Length the client declared, `null` when none applies (absent, or chunked).
 * @throws BadRequest when the header is not a whole number of bytes
 */
export function declaredLength(request: HeaderSource): number | null {
  const header = request.header('content-length')
  if (header === null || /\bchunked\b/i.test(request.header('transfer-encoding') ?? '')) return null
  // Repeated identical headers arrive joined ("5, 5"); RFC 9110 allows them, differing ones are an error.
  const values = new Set(header.split(',').map((value) => value.trim()))
  const [value = ''] = values
  if (values.size !== 1 || !/^\d+$/.test(value)) {
    throw new BadRequest(`The Content-Length header "${header}" is not a whole number of bytes.`)
  }
  return Number(value)
}

/** One pass over the source, counting bytes against the limits as they arrive. */
class Pull {
  received = 0
  readonly #iterator: AsyncIterator<Uint8Array | string> | null
  readonly #declared: number | null
  readonly #limits: BodyLimits

  constructor(source: AsyncIterable<Uint8Array> | null, declared: number | null, limits: BodyLimits) {
    this.#iterator = source === null ? null : open(source)
    this.#declared = declared
    this.#limits = limits
  }

  /** The next chunk, `null` at the end; `expired` (a timeout) wins the race when it rejects first. */
  async next(expired: Promise<never> | null): Promise<Uint8Array | null> {
    if (this.#iterator === null) return null
    let result: IteratorResult<Uint8Array | string>
    try {
      const pending = this.#iterator.next()
      if (expired === null) {
        result = await pending
      } else {
        pending.catch(() => {}) // when the timeout wins, the source may still fail later
        result = await Promise.race([pending, expired])
      }
    } catch (error) {
      if (error instanceof RequestTimeout) throw error
      // The server's stream fails only when the connection does (Node: Error "aborted").
      throw new ClientDisconnected(error)
    }
    if (result.done) {
      if (this.#declared !== null && this.received < this.#declared) throw new ClientDisconnected()
      return null
    }
    const chunk = typeof result.value === 'string' ? Buffer.from(result.value) : result.value
    this.received += chunk.byteLength
    const limit = this.#limits.maxContentLength
    if (limit !== null && this.received > limit) throw new RequestEntityTooLarge()
    return chunk
  }

  /** Lets go of the source without waiting; errors from it are of no interest any more. */
  release(): void {
    this.#iterator?.return?.()?.catch(() => {})
  }
}

/**
 * Node streams are iterated without `destroyOnReturn`: stopping at a 413 must not destroy the
 * IncomingMessage, which would take the socket, and the 413 response, with it.
 */
function open(source: AsyncIterable<Uint8Array>): AsyncIterator<Uint8Array | string> {
  const readable = source as AsyncIterable<Uint8Array> & {
    iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterator<Uint8Array | string>
    pipe?: unknown
  }
  if (typeof readable.iterator === 'function' && typeof readable.pipe === 'function') {
    return readable.iterator({ destroyOnReturn: false })
  }
  return source[Symbol.asyncIterator]()
}

function alreadyStreamed(): Error {
  return new Error(
    'The request body was already streamed with `for await (… of request.body())`, so it cannot be read ' +
      'again. Read it once: either stream it, or await request.body() / text() / json() / form() and reuse the result.',
  )
}
