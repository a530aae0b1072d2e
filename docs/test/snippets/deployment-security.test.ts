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
  it('refuses a body over MAX_CONTENT_LENGTH with 413, and lets the upload route take more', async () => {
    const client = secureApp('a long random string').testClient()
    const big = 'x'.repeat(2 * 1024 * 1024)
    expect((await client.post('/comment', { data: big })).status).toBe(413)
    expect(await (await client.post('/comment', { data: 'nice' })).json()).toEqual({ length: 4 })
    const upload = await client.post('/upload', {
      files: { file: { content: new TextEncoder().encode(big), filename: 'big.txt' } },
    })
    expect(await upload.json()).toEqual({ received: big.length })
    await client.close()
  })
})
