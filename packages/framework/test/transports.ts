/**
 * The two ways a request reaches an app: HTTP through `app.handler` on node:http (via the test
 * client), and `app.fetch()` with WHATWG objects. Core suites run on both.
 */
import { afterEach, describe } from 'vitest'
import type { Flagon, TestClient } from '../src/index.js'

/** What a suite reads back, whichever the transport. */
export interface Answer {
  status: number
  headers: Headers
  text(): Promise<string>
  json(): Promise<unknown>
}

export interface CallInit {
  method?: string
  headers?: Record<string, string>
  body?: string
}

export type Call = (app: Flagon, path: string, init?: CallInit) => Promise<Answer>

/** Runs `suite` once per transport, with a `call` that sends one request to an app. */
export function describeTransports(name: string, suite: (call: Call) => void): void {
  describe.each(['node:http', 'fetch'] as const)(`${name} (%s)`, (transport) => {
    const clients: TestClient[] = []
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()))
    })
    const call: Call =
      transport === 'fetch'
        ? async (app, path, init = {}) => {
            const response = await app.fetch(
              new Request(`http://localhost${path}`, {
                method: init.method ?? 'GET',
                headers: init.headers ?? {},
                ...(init.body !== undefined && { body: init.body }),
              }),
            )
            return response
          }
        : async (app, path, init = {}) => {
            const client = app.testClient()
            clients.push(client)
            return client.open(path, {
              method: init.method ?? 'GET',
              headers: init.headers ?? {},
              ...(init.body !== undefined && { data: init.body }),
            })
          }
    suite(call)
  })
}
