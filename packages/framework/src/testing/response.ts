/**
 * What the test client returns: the status, headers and body the app sent, with the redirects that led
 * to it. The body is read in full before the client returns it, unless the request asked for
 * `{ stream: true }`; then it arrives as the app writes it (server-sent events, long streams).
 */

/**
 * A response received by the test client.
 *
 * @example
 * const res = await client.get('/users/1')
 * assert.equal(res.status, 200)
 * assert.deepEqual(await res.json(), { id: 1 })
 */
export class TestResponse {
  /** The HTTP status code. */
  readonly status: number
  /** The response headers; `headers.getSetCookie()` lists the `Set-Cookie` headers one by one. */
  readonly headers: Headers
  /** The URL this response answered, with the Host the client sent (`http://localhost/path?query`). */
  readonly url: string
  /** The redirect responses followed to reach this one, oldest first; empty without `followRedirects`. */
  readonly history: readonly TestResponse[]
  #bytes: Uint8Array | undefined
  #stream: AsyncIterable<Uint8Array> | undefined

  /** Made by the test client; `body` is either the whole body or, for `{ stream: true }`, the live stream. */
  constructor(init: {
    status: number
    headers: Headers
    url: string
    body: Uint8Array | AsyncIterable<Uint8Array>
    history?: readonly TestResponse[]
  }) {
    this.status = init.status
    this.headers = init.headers
    this.url = init.url
    this.history = init.history ?? []
    if (init.body instanceof Uint8Array) this.#bytes = init.body
    else this.#stream = init.body
  }

  /**
   * The body as an async iterable of chunks. For a streamed response (`{ stream: true }`) the chunks come as
   * the app sends them, and can be iterated once; otherwise the whole body comes as one chunk.
   *
   * @throws Error when a streamed body was already read.
   */
  get body(): AsyncIterable<Uint8Array> {
    if (this.#bytes !== undefined) return once(this.#bytes)
    return this.#takeStream()
  }

  /** The body's bytes; a streamed body is read to the end, and kept for later calls. */
  async bytes(): Promise<Uint8Array> {
    if (this.#bytes === undefined) {
      const chunks: Uint8Array[] = []
      for await (const chunk of this.#takeStream()) chunks.push(chunk)
      this.#bytes = Buffer.concat(chunks)
    }
    return this.#bytes
  }

  /** The body decoded as UTF-8. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes())
  }

  /**
   * The body parsed as JSON. The type parameter is an assertion, not a check.
   *
   * @throws SyntaxError when the body is not JSON.
   */
  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T
  }

  #takeStream(): AsyncIterable<Uint8Array> {
    const stream = this.#stream
    if (stream === undefined) {
      throw new Error(
        `The streamed body of the response from ${this.url} was already read. ` +
          'Read it once, through body, bytes(), text() or json().',
      )
    }
    this.#stream = undefined
    return stream
  }
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  if (bytes.byteLength > 0) yield bytes
}
