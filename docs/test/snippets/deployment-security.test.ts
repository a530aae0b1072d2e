import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type TestServer } from '../../../packages/sessions/test/server/servers.js'
import { createApp as deployedApp } from '../../snippets/deployment/app.js'
import { serve } from '../../snippets/deployment/server.js'
import { createApp as secureApp } from '../../snippets/security/app.js'

describe('deployment', () => {
  let redis: TestServer
  beforeAll(async () => {
    redis = await startRedis()
    await redis.start()
  }, 60_000)
  afterAll(() => redis?.stop())
  afterEach(() => {
    delete process.env.FLAGON_SECRET_KEY
    delete process.env.FLAGON_SESSION_REDIS
  })

  const quiet = { debug() {}, info() {}, warn() {}, error() {} }
  const start = async () => {
    process.env.FLAGON_SECRET_KEY = 'one key for every machine'
    process.env.FLAGON_SESSION_REDIS = redis.address
    const app = deployedApp()
    app.logger = quiet
    return serve(app, { port: 0 })
  }

  it('shares sessions between two servers through Redis, with a Secure cookie', async () => {
    const [one, two] = [await start(), await start()]
    try {
      const first = await fetch(`http://127.0.0.1:${one.port}/visit`, { method: 'POST' })
      const setCookie = first.headers.getSetCookie()[0]!
      expect(setCookie).toMatch(/; HttpOnly; Secure; SameSite=Lax$/)
      const cookie = setCookie.split(';')[0]!
      const second = await fetch(`http://127.0.0.1:${two.port}/visit`, {
        method: 'POST',
        headers: { cookie },
      })
      expect(await second.json()).toEqual({ visits: 2 })
    } finally {
      await Promise.all([one.stop(), two.stop()])
    }
  })

  it('lets a request in flight finish when it stops', async () => {
    const server = await start()
    const slow = fetch(`http://127.0.0.1:${server.port}/slow`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await server.stop()
    const response = await slow
    expect(await response.text()).toBe('finished')
    await expect(fetch(`http://127.0.0.1:${server.port}/slow`)).rejects.toThrow()
  })
})

describe('security settings', () => {
  // TRUSTED_HOSTS is example.com and its subdomains, so the requests name the host.
  const site = 'http://www.example.com'

  it('refuses a body over MAX_CONTENT_LENGTH with 413, and lets the upload route take more', async () => {
    const client = secureApp('a long random string').testClient()
    const big = 'x'.repeat(2 * 1024 * 1024)
    expect((await client.post(`${site}/comment`, { data: big })).status).toBe(413)
    expect(await (await client.post(`${site}/comment`, { data: 'nice' })).json()).toEqual({ length: 4 })
    const upload = await client.post(`${site}/upload`, {
      files: { file: { content: new TextEncoder().encode(big), filename: 'big.txt' } },
    })
    expect(await upload.json()).toEqual({ received: big.length })
    await client.close()
  })

  it('answers only the trusted hosts, and refuses any other with 400 before routing', async () => {
    const client = secureApp('a long random string').testClient()
    expect((await client.post('http://example.com/comment', { data: 'a' })).status).toBe(200)
    expect((await client.post('http://shop.example.com/comment', { data: 'a' })).status).toBe(200)
    expect((await client.post('http://evil.test/comment', { data: 'a' })).status).toBe(400)
    expect((await client.get('http://evil.test/nowhere')).status).toBe(400)
    expect((await client.post('http://notexample.com/comment', { data: 'a' })).status).toBe(400)
    await client.close()
  })

  it('answers a view that never answers with 503 at RESPONSE_TIMEOUT, and lets a stream run longer', async () => {
    const app = secureApp('a long random string', 100)
    app.config.RESPONSE_TIMEOUT = 0.2
    app.logger = { debug() {}, info() {}, warn() {}, error() {} }
    const client = app.testClient()
    const stuck = await client.get(`${site}/report`)
    expect([stuck.status, stuck.headers.get('connection')]).toEqual([503, 'close'])
    const started = Date.now()
    const clock = await client.get(`${site}/clock`)
    expect(await clock.text()).toBe('data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\n')
    expect(Date.now() - started).toBeGreaterThan(250)
    await client.close()
  })
})
