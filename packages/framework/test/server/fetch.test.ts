import { describe, expect, it } from 'vitest'
import { Flagon, request } from '../../src/index.js'

describe('app.fetch', () => {
  it('answers a WHATWG Request with a WHATWG Response', async () => {
    const app = new Flagon('fetch')
    app.post('/echo', async () => ({ got: await request.json(), host: request.host }))
    const response = await app.fetch(
      new Request('http://example.com/echo', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    )
    expect(response).toBeInstanceOf(globalThis.Response)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ got: { a: 1 }, host: 'example.com' })
  })

  it('keeps several Set-Cookie headers apart', async () => {
    const app = new Flagon('cookies')
    app.get('/', () => {
      return ['', 200]
    })
    app.afterRequest((response) => {
      response.setCookie('a', '1')
      response.setCookie('b', '2')
      return response
    })
    const response = await app.fetch(new Request('http://localhost/'))
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('streams a generator and tears down when the stream ends', async () => {
    const app = new Flagon('fetch-stream')
    let tornDown = false
    app.teardownRequest(() => {
      tornDown = true
    })
    app.get('/', async function* () {
      yield 'a'
      yield new TextEncoder().encode('b')
    })
    const response = await app.fetch(new Request('http://localhost/'))
    expect(tornDown).toBe(false)
    expect(await response.text()).toBe('ab')
    await new Promise((r) => setTimeout(r, 5))
    expect(tornDown).toBe(true)
  })
})
