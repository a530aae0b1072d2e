import { afterEach, describe, expect, it } from 'vitest'
import {
  abort,
  Blueprint,
  currentApp,
  Flagon,
  g,
  type TestClient,
  urlFor,
  type WebsocketDisconnect,
  WebsocketResponseError,
  websocket,
} from '../../src/index.js'
import { recordLogs } from '../fixtures/logs.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function quietApp(name = 'ws'): Flagon & { logged: string[] } {
  return recordLogs(new Flagon(name))
}

function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

async function rejection(promise: Promise<unknown>): Promise<WebsocketResponseError['response']> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WebsocketResponseError) return error.response
    throw error
  }
  throw new Error('the handshake was accepted')
}

describe('a websocket route', () => {
  it('echoes messages with its URL parameters, iterating until the client closes', async () => {
    const app = quietApp()
    let ended = false
    app.websocket('/ws/<room>', async ({ room }) => {
      await websocket.accept()
      for await (const message of websocket) await websocket.send(`${room}: ${message}`)
      ended = true
    })
    const ws = await clientOf(app).websocket('/ws/lobby')
    await ws.send('hi')
    expect(await ws.receive()).toBe('lobby: hi')
    await ws.send(new Uint8Array([1, 2]))
    expect(await ws.receive()).toBe('lobby: 1,2')
    await ws.close()
    await new Promise((r) => setTimeout(r, 20))
    expect(ended).toBe(true)
  })

  it('hands messages to receivers waiting together in the order they asked, then ends their loops on close', async () => {
    const app = quietApp()
    let looped: string[] | undefined
    app.websocket('/ws', async () => {
      await websocket.accept()
      const [a, b, c] = await Promise.all([websocket.receive(), websocket.receive(), websocket.receive()])
      await websocket.send(`${a} ${b} ${c}`)
      // Two loops waiting at once: the close ends both.
      const seen: string[] = []
      const loop = async () => {
        for await (const message of websocket) seen.push(String(message))
      }
      await Promise.all([loop(), loop()])
      looped = seen
    })
    const ws = await clientOf(app).websocket('/ws')
    for (const word of ['one', 'two', 'three']) await ws.send(word)
    expect(await ws.receive()).toBe('one two three')
    await ws.send('four')
    await new Promise((r) => setTimeout(r, 20))
    await ws.close()
    const deadline = performance.now() + 2000
    while (!looped && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5))
    expect(looped).toEqual(['four'])
  })

  it('accepts implicitly on the first send, and closes with 1000 when the handler returns', async () => {
    const app = quietApp()
    app.websocket('/ws', async () => {
      await websocket.sendJson({ hello: websocket.path, scheme: websocket.scheme })
    })
    const ws = await clientOf(app).websocket('/ws')
    expect(await ws.receiveJson()).toEqual({ hello: '/ws', scheme: 'ws' })
    expect((await ws.waitClosed()).code).toBe(1000)
  })

  it('closes with 1011 and logs when the handler throws after accepting', async () => {
    const app = quietApp()
    app.websocket('/ws', async () => {
      await websocket.accept()
      throw new Error('boom')
    })
    const ws = await clientOf(app).websocket('/ws')
    expect((await ws.waitClosed()).code).toBe(1011)
    expect(app.logged).toContain('Exception on websocket /ws')
  })

  it('sees g, currentApp and the websocket inside everything it awaits', async () => {
    const app = quietApp('contexts')
    app.beforeWebsocket(() => {
      g.user = 'ann'
    })
    const nested = async () => {
      await new Promise((r) => setTimeout(r, 1))
      return `${currentApp.name} ${g.user} ${websocket.args.get('x')}`
    }
    app.websocket('/ws', async () => {
      await websocket.send(await nested())
    })
    const ws = await clientOf(app).websocket('/ws?x=1')
    expect(await ws.receive()).toBe('contexts ann 1')
  })

  it('negotiates a subprotocol and sends accept headers', async () => {
    const app = quietApp()
    app.websocket('/ws', async () => {
      const offered = websocket.requestedSubprotocols
      await websocket.accept({ subprotocol: offered[1]!, headers: { 'x-accepted': 'yes' } })
      await websocket.sendJson(offered)
    })
    const ws = await clientOf(app).websocket('/ws', { subprotocols: ['chat', 'superchat'] })
    expect(ws.subprotocol).toBe('superchat')
    expect(ws.headers.get('x-accepted')).toBe('yes')
    expect(await ws.receiveJson()).toEqual(['chat', 'superchat'])
  })

  it('lets the handler see the client leave: receive throws with the code and the signal aborts', async () => {
    const app = quietApp()
    const seen: unknown[] = []
    let tornDown!: () => void
    const teardown = new Promise<void>((r) => (tornDown = r))
    app.teardownWebsocket(() => tornDown())
    app.websocket('/ws', async () => {
      await websocket.accept()
      try {
        await websocket.receive()
      } catch (error) {
        seen.push((error as WebsocketDisconnect).code, websocket.signal.aborted)
        throw error
      }
    })
    const ws = await clientOf(app).websocket('/ws')
    await ws.close(4001, 'bye')
    await teardown
    expect(seen).toEqual([4001, true])
    expect(app.logged).toEqual([])
  })

  it('closes a connection sending a message over WEBSOCKET_MAX_MESSAGE_SIZE with 1009', async () => {
    const app = quietApp()
    app.config.WEBSOCKET_MAX_MESSAGE_SIZE = 1024
    app.websocket('/ws', async () => {
      for await (const message of websocket) await websocket.send(String(message.length))
    })
    const ws = await clientOf(app).websocket('/ws')
    await ws.send('x'.repeat(100))
    expect(await ws.receive()).toBe('100')
    await ws.send('x'.repeat(2000))
    expect((await ws.waitClosed()).code).toBe(1009)
  })

  it('builds absolute ws:// URLs for websocket endpoints', async () => {
    const app = quietApp()
    app.websocket('/chat/<room>', function chat() {
      return undefined
    })
    app.get('/', () => urlFor('chat', { room: 'a' }))
    expect(await (await clientOf(app).get('/')).text()).toBe('ws://localhost/chat/a')
  })
})

