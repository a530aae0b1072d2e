import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Response as UndiciResponse } from 'undici'
import { afterEach, assert, describe, expect, it } from 'vitest'
import { type RequestOptions, TestClient, withTestApp } from '../../src/testing/client.js'
import { type Echo, type FakeRoute, fakeApp } from './fake-app.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

function clientFor(routes: Record<string, FakeRoute> = {}, config: Record<string, unknown> = {}) {
  const app = fakeApp(routes, config)
  const client = new TestClient(app)
  clients.push(client)
  return { app, client }
}

async function echoOf(options: RequestOptions, path = '/echo'): Promise<Echo> {
  const { client } = clientFor()
  return (await client.open(path, options)).json<Echo>()
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part)
}

describe('a body option', () => {
  const bodies: Array<[name: string, options: RequestOptions, body: string, type: string | undefined]> = [
    ['json is sent as JSON', { method: 'POST', json: { a: [1, 'b'] } }, '{"a":[1,"b"]}', 'application/json'],
    ['json null is sent as null', { method: 'POST', json: null }, 'null', 'application/json'],
    [
      'form is sent urlencoded, repeated names repeated',
      { method: 'POST', form: { a: 'x y', b: ['1', '2'] } },
      'a=x+y&b=1&b=2',
      'application/x-www-form-urlencoded',
    ],
    [
      'form as URLSearchParams is sent as is',
      { method: 'POST', form: new URLSearchParams([['k', 'é']]) },
      'k=%C3%A9',
      'application/x-www-form-urlencoded',
    ],
    ['data as a string is sent with no Content-Type', { method: 'PUT', data: 'raw' }, 'raw', undefined],
    [
      'data as bytes is sent as they are',
      { method: 'PUT', data: new Uint8Array([104, 105]) },
      'hi',
      undefined,
    ],
    [
      'data as an async iterable is streamed',
      { method: 'POST', data: chunks('a', 'b', 'c') },
      'abc',
      undefined,
    ],
    [
      'a Content-Type header wins over the one the option implies',
      { method: 'POST', json: [1], headers: { 'content-type': 'application/vnd.x+json' } },
      '[1]',
      'application/vnd.x+json',
    ],
    ['no body option sends no body', { method: 'POST' }, '', undefined],
  ]
  for (const [name, options, body, type] of bodies) {
    it(name, async () => {
      const echoed = await echoOf(options)
      assert.equal(echoed.method, options.method)
      assert.equal(echoed.body, body)
      assert.equal(echoed.headers['content-type'], type)
    })
  }

  it('data as an async iterable is sent chunked', async () => {
    const echoed = await echoOf({ method: 'POST', data: chunks('a', 'b') })
    assert.equal(echoed.headers['transfer-encoding'], 'chunked')
  })

  it('files and form fields are sent as multipart, each file with its name and type', async () => {
    const echoed = await echoOf({
      method: 'POST',
      form: { title: 'hello', tag: ['a', 'b'] },
      files: {
        doc: { content: 'text body', filename: 'a.txt', contentType: 'text/plain' },
        images: [
          { content: new Uint8Array([0, 1, 2]), filename: 'b.bin' },
          new File(['<svg/>'], 'c.svg', { type: 'image/svg+xml' }),
        ],
      },
    })
    const type = echoed.headers['content-type']
    assert.match(String(type), /^multipart\/form-data; boundary=/)
    const form = await new UndiciResponse(Buffer.from(echoed.bodyBase64, 'base64'), {
      headers: { 'content-type': String(type) },
    }).formData()
    assert.equal(form.get('title'), 'hello')
    assert.deepEqual(form.getAll('tag'), ['a', 'b'])
    const doc = form.get('doc') as File
    assert.equal(doc.name, 'a.txt')
    assert.equal(doc.type, 'text/plain')
    assert.equal(await doc.text(), 'text body')
    const [bin, svg] = form.getAll('images') as File[]
    assert.equal(bin?.name, 'b.bin')
    assert.equal(bin?.type, 'application/octet-stream')
    assert.deepEqual([...new Uint8Array(await bin!.arrayBuffer())], [0, 1, 2])
    assert.equal(svg?.name, 'c.svg')
    assert.equal(svg?.type, 'image/svg+xml')
    assert.equal(await svg?.text(), '<svg/>')
  })
})

