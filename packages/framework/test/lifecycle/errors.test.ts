import { describe, expect, it } from 'vitest'
import { abort, BadRequest, Flagon, HTTPException, type NotFound } from '../../src/index.js'
import { describeTransports } from '../transports.js'

class AppError extends Error {}
class DeeperError extends AppError {}

function quietApp(name: string): Flagon & { logged: unknown[][] } {
  const app = new Flagon(name) as Flagon & { logged: unknown[][] }
  app.logged = []
  app.logger = { debug() {}, info() {}, warn() {}, error: (...args: unknown[]) => void app.logged.push(args) }
  return app
}

describeTransports('error handlers', (call) => {
  it('a status handler answers abort() with that status', async () => {
    const app = quietApp('by-status')
    app.errorHandler(404, (error: NotFound) => [`custom: ${error.description}`, 404])
    app.get('/', () => abort(404, 'no such thing'))
    const answer = await call(app, '/')
    expect([answer.status, await answer.text()]).toEqual([404, 'custom: no such thing'])
  })

  it('a status handler also answers the router’s 404', async () => {
    const app = quietApp('router-404')
    app.errorHandler(404, () => ({ error: 'not here' }))
    const answer = await call(app, '/missing')
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual({ error: 'not here' })
  })

  it('a class handler answers its subclasses', async () => {
    const app = quietApp('by-class')
    app.errorHandler(AppError, (error) => [`app error ${error.constructor.name}`, 409])
    app.get('/', () => {
      throw new DeeperError()
    })
    const answer = await call(app, '/')
    expect([answer.status, await answer.text()]).toEqual([409, 'app error DeeperError'])
  })

  it('a status handler wins over a class handler', async () => {
    const app = quietApp('status-first')
    app.errorHandler(HTTPException, () => ['class', 400])
    app.errorHandler(400, () => ['status', 400])
    app.get('/', () => {
      throw new BadRequest()
    })
    expect(await (await call(app, '/')).text()).toBe('status')
  })

  it('an unhandled error is logged once with its stack and answered 500', async () => {
    const app = quietApp('unhandled')
    app.get('/boom', () => {
      throw new Error('kaboom')
    })
    const answer = await call(app, '/boom')
    expect(answer.status).toBe(500)
    const body = await answer.text()
    expect(body).toContain('<title>500 Internal Server Error</title>')
    expect(body).not.toContain('kaboom')
    expect(app.logged).toHaveLength(1)
    expect(app.logged[0]![0]).toBe('Exception on request GET /boom')
    expect((app.logged[0]![1] as Error).message).toBe('kaboom')
  })

  it('in DEBUG, the 500 page shows the stack, escaped', async () => {
    const app = quietApp('debug')
    app.config.DEBUG = true
    app.config.PROPAGATE_EXCEPTIONS = false // show the page instead of throwing in the test
    app.get('/boom', () => {
      throw new Error('<kaboom>')
    })
    const answer = await call(app, '/boom')
    expect(answer.status).toBe(500)
    const body = await answer.text()
    expect(body).toContain('Error: &lt;kaboom&gt;')
    expect(body).toContain('errors.test.ts') // the stack names this file
  })

  it('a 500 handler answers unhandled errors and gets the original as cause', async () => {
    const app = quietApp('500-handler')
    app.errorHandler(500, (error) => [`sorry: ${(error.cause as Error).message}`, 500])
    app.get('/', () => {
      throw new Error('db down')
    })
    expect(await (await call(app, '/')).text()).toBe('sorry: db down')
  })

  it('after hooks still run on the 500 answer', async () => {
    const app = quietApp('after-500')
    app.afterRequest((response) => {
      response.headers.set('x-after', '1')
      return response
    })
    app.get('/', () => {
      throw new Error('x')
    })
    const answer = await call(app, '/')
    expect([answer.status, answer.headers.get('x-after')]).toEqual([500, '1'])
  })

  it('a view returning undefined is a 500 with a TypeError that names the endpoint', async () => {
    const app = quietApp('undefined-view')
    app.get('/', function showNothing() {
      return undefined
    })
    expect((await call(app, '/')).status).toBe(500)
    expect(String((app.logged[0]![1] as Error).message)).toContain('showNothing')
  })
})

describe('registering error handlers', () => {
  const rows: Array<[name: string, key: unknown, message: RegExp]> = [
    ['an unknown status', 299, /not a recognised HTTP error code/],
    ['an instance instead of a class', new Error('x'), /Error class \(not an instance\)/],
    ['a class that is not an Error', class NotAnError {}, /Error class/],
  ]
  for (const [name, key, message] of rows) {
    it(`refuses ${name}`, () => {
      expect(() => new Flagon('x').errorHandler(key as number, () => '')).toThrow(message)
    })
  }
})

describe('errors that propagate to the test (TESTING, PROPAGATE_EXCEPTIONS)', () => {
  const rows: Array<[name: string, config: Record<string, unknown>, propagates: boolean]> = [
    ['by default they do not: the client gets the 500', {}, false],
    ['with TESTING on, the call rejects with the error', { TESTING: true }, true],
    ['with DEBUG on, the call rejects with the error', { DEBUG: true }, true],
    ['PROPAGATE_EXCEPTIONS false wins over TESTING', { TESTING: true, PROPAGATE_EXCEPTIONS: false }, false],
    ['PROPAGATE_EXCEPTIONS true propagates on its own', { PROPAGATE_EXCEPTIONS: true }, true],
  ]
  for (const [name, config, propagates] of rows) {
    it(name, async () => {
      const app = quietApp('propagate')
      Object.assign(app.config, config)
      app.get('/boom', () => {
        throw new RangeError('kaboom')
      })
      app.get('/fine', () => 'fine')
      const client = app.testClient()
      try {
        if (propagates) await expect(client.get('/boom')).rejects.toThrow(RangeError)
        else expect((await client.get('/boom')).status).toBe(500)
        expect(await (await client.get('/fine')).text()).toBe('fine')
      } finally {
        await client.close()
      }
    })
  }
})
