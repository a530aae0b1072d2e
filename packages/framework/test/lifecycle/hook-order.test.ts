import { afterEach, describe, expect, it } from 'vitest'
import {
  afterThisRequest,
  appcontextPopped,
  appcontextPushed,
  appcontextTearingDown,
  Flagon,
  requestFinished,
  requestStarted,
  requestTearingDown,
} from '../../src/index.js'
import { describeTransports } from '../transports.js'

const disconnects: Array<() => void> = []
afterEach(() => {
  for (const disconnect of disconnects.splice(0)) disconnect()
})

describeTransports('the order of hooks and signals', (call) => {
  it("runs everything in Quart's order", async () => {
    const app = new Flagon('order')
    const trace: string[] = []
    const signals = {
      appcontextPushed,
      requestStarted,
      requestFinished,
      requestTearingDown,
      appcontextTearingDown,
      appcontextPopped,
    }
    for (const [name, signal] of Object.entries(signals)) {
      disconnects.push(
        (signal as typeof appcontextPushed).connect((sender) => {
          if (sender === app) trace.push(name)
        }),
      )
    }
    app.urlValuePreprocessor(() => void trace.push('urlValuePreprocessor'))
    app.beforeRequest(() => void trace.push('beforeRequest#1'))
    app.beforeRequest(async () => void trace.push('beforeRequest#2'))
    app.afterRequest((response) => {
      trace.push('afterRequest#1')
      return response
    })
    app.afterRequest(async (response) => {
      trace.push('afterRequest#2')
      return response
    })
    app.teardownRequest(() => void trace.push('teardownRequest#1'))
    app.teardownRequest(() => void trace.push('teardownRequest#2'))
    app.teardownAppcontext(() => void trace.push('teardownAppcontext'))
    app.get('/', () => {
      trace.push('view')
      afterThisRequest((response) => {
        trace.push('afterThisRequest')
        return response
      })
      return 'ok'
    })
    expect((await call(app, '/')).status).toBe(200)
    await waitFor(() => trace.includes('appcontextPopped'))
    expect(trace).toEqual([
      'appcontextPushed',
      'requestStarted',
      'urlValuePreprocessor',
      'beforeRequest#1',
      'beforeRequest#2',
      'view',
      'afterThisRequest',
      'afterRequest#2',
      'afterRequest#1',
      'requestFinished',
      'teardownRequest#2',
      'teardownRequest#1',
      'requestTearingDown',
      'teardownAppcontext',
      'appcontextTearingDown',
      'appcontextPopped',
    ])
  })

  it('lets a beforeRequest value replace the view, and still runs afterRequest', async () => {
    const app = new Flagon('short-circuit')
    let viewRan = false
    app.beforeRequest(() => ['stopped', 403])
    app.afterRequest((response) => {
      response.headers.set('x-after', 'yes')
      return response
    })
    app.get('/', () => {
      viewRan = true
      return 'view'
    })
    const answer = await call(app, '/')
    expect([answer.status, await answer.text(), answer.headers.get('x-after'), viewRan]).toEqual([
      403,
      'stopped',
      'yes',
      false,
    ])
  })

  it('runs beforeRequest hooks before a routing error is raised', async () => {
    const app = new Flagon('before-404')
    app.beforeRequest(() => 'hooked')
    const answer = await call(app, '/missing')
    expect([answer.status, await answer.text()]).toEqual([200, 'hooked'])
  })
})

describe('teardown functions', () => {
  it('receive the error that went unhandled, and undefined after a handled one', async () => {
    const app = new Flagon('teardown')
    const seen: unknown[] = []
    app.teardownRequest((error) => void seen.push(error))
    app.errorHandler(RangeError, () => ['handled', 418])
    app.get('/handled', () => {
      throw new RangeError('x')
    })
    app.get('/unhandled', () => {
      throw new TypeError('boom')
    })
    app.logger = { debug() {}, info() {}, warn() {}, error() {} }
    const client = app.testClient()
    expect((await client.get('/handled')).status).toBe(418)
    expect((await client.get('/unhandled')).status).toBe(500)
    await client.close()
    expect(seen[0]).toBeUndefined()
    expect(seen[1]).toBeInstanceOf(TypeError)
  })
})

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
}
