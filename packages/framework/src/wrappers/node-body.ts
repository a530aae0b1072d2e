/**
 * Reading a whole body from a Node stream (the server's IncomingMessage) by its events: what
 * `BodyReader` does for any async iterable, without an async iterator and a promise per chunk, which
 * cost a JSON echo more than parsing and writing its kilobyte. The rules are the same: a 413 the
 * moment the body grows past the limit (the rest is left unread), a 408 at the timeout, and a 400
 * (ClientDisconnected) when the client leaves first.
 */
import type { Readable } from 'node:stream'
import { RequestEntityTooLarge, RequestTimeout } from '../exceptions.js'
import type { BodyLimits } from './body.js'
import { ClientDisconnected } from './disconnected.js'

/** The longest delay setTimeout takes (past it, Node fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** True for a Node readable stream, which {@link readNodeBody} can read. */
export function isNodeReadable(source: unknown): source is Readable {
  const stream = source as Partial<Readable> | null
  return (
    typeof stream?.on === 'function' &&
    typeof stream.pipe === 'function' &&
    typeof stream.pause === 'function'
  )
}

/** All of `stream`, within `limits`; `declared` is the Content-Length (a shorter body is a disconnect). */
export function readNodeBody(
  stream: Readable,
  declared: number | null,
  limits: BodyLimits,
): Promise<Uint8Array> {
  if (stream.readableEnded) return Promise.resolve(new Uint8Array(0))
  if (stream.destroyed) return Promise.reject(new ClientDisconnected(stream.errored ?? undefined))
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = []
    let received = 0
    let timer: NodeJS.Timeout | undefined
    const settle = (error: Error | null) => {
      clearTimeout(timer)
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      if (error === null) return resolve(concatChunks(chunks, received))
      // Leave what is left unread (a 413 must not read on), without destroying the stream: that would
      // take the socket, and the answer, with it.
      stream.pause()
      reject(error)
    }
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += bytes.byteLength
      const limit = limits.maxContentLength
      if (limit !== null && received > limit) return settle(new RequestEntityTooLarge())
      chunks.push(bytes)
    }
    const onEnd = () => settle(declared !== null && received < declared ? new ClientDisconnected() : null)
    const onError = (error: Error) => settle(new ClientDisconnected(error))
    const onClose = () => settle(new ClientDisconnected())
    stream.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose)
    const seconds = limits.bodyTimeout
    // Past setTimeout's 32-bit range Node would fire at once; a timeout that long is no timeout.
    if (seconds !== null && seconds * 1000 <= MAX_TIMER_MS) {
      timer = setTimeout(() => settle(new RequestTimeout()), seconds * 1000)
    }
    stream.resume()
  })
}

/** The chunks as one array (the only chunk itself when there is one). */
export function concatChunks(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