describe('a websocket handshake that is not accepted', () => {
  const rows: Array<
    [name: string, setup: (app: Flagon) => void, path: string, status: number, body?: string]
  > = [
    [
      'a returned response rejects it',
      (app) => app.websocket('/ws', () => ['nope', 403, { 'x-r': '1' }]),
      '/ws',
      403,
      'nope',
    ],
    ['abort() rejects it with the error page', (app) => app.websocket('/ws', () => abort(401)), '/ws', 401],
    [
      'a value from beforeWebsocket rejects it',
      (app) => {
        app.beforeWebsocket(() => ['not you', 403])
        app.websocket('/ws', () => websocket.accept())
      },
      '/ws',
      403,
      'not you',
    ],
    [
      'closing before accepting answers 403',
      (app) =>
        app.websocket('/ws', async () => {
          await websocket.close(1008)
        }),
      '/ws',
      403,
    ],
    [
      'returning nothing without accepting answers 500',
      (app) => app.websocket('/ws', () => undefined),
      '/ws',
      500,
    ],
    ['a path with no route answers 404', (app) => app.websocket('/ws', () => undefined), '/other', 404],
    ['a path with only an HTTP route answers 400', (app) => app.get('/http', () => 'x'), '/http', 400],
  ]
  for (const [name, setup, path, status, body] of rows) {
    it(name, async () => {
      const app = quietApp()
      setup(app)
      const response = await rejection(clientOf(app).websocket(path))
      expect(response.status).toBe(status)
      if (body !== undefined) expect(response.body).toBe(body)
    })
  }

  it('keeps the headers of a returned response', async () => {
    const app = quietApp()
    app.websocket('/ws', () => ['nope', 403, { 'x-r': '1' }])
    expect((await rejection(clientOf(app).websocket('/ws'))).headers.get('x-r')).toBe('1')
  })

  it('logs a handler that returned without accepting', async () => {
    const app = quietApp()
    app.websocket('/ws', () => undefined)
    await rejection(clientOf(app).websocket('/ws'))
    expect(app.logged.join('\n')).toMatch(/returned without accepting/)
  })

  it('an HTTP request to a websocket-only path answers 400', async () => {
    const app = quietApp()
    app.websocket('/ws', () => undefined)
    expect((await clientOf(app).get('/ws')).status).toBe(400)
  })
})

describe('websocket hooks', () => {
  it("run in Quart's order, blueprint teardownWebsocket included (Quart forgets it)", async () => {
    const app = quietApp()
    const trace: string[] = []
    const bp = new Blueprint('live', { urlPrefix: '/live' })
    app.beforeWebsocket(() => void trace.push('app.before'))
    bp.beforeWebsocket(() => void trace.push('bp.before'))
    bp.afterWebsocket((response) => void trace.push(`bp.after ${response}`))
    app.afterWebsocket((response) => void trace.push(`app.after ${response}`))
    bp.teardownWebsocket((error) => void trace.push(`bp.teardown ${error}`))
    app.teardownWebsocket((error) => void trace.push(`app.teardown ${error}`))
    let done!: () => void
    const finished = new Promise<void>((r) => (done = r))
    app.teardownWebsocket(() => done())
    bp.websocket('/ws', async () => {
      await websocket.accept()
      trace.push('handler')
    })
    app.registerBlueprint(bp)
    const ws = await clientOf(app).websocket('/live/ws')
    await finished
    await ws.waitClosed()
    expect(trace).toEqual([
      'app.before',
      'bp.before',
      'handler',
      'bp.after undefined',
      'app.after undefined',
      'bp.teardown undefined',
      'app.teardown undefined',
    ])
  })
})

