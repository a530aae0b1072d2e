import { afterEach, assert, describe, expect, it } from 'vitest'
import { type RequestOptions, TestClient } from '../../src/testing/client.js'
import { type Echo, type FakeRoute, fakeApp } from './fake-app.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

function clientFor(routes: Record<string, FakeRoute>) {
  const client = new TestClient(fakeApp(routes))
  clients.push(client)
  return client
}

const redirect =
  (status: number, location: string, setCookie?: string): FakeRoute =>
  (_req, res) => {
    res.statusCode = status
    res.setHeader('location', location)
    if (setCookie !== undefined) res.setHeader('set-cookie', setCookie)
    res.end(`moved ${status}`)
  }

const redirects = {
  '/301': redirect(301, '/target'),
  '/302': redirect(302, '/target'),
  '/303': redirect(303, '/target'),
  '/307': redirect(307, '/target'),
  '/308': redirect(308, '/target'),
}

describe('a followed redirect', () => {
  type Row = [
    name: string,
    path: string,
    options: RequestOptions,
    method: string,
    body: string,
    type?: string,
  ]
  const methods: Row[] = [
    ['302 turns POST into GET and drops the body', '/302', { method: 'POST', json: { a: 1 } }, 'GET', ''],
    ['303 turns PUT into GET and drops the body', '/303', { method: 'PUT', data: 'x' }, 'GET', ''],
    ['302 keeps HEAD', '/302', { method: 'HEAD' }, 'HEAD', ''],
    [
      '307 repeats POST with its body',
      '/307',
      { method: 'POST', json: [1] },
      'POST',
      '[1]',
      'application/json',
    ],
    [
      '308 repeats PATCH with its body',
      '/308',
      { method: 'PATCH', form: { a: '1' } },
      'PATCH',
      'a=1',
      'application/x-www-form-urlencoded',
    ],
    ['301 repeats the method, as Quart does', '/301', { method: 'POST', data: 'x' }, 'POST', 'x'],
  ]
  for (const [name, path, options, method, body, type] of methods) {
    it(name, async () => {
      const client = clientFor(redirects)
      const res = await client.open(path, { ...options, followRedirects: true })
      assert.equal(res.status, 200)
      assert.equal(res.url, 'http://localhost/target')
      if (method === 'HEAD') return
      const echoed = await res.json<Echo>()
      assert.equal(echoed.method, method)
      assert.equal(echoed.body, body)
      assert.equal(echoed.headers['content-type'], type)
    })
  }

  it('307 repeats a streamed body', async () => {
    async function* parts() {
      yield new TextEncoder().encode('a')
      yield new TextEncoder().encode('b')
    }
    const client = clientFor(redirects)
    const res = await client.post('/307', { data: parts(), followRedirects: true })
    assert.equal((await res.json<Echo>()).body, 'ab')
  })

  it('keeps the responses on the way in history, oldest first', async () => {
    const client = clientFor({ '/a': redirect(302, '/b'), '/b': redirect(301, 'http://localhost/c?x=1') })
    const res = await client.get('/a', { followRedirects: true })
    assert.deepEqual(
      res.history.map((hop) => [hop.status, hop.url]),
      [
        [302, 'http://localhost/a'],
        [301, 'http://localhost/b'],
      ],
    )
    assert.equal(await res.history[0]?.text(), 'moved 302')
    assert.equal((await res.json<Echo>()).url, '/c?x=1')
  })

  it('resolves a relative Location against the current URL', async () => {
    const client = clientFor({ '/dir/from': redirect(302, 'to') })
    const res = await client.get('/dir/from', { followRedirects: true })
    assert.equal((await res.json<Echo>()).url, '/dir/to')
  })

  it('updates the cookie jar on every hop', async () => {
    const client = clientFor({ '/login': redirect(302, '/home', 'sid=abc; Path=/') })
    const res = await client.post('/login', { followRedirects: true })
    assert.equal((await res.json<Echo>()).headers.cookie, 'sid=abc')
  })

  it('gives the last body as a stream with { stream: true }', async () => {
    const client = clientFor(redirects)
    const res = await client.get('/302', { followRedirects: true, stream: true })
    let text = ''
    for await (const chunk of res.body) text += Buffer.from(chunk).toString()
    assert.match(text, /"url":"\/target"/)
  })

  it('stops at a 3xx without a Location', async () => {
    const client = clientFor({
      '/cached': (_req, res) => {
        res.statusCode = 304
        res.end()
      },
    })
    const res = await client.get('/cached', { followRedirects: true })
    assert.equal(res.status, 304)
    assert.deepEqual(res.history, [])
  })

  it('fails after 10 hops', async () => {
    const client = clientFor({ '/loop': redirect(302, '/loop') })
    await expect(client.get('/loop', { followRedirects: true })).rejects.toThrow(/followed 10 redirects/)
  })
})

describe('a redirect not followed', () => {
  it('is returned as it is, with an empty history', async () => {
    const client = clientFor(redirects)
    const res = await client.post('/307', { data: 'x' })
    assert.equal(res.status, 307)
    assert.equal(res.headers.get('location'), '/target')
    assert.deepEqual(res.history, [])
  })
})