describe('body options that exclude each other', () => {
  const combinations: Array<[name: string, options: RequestOptions]> = [
    ['json with form', { json: {}, form: {} }],
    ['json with data', { json: {}, data: 'x' }],
    ['form with data', { form: {}, data: 'x' }],
    ['files with json', { files: {}, json: {} }],
    ['files with data', { files: {}, data: 'x' }],
  ]
  for (const [name, options] of combinations) {
    it(`${name} is an error, before anything is sent`, async () => {
      const { app, client } = clientFor()
      const error = await client.post('/', options).then(
        () => undefined,
        (err: unknown) => err,
      )
      assert.instanceOf(error, Error)
      assert.match((error as Error).message, /mutually exclusive/)
      assert.equal(app.sockets.size, 0)
    })
  }
})

describe('the request line and default headers', () => {
  it('sends User-Agent: Flagon and Host: localhost', async () => {
    const echoed = await echoOf({})
    assert.equal(echoed.headers['user-agent'], 'Flagon')
    assert.equal(echoed.headers.host, 'localhost')
  })

  it('sends SERVER_NAME as the Host', async () => {
    const { client } = clientFor({}, { SERVER_NAME: 'example.test:8080' })
    const echoed = await (await client.get('/')).json<Echo>()
    assert.equal(echoed.headers.host, 'example.test:8080')
  })

  it('lets given headers override the defaults', async () => {
    const echoed = await echoOf({ headers: { 'User-Agent': 'probe', 'X-Extra': '1' } })
    assert.equal(echoed.headers['user-agent'], 'probe')
    assert.equal(echoed.headers['x-extra'], '1')
  })

  it('sends auth as a Basic Authorization header', async () => {
    const echoed = await echoOf({ auth: ['ada', 'pässword'] })
    const encoded = Buffer.from('ada:pässword', 'utf8').toString('base64')
    assert.equal(echoed.headers.authorization, `Basic ${encoded}`)
  })

  const queries: Array<[name: string, path: string, query: RequestOptions['query'], url: string]> = [
    ['a query in the path is kept', '/q?a=1&a=2', undefined, '/q?a=1&a=2'],
    [
      'a query object is encoded, arrays repeated',
      '/q',
      { a: 'x y', n: 3, t: true, l: [1, 'b'] },
      '/q?a=x+y&n=3&t=true&l=1&l=b',
    ],
    ['URLSearchParams are sent as they are', '/q', new URLSearchParams('z=1&z=2'), '/q?z=1&z=2'],
    ['a path with spaces and non-ASCII is percent-encoded', '/a b/é', undefined, '/a%20b/%C3%A9'],
  ]
  for (const [name, path, query, url] of queries) {
    it(name, async () => {
      const echoed = await echoOf(query === undefined ? {} : { query }, path)
      assert.equal(echoed.url, url)
    })
  }

  it('refuses a query given in the path and as an option', async () => {
    const { client } = clientFor()
    const error = await client.get('/q?a=1', { query: { b: 2 } }).catch((err: unknown) => err)
    assert.instanceOf(error, Error)
    assert.equal((error as Error).message, 'Query string is defined in the path and as an argument')
  })

  const methods = ['get', 'post', 'put', 'patch', 'delete', 'options'] as const
  for (const method of methods) {
    it(`client.${method}() sends ${method.toUpperCase()}`, async () => {
      const { client } = clientFor()
      const echoed = await (await client[method]('/')).json<Echo>()
      assert.equal(echoed.method, method.toUpperCase())
    })
  }

  it('client.open() sends any method', async () => {
    const { client } = clientFor()
    const echoed = await (await client.open('/', { method: 'purge' })).json<Echo>()
    assert.equal(echoed.method, 'PURGE')
  })
})