describe('shutting down', () => {
  it('closes open websockets with 1001 after the grace period', async () => {
    const app = quietApp()
    app.config.WEBSOCKET_SHUTDOWN_GRACE = 0.05
    app.websocket('/ws', async () => {
      await websocket.accept()
      for await (const _ of websocket) {
        // keep listening
      }
    })
    const server = await app.listen({ port: 0 })
    const { port } = server.address() as import('node:net').AddressInfo
    const { WebSocket } = await import('ws')
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`)
    await new Promise((r) => socket.once('open', r))
    const code = new Promise<number>((r) => socket.once('close', (c) => r(c)))
    await app.close()
    expect(await code).toBe(1001)
  })
})

describe('keeping websockets alive', () => {
  it('pings every WEBSOCKET_PING_INTERVAL and drops a peer that stops answering', async () => {
    const app = quietApp()
    app.config.WEBSOCKET_PING_INTERVAL = 0.05
    app.websocket('/ws', async () => {
      await websocket.accept()
      for await (const _ of websocket) {
        // listen until the peer is gone
      }
    })
    const server = await app.listen({ port: 0 })
    const { port } = server.address() as import('node:net').AddressInfo
    const { WebSocket } = await import('ws')
    const answering = new WebSocket(`ws://127.0.0.1:${port}/ws`)
    const silent = new WebSocket(`ws://127.0.0.1:${port}/ws`, { autoPong: false })
    let pings = 0
    answering.on('ping', () => pings++)
    const silentClosed = new Promise<number>((r) => silent.once('close', (code) => r(code)))
    await Promise.all([answering, silent].map((s) => new Promise((r) => s.once('open', r))))
    expect(await silentClosed).toBe(1006)
    expect(pings).toBeGreaterThanOrEqual(2)
    expect(answering.readyState).toBe(WebSocket.OPEN)
    answering.close()
    await app.close()
  })

  it('does not drop a peer for pongs it sent while the handler was not reading', async () => {
    const app = quietApp()
    app.config.WEBSOCKET_PING_INTERVAL = 0.05
    app.websocket('/ws', async () => {
      await websocket.accept()
      // Busy for many ping intervals while the client's messages fill the queue and reading pauses.
      await new Promise((r) => setTimeout(r, 500))
      let received = 0
      for await (const _ of websocket) if (++received === 100) await websocket.send('all 100')
    })
    const server = await app.listen({ port: 0 })
    const { port } = server.address() as import('node:net').AddressInfo
    const { WebSocket } = await import('ws')
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`)
    await new Promise((r) => client.once('open', r))
    const answer = new Promise((resolve, reject) => {
      client.once('message', (data) => resolve(String(data)))
      client.once('close', (code) => reject(new Error(`closed with ${code}`)))
    })
    for (let i = 0; i < 100; i++) client.send(`message ${i}`)
    expect(await answer).toBe('all 100')
    client.close()
    await app.close()
  })
})

describe('websocket.send', () => {
  /** A client that completes the handshake by hand, then reads only when told to. */
  async function rawClient(port: number, path: string): Promise<import('node:net').Socket> {
    const { connect } = await import('node:net')
    const socket = connect(port, '127.0.0.1')
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    let head = ''
    while (!head.includes('\r\n\r\n')) {
      const chunk: Buffer = await new Promise((resolve) => socket.once('data', resolve))
      head += chunk.toString('latin1')
    }
    expect(head).toMatch(/^HTTP\/1\.1 101/)
    return socket
  }

  it('resolves at once while the socket takes the frame', async () => {
    const app = quietApp()
    let settledAtOnce: boolean | undefined
    app.websocket('/ws', async () => {
      await websocket.accept()
      const sending = websocket.send('hello')
      const first = await Promise.race([sending.then(() => 'sent'), Promise.resolve().then(() => 'pending')])
      settledAtOnce = first === 'sent'
    })
    const server = await app.listen({ port: 0 })
    const socket = await rawClient((server.address() as import('node:net').AddressInfo).port, '/ws')
    while (settledAtOnce === undefined) await new Promise((r) => setTimeout(r, 5))
    expect(settledAtOnce).toBe(true)
    socket.destroy()
    await app.close()
  })

  it('waits for a client that does not read once 64 KiB wait to be written, and goes on when it reads', async () => {
    const app = quietApp()
    const chunk = new Uint8Array(64 * 1024)
    const total = 1024 // 64 MiB: far more than the kernel's socket buffers hold on loopback
    let sent = 0
    let finished = false
    app.websocket('/ws', async () => {
      for (; sent < total; sent++) await websocket.send(chunk)
      finished = true
    })
    const server = await app.listen({ port: 0 })
    const socket = await rawClient((server.address() as import('node:net').AddressInfo).port, '/ws')
    socket.pause()
    await new Promise((r) => setTimeout(r, 500))
    // Stalled: what the kernel buffers plus one frame over the mark, not all 64 MiB.
    expect(sent).toBeGreaterThan(0)
    expect(sent).toBeLessThan(total / 2)
    const stalledAt = sent
    await new Promise((r) => setTimeout(r, 200))
    expect(sent).toBe(stalledAt)
    socket.resume()
    const deadline = performance.now() + 10_000
    while (!finished && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10))
    expect(finished).toBe(true)
    socket.destroy()
    await app.close()
  })
})
