/**
 * A hand-written app with the members the test client needs (TestableApp), so the client is tested over
 * real sockets without the framework. Routes are plain node handlers; unknown paths echo the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { TestableApp } from '../../src/testing/client.js'

/** What the echo route answers: the request as the server saw it. */
export interface Echo {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
  bodyBase64: string
}

/** A node handler that receives the request body already read. */
export type FakeRoute = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

/** A fake app: its routes, the sockets its requests came on, and the lifespan calls it saw. */
export interface FakeApp extends TestableApp {
  readonly sockets: Set<Socket>
  readonly lifespan: string[]
}

/** Makes a fake app; `routes` are keyed by path (without the query string). */
export function fakeApp(
  routes: Record<string, FakeRoute> = {},
  config: Record<string, unknown> = {},
): FakeApp {
  const sockets = new Set<Socket>()
  const lifespan: string[] = []
  return {
    config,
    sockets,
    lifespan,
    handler(req, res) {
      sockets.add(req.socket)
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        const route = routes[new URL(req.url ?? '/', 'http://x').pathname] ?? echo
        route(req, res, body)
      })
    },
    async startServing() {
      lifespan.push('start')
    },
    async stopServing() {
      lifespan.push('stop')
    },
  }
}

/** Answers with the request as JSON (see {@link Echo}). */
export const echo: FakeRoute = (req, res, body) => {
  const echoed: Echo = {
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    body: body.toString('utf8'),
    bodyBase64: body.toString('base64'),
  }
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify(echoed))
}
