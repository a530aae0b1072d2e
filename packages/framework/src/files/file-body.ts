/**
 * The body of a response that sends a file from disk: streamed in chunks with
 * `fs.createReadStream`, never read whole, and opened only when the server starts sending it, so a
 * HEAD, 304 or failed precondition never opens the file. `makeConditional` slices it for 206 answers.
 */
import { createReadStream, type ReadStream } from 'node:fs'

/**
 * A body that can send part of itself: `makeConditional` answers Range requests on any response
 * whose body has this shape (FileBody does; a body backed by another store may too).
 */
export interface RangeableBody extends AsyncIterable<Uint8Array> {
  /** The bytes from `start` (inclusive) to `end` (exclusive), relative to this body. */
  slice(start: number, end: number): AsyncIterable<Uint8Array>
}

/**
 * A file's bytes from `start` (inclusive) to `end` (exclusive), read lazily. Each iteration opens
 * the file afresh; stopping early (the client left) closes it before `return()` resolves.
 *
 * @example
 * const body = new FileBody('/srv/video.mp4', 0, size)
 * new Response(body, { mimetype: 'video/mp4', headers: { 'Content-Length': String(size) } })
 */
export class FileBody implements RangeableBody {
  constructor(
    readonly path: string,
    readonly start: number,
    readonly end: number,
  ) {}

  /** How many bytes this body sends. */
  get length(): number {
    return Math.max(0, this.end - this.start)
  }

  /** The part from `start` to `end` of this body, as a new FileBody of the same file. */
  slice(start: number, end: number): FileBody {
    return new FileBody(this.path, this.start + start, Math.min(this.start + end, this.end))
  }

  /**
   * Streams the bytes.
   *
   * @throws Error when the file ends before the bytes promised, so that the server drops the
   * connection rather than leave the client waiting for a Content-Length that never comes.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    if (this.length === 0) return
    const stream = createReadStream(this.path, { start: this.start, end: this.end - 1 })
    let sent = 0
    try {
      for await (const chunk of stream) {
        sent += (chunk as Buffer).byteLength
        yield chunk as Buffer
      }
    } finally {
      await closed(stream)
    }
    if (sent < this.length) {
      throw new Error(
        `${this.path} ended after ${sent} of the ${this.length} bytes being sent: it was changed while it was sent.`,
      )
    }
  }
}

// Waits for the file descriptor to be released, so that no open file outlives the response.
async function closed(stream: ReadStream): Promise<void> {
  if (stream.closed) return
  const done = new Promise<void>((resolve) => stream.once('close', () => resolve()))
  stream.destroy()
  await done
}
