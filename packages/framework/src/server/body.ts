/** What both servers (node and fetch) need to know about response bodies. */
import type { Response } from '../wrappers/response.js'

/** Statuses whose responses never carry a body (RFC 9110): 1xx, 204 and 304. */
export function hasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304
}

/** An iterator over a streamed body of any of the shapes a `Response` accepts. */
export function bodyChunks(body: NonNullable<Response['body']>): AsyncIterator<Uint8Array | string> {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return (async function* () {
      yield body
    })()
  }
  if (Symbol.asyncIterator in body)
    return (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
  const sync = (body as Iterable<Uint8Array | string>)[Symbol.iterator]()
  return {
    next: async () => sync.next(),
    return: async (value?: unknown) => sync.return?.(value) ?? { done: true, value: undefined },
  }
}
