/**
 * `app.fetch()`: serves a WHATWG Request and answers a WHATWG Response, for runtimes and tools
 * that speak fetch (Bun, Deno, service workers, undici's MockAgent). The request context stays
 * pushed until a streamed body has been read to the end or cancelled.
 */
import type { Flagon } from '../app.js'
import type { BodyInit } from '../web-types.js'
import { Request } from '../wrappers/request.js'
import type { Response } from '../wrappers/response.js'
import { bodyChunks, hasNoBody } from './body.js'
import { requestLimits } from './limits.js'

/** Answers `incoming` through the app's whole lifecycle. */
export function fetchHandler(app: Flagon, incoming: globalThis.Request): Promise<globalThis.Response> {
  const url = new URL(incoming.url)
  const request = new Request({
    method: incoming.method,
    scheme: url.protocol === 'https:' ? 'https' : 'http',
    host: url.host,
    path: url.pathname,
    queryString: url.search.slice(1),
    headers: new Headers(incoming.headers),
    remoteAddr: null,
    body: incoming.body as AsyncIterable<Uint8Array> | null,
    ...requestLimits(app),
  })
  const head = incoming.method === 'HEAD'
  return new Promise((resolve, reject) => {
    app
      .handleRequest(request, (response) => {
        const { body, sent } = webBody(response, head)
        resolve(new globalThis.Response(body, { status: response.status, headers: response.headers }))
        return sent
      })
      .catch(reject)
  })
}

function webBody(response: Response, head: boolean): { body: BodyInit | null; sent: Promise<void> } {
  const { body } = response
  if (head || hasNoBody(response.status) || body === null) return { body: null, sent: Promise.resolve() }
  if (typeof body === 'string' || body instanceof Uint8Array)
    return { body: body as BodyInit, sent: Promise.resolve() }
  const chunks = bodyChunks(body)
  const encoder = new TextEncoder()
  let finish!: () => void
  const sent = new Promise<void>((resolve) => {
    finish = resolve
  })
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next()
        if (next.done) {
          controller.close()
          finish()
        } else {
          controller.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value)
        }
      } catch (error) {
        controller.error(error)
        finish()
      }
    },
    async cancel() {
      await chunks.return?.()
      finish()
    },
  })
  return { body: stream, sent }
}
