import { describe, expect, it } from 'vitest'
import { Flagon, request } from '../../src/index.js'
import { describeTransports } from '../transports.js'

function echoApp(configure?: (app: Flagon) => void): Flagon {
  const app = new Flagon('bodies')
  app.post('/json', async () => ({ got: await request.json() }))
  app.post('/text', async () => `${(await request.text()).length} characters`)
  app.post('/ignore', () => 'never read the body')
  app.post('/big', async () => `${(await request.body()).byteLength} bytes`, { maxContentLength: 64 * 1024 })
  configure?.(app)
  return app
}

describeTransports('request bodies through the whole app', (call) => {
  const rows: Array<
    [name: string, path: string, headers: Record<string, string>, body: string, status: number]
  > = [
    ['valid JSON is read', '/json', { 'content-type': 'application/json' }, '{"a":1}', 200],
    ['bad JSON is a 400', '/json', { 'content-type': 'application/json' }, '{"a":', 400],
    ['JSON sent as text/plain is a 415', '/json', { 'content-type': 'text/plain' }, '{"a":1}', 415],
  ]
  for (const [name, path, headers, body, status] of rows) {
    it(name, async () => {
      expect((await call(echoApp(), path, { method: 'POST', headers, body })).status).toBe(status)
    })
  }

  it('a body over MAX_CONTENT_LENGTH is a 413 when read, with Quart’s description', async () => {
    const app = echoApp((a) => {
      a.config.MAX_CONTENT_LENGTH = 1024
    })
    const answer = await call(app, '/text', { method: 'POST', body: 'x'.repeat(2048) })
    expect(answer.status).toBe(413)
    expect(await answer.text()).toContain('The data value transmitted exceeds the capacity limit.')
  })

  it('a view that never reads the body is not refused for its size', async () => {
    const app = echoApp((a) => {
      a.config.MAX_CONTENT_LENGTH = 1024
    })
    expect((await call(app, '/ignore', { method: 'POST', body: 'x'.repeat(2048) })).status).toBe(200)
  })

  it('a route may raise its own limit above MAX_CONTENT_LENGTH', async () => {
    const app = echoApp((a) => {
      a.config.MAX_CONTENT_LENGTH = 1024
    })
    const answer = await call(app, '/big', { method: 'POST', body: 'x'.repeat(4096) })
    expect([answer.status, await answer.text()]).toEqual([200, '4096 bytes'])
    expect((await call(app, '/big', { method: 'POST', body: 'x'.repeat(70_000) })).status).toBe(413)
  })
})

describe('the config is checked at start', () => {
  it('a wrongly typed known key fails testClient(), before any request', () => {
    const app = new Flagon('bad-config')
    app.config.SESSION_COOKIE_SAMESITE = 'lax2' as never
    expect(() => app.testClient()).toThrow(/SESSION_COOKIE_SAMESITE must be "Lax", "Strict", "None" or null/)
  })

  it('a misspelt key fails listen()', async () => {
    const app = new Flagon('misspelt')
    app.config.SECRET_KYE = 'x'
    await expect(app.listen({ port: 0 })).rejects.toThrow(/Did you mean SECRET_KEY/)
  })
})