describe('the response', () => {
  it('has the status, headers and body the app sent', async () => {
    const { client } = clientFor({
      '/made': (_req, res) => {
        res.statusCode = 201
        res.setHeader('x-a', ['1', '2'])
        res.end('{"ok":true}')
      },
    })
    const res = await client.post('/made')
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('x-a'), '1, 2')
    assert.equal(res.url, 'http://localhost/made')
    assert.deepEqual(res.history, [])
    assert.deepEqual(await res.json(), { ok: true })
    assert.equal(await res.text(), '{"ok":true}')
    assert.equal((await res.bytes()).byteLength, 11)
  })

  it('to HEAD has the headers and no body', async () => {
    const { client } = clientFor({
      '/h': (_req, res) => {
        res.setHeader('content-type', 'text/plain')
        res.setHeader('content-length', '5')
        res.end()
      },
    })
    const res = await client.head('/h')
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-length'), '5')
    assert.equal(await res.text(), '')
    const parts: Uint8Array[] = []
    for await (const part of res.body) parts.push(part)
    assert.deepEqual(parts, [])
  })

  it('with { stream: true } gives the chunks as the app writes them', async () => {
    let writeNext: (() => void) | undefined
    const { client } = clientFor({
      '/events': (_req, res) => {
        res.setHeader('content-type', 'text/event-stream')
        res.write('data: 1\n\n')
        writeNext = () => res.end('data: 2\n\n')
      },
    })
    const res = await client.get('/events', { stream: true })
    assert.equal(res.headers.get('content-type'), 'text/event-stream')
    const iterator = res.body[Symbol.asyncIterator]()
    const first = await iterator.next()
    assert.equal(Buffer.from(first.value as Uint8Array).toString(), 'data: 1\n\n')
    writeNext?.()
    const second = await iterator.next()
    assert.equal(Buffer.from(second.value as Uint8Array).toString(), 'data: 2\n\n')
    assert.equal((await iterator.next()).done, true)
  })

  it('with { stream: true } can be iterated once', async () => {
    const { client } = clientFor()
    const res = await client.get('/', { stream: true })
    for await (const _ of res.body);
    await expect(res.text()).rejects.toThrow(/already read/)
  })

  it('with { stream: true } keeps what text() read for json()', async () => {
    const { client } = clientFor()
    const res = await client.get('/', { stream: true })
    assert.match(await res.text(), /"method":"GET"/)
    assert.equal((await res.json<{ method: string }>()).method, 'GET')
  })
})

describe('the connection', () => {
  it('is reused across requests', async () => {
    const { app, client } = clientFor()
    for (let i = 0; i < 5; i++) await client.get(`/${i}`)
    assert.equal(app.sockets.size, 1)
  })

  it('is reused after a response whose body was never read', async () => {
    const { app, client } = clientFor()
    for (let i = 0; i < 5; i++) await client.post('/', { data: 'x'.repeat(100_000) })
    assert.equal(app.sockets.size, 1)
  })

  it('is not opened until the first request', async () => {
    const { app } = clientFor()
    assert.equal(app.sockets.size, 0)
  })

  it('is closed with the client, and a closed client refuses requests', async () => {
    const { client } = clientFor()
    await client.get('/')
    await client.close()
    await expect(client.get('/')).rejects.toThrow(/closed/)
  })

  it('of a client never closed does not keep the process alive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagon-client-'))
    const script = join(dir, 'unclosed.mts')
    const clientUrl = new URL('../../src/testing/client.ts', import.meta.url).href
    await writeFile(
      script,
      `import { TestClient } from ${JSON.stringify(clientUrl)}
const app = { config: {}, handler: (_req, res) => res.end('hi'), startServing: async () => {}, stopServing: async () => {} }
const client = new TestClient(app)
await client.get('/')
await client.post('/', { data: 'x' })
const done = Date.now()
process.on('exit', () => console.log(Date.now() - done))`,
    )
    try {
      const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url))
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', script],
          { cwd: repoRoot, timeout: 15_000 },
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      )
      // Keep-alive would hold an idle connection for seconds: exiting at once means nothing held the loop.
      assert.isBelow(Number(output.trim()), 1_000)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('closing aborts a stream still open', async () => {
    const { client } = clientFor({ '/forever': (_req, res) => res.write('tick') })
    const res = await client.get('/forever', { stream: true })
    await client.close()
    await expect(res.text()).rejects.toThrow()
  })
})

describe('withTestApp', () => {
  it('serves the app between startServing and stopServing', async () => {
    const app = fakeApp()
    const seen = await withTestApp(app, async (client) => {
      assert.deepEqual(app.lifespan, ['start'])
      return (await client.get('/')).status
    })
    assert.equal(seen, 200)
    assert.deepEqual(app.lifespan, ['start', 'stop'])
  })

  it('stops serving when the function throws, and rethrows', async () => {
    const app = fakeApp()
    await expect(
      withTestApp(app, async (client) => {
        await client.get('/')
        throw new Error('boom')
      }),
    ).rejects.toThrow(/boom/)
    assert.deepEqual(app.lifespan, ['start', 'stop'])
  })
})
