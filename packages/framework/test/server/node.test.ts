import { request as httpRequest } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, describe, expect, it } from 'vitest'
import { Flagon, g, request } from '../../src/index.js'

const apps: Flagon[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

async function serve(app: Flagon): Promise<number> {
  apps.push(app)
  const server = await app.listen({ port: 0 })
  return (server.address() as AddressInfo).port
}

function raw(
  port: number,
  method: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, method, path, host: '127.0.0.1' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('error', reject)
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Sends `requests` one after another on one connection; the raw answers, and whether it is still open. */
async function onOneConnection(
  port: number,
  requests: string[],
): Promise<{ answers: string[]; open: boolean }> {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  let open = true
  socket.on('data', (chunk) => (received += chunk))
  socket.on('close', () => (open = false))
  const answers: string[] = []
  for (const request of requests) {
    received = ''
    socket.write(request)
    const deadline = Date.now() + 2000
    while (!/\r\n\r\n[\s\S]*$/.test(received) || !received.endsWith('ok')) {
      if (Date.now() > deadline || !open) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    answers.push(received)
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  socket.destroy()
  return { answers, open }
}

describe('the node:http server', () => {
  it('keeps the connection alive after an answer made at once, and after a small body the view left unread', async () => {
    const app = new Flagon('keep-alive')
    app.get('/', () => 'ok')
    app.post('/', () => 'ok')
    const port = await serve(app)
    const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
    const post = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'
    const { answers, open } = await onOneConnection(port, [get, post, get])
    expect(answers.map((answer) => answer.split('\r\n')[0])).toEqual([
      'HTTP/1.1 200 OK',
      'HTTP/1.1 200 OK',
      'HTTP/1.1 200 OK',
    ])
    for (const answer of answers) expect(answer.toLowerCase()).not.toContain('connection: close')
    expect(open).toBe(true)
  })

  it.each([
    ['answered at once', () => 'ok'],
    ['answered later', async () => 'ok'],
    [
      'streamed',
      async function* () {
        yield 'o'
        yield 'k'
      },
    ],
  ])('keeps nothing of the last request of an idle keep-alive connection (%s)', async (_, answer) => {
    const app = new Flagon('idle-keep-alive')
    let last: WeakRef<object> | undefined
    app.get('/', () => {
      // Held by the request's app context (its g) and by nothing else.
      const marker = {}
      g.marker = marker
      last = new WeakRef(marker)
      return answer()
    })
    const port = await serve(app)
    const socket = connect(port, '127.0.0.1')
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    let received = ''
    while (!received.endsWith('ok') && !received.endsWith('0\r\n\r\n')) {
      received += (await new Promise<Buffer>((resolve) => socket.once('data', resolve))).toString()
    }
    expect(received).toMatch(/^HTTP\/1\.1 200/)
    // The connection stays open, waiting for another request: its keep-alive timer must not hold this one.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    // Up to 2 s: under a loaded test run the server may finish the response later than the client reads it.
    for (let i = 0; i < 200 && last?.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      gc()
    }
    expect(socket.destroyed).toBe(false)
    expect(last?.deref()).toBeUndefined()
    socket.destroy()
  })

  it('closes the connection after answering a request whose body has not arrived', async () => {
    const app = new Flagon('unread')
    app.post('/', () => 'ok')
    const port = await serve(app)
    const { answers } = await onOneConnection(port, [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf',
    ])
    expect(answers[0]!.toLowerCase()).toContain('connection: close')
  })

  it('sends Content-Length and Date, and for HEAD the same headers with no body', async () => {
    const app = new Flagon('head')
    app.get('/', () => 'twelve bytes')
    const port = await serve(app)
    const get = await raw(port, 'GET', '/')
    const head = await raw(port, 'HEAD', '/')
    expect(get.headers['content-length']).toBe('12')
    expect(get.headers.date).toBeTruthy()
    expect(head.headers['content-length']).toBe('12')
    expect(head.body).toBe('')
  })

  it('sends no body for 204 and 304', async () => {
    const app = new Flagon('nobody')
    app.get('/204', () => ['ignored', 204])
    app.get('/304', () => ['ignored', 304])
    const port = await serve(app)
    for (const status of [204, 304]) {
      const answer = await raw(port, 'GET', `/${status}`)
      expect([answer.status, answer.body, answer.headers['content-length']]).toEqual([status, '', undefined])
    }
  })

  it('streams an async generator with chunked encoding, keeping the request context', async () => {
    const app = new Flagon('stream')
    app.get('/events', async function* () {
      g.count = 0
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 2))
        g.count = (g.count as number) + 1
        yield `data: ${request.path} ${g.count}\n\n`
      }
    })
    const port = await serve(app)
    const answer = await raw(port, 'GET', '/events')
    expect(answer.headers['transfer-encoding']).toBe('chunked')
    expect(answer.body).toBe('data: /events 1\n\ndata: /events 2\n\ndata: /events 3\n\n')
  })

  it('runs teardown only after a streamed body has been sent', async () => {
    const app = new Flagon('stream-teardown')
    const trace: string[] = []
    app.teardownRequest(() => void trace.push('teardown'))
    app.get('/', async function* () {
      yield 'a'
      trace.push('streamed')
    })
    const port = await serve(app)
    await raw(port, 'GET', '/')
    await new Promise((r) => setTimeout(r, 10))
    expect(trace).toEqual(['streamed', 'teardown'])
  })

  it('cuts a response that takes longer than RESPONSE_TIMEOUT, and stops the generator', async () => {
    const app = new Flagon('timeout')
    app.config.RESPONSE_TIMEOUT = 0.05
    let finished = false
    app.get('/', async function* () {
      try {
        for (;;) {
          yield 'tick\n'
          await new Promise((r) => setTimeout(r, 10))
        }
      } finally {
        finished = true
      }
    })
    const port = await serve(app)
    await expect(raw(port, 'GET', '/')).rejects.toThrow()
    await new Promise((r) => setTimeout(r, 30))
    expect(finished).toBe(true)
  })
})

describe('the serving lifespan', () => {
  it('runs beforeServing and whileServing before the first request, the rest at close', async () => {
    const app = new Flagon('lifespan')
    const trace: string[] = []
    app.beforeServing(() => void trace.push('beforeServing'))
    app.whileServing(async function* () {
      trace.push('whileServing start')
      yield
      trace.push('whileServing end')
    })
    app.afterServing(() => void trace.push('afterServing'))
    app.get('/', () => {
      trace.push('request')
      return ''
    })
    const port = await serve(app)
    await raw(port, 'GET', '/')
    await app.close()
    expect(trace).toEqual([
      'beforeServing',
      'whileServing start',
      'request',
      'afterServing',
      'whileServing end',
    ])
  })

  it('lets an in-flight request finish when closing, and refuses new connections', async () => {
    const app = new Flagon('graceful')
    let release!: () => void
    const started = new Promise<void>((resolve) => {
      app.get('/slow', async () => {
        resolve()
        await new Promise<void>((r) => (release = r))
        return 'finished'
      })
    })
    const port = await serve(app)
    const slow = raw(port, 'GET', '/slow')
    await started
    const closing = app.close()
    await new Promise((r) => setTimeout(r, 20))
    await expect(raw(port, 'GET', '/slow')).rejects.toThrow()
    release()
    expect((await slow).body).toBe('finished')
    await closing
  })

  it('testApp runs the lifespan around a block', async () => {
    const app = new Flagon('test-app')
    const trace: string[] = []
    app.beforeServing(() => void trace.push('start'))
    app.afterServing(() => void trace.push('stop'))
    app.get('/', () => 'hi')
    await app.testApp(async (client) => {
      trace.push(await (await client.get('/')).text())
    })
    expect(trace).toEqual(['start', 'hi', 'stop'])
  })
})

describe('a view that never answers', () => {
  it('gets its client a 503 at RESPONSE_TIMEOUT, and others are served meanwhile', async () => {
    const app = new Flagon('stuck')
    app.config.RESPONSE_TIMEOUT = 0.1
    app.logger = { debug() {}, info() {}, warn() {}, error() {} }
    app.get('/stuck', () => new Promise(() => {}))
    app.get('/fine', () => 'fine')
    const port = await serve(app)
    const [stuck, fine] = await Promise.all([raw(port, 'GET', '/stuck'), raw(port, 'GET', '/fine')])
    expect(stuck.status).toBe(503)
    expect(stuck.headers.connection).toBe('close')
    expect(fine.body).toBe('fine')
  })
})
