/**
 * The upgrade listener (`src/server/upgrade.ts`) over raw TCP: a request whose Upgrade names another
 * protocol is answered as plain HTTP on the same connection (RFC 9110 §7.8 lets a server ignore
 * Upgrade); a client that leaves is noticed by the handler, before the handshake as after it,
 * and even while the socket is paused because the handler is not reading.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:https'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { Flagon, request, type WebsocketDisconnect, websocket } from '../../src/index.js'
import { recordLogs } from '../fixtures/logs.js'
import { exchange, parseResponses, sleep } from '../hostile/harness.js'

const apps: Flagon[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

function quietApp(): Flagon & { logged: string[] } {
  const app = recordLogs(new Flagon('upgrade'))
  apps.push(app)
  return app
}

async function listen(app: Flagon): Promise<number> {
  const server = await app.listen({ port: 0 })
  return (server.address() as AddressInfo).port
}

/** An app whose view tells what it saw; it reads the body, so that the connection stays open. */
function echoingApp(): Flagon & { logged: string[] } {
  const app = quietApp()
  app.route(
    '/',
    async () => {
      const body = await request.body()
      const { upgrade, connection } = Object.fromEntries(request.headers)
      return `${request.method} ${body.byteLength} upgrade=${upgrade ?? '-'} connection=${connection ?? '-'}`
    },
    { methods: ['GET', 'POST'] },
  )
  return app
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const handshake = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`

/** A masked binary frame, as a client sends it. */
function frame(payload: Uint8Array): Buffer {
  const key = randomBytes(4)
  const length = payload.byteLength
  const head =
    length < 126 ? Buffer.from([0x82, 0x80 | length]) : Buffer.from([0x82, 0xfe, length >> 8, length & 0xff])
  return Buffer.concat([head, key, Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!))])
}

/** The bodies of the responses in `text`, in order. */
function bodies(text: string): string[] {
  return text
    .split(/HTTP\/1\.1 \d{3}[^\r]*\r\n/)
    .slice(1)
    .map((response) => response.slice(response.indexOf('\r\n\r\n') + 4))
}

describe('a request asking to upgrade to another protocol', () => {
  const connections: Array<[name: string, fields: string, seen: string]> = [
    [
      'h2c, with its settings',
      'Connection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n',
      'connection=HTTP2-Settings',
    ],
    ['upgrade last among the options', 'Connection: keep-alive, upgrade\r\n', 'connection=keep-alive'],
    ['UPGRADE upper-cased', 'Connection: UPGRADE\r\n', 'connection=-'],
    ['two Connection fields', 'Connection: Upgrade\r\nConnection: keep-alive\r\n', 'connection=keep-alive'],
  ]
  for (const [name, fields, seen] of connections) {
    it(`is answered once as plain HTTP/1.1, without the upgrade: ${name}`, async () => {
      const port = await listen(echoingApp())
      const outcome = await exchange(port, [`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n${fields}\r\n`])
      expect(outcome.statuses).toEqual([200])
      expect(bodies(outcome.text)).toEqual([`GET 0 upgrade=- ${seen}`])
    })
  }

  it('keeps its body and what the client sent after it, and the connection serves the next request', async () => {
    const port = await listen(echoingApp())
    const outcome = await exchange(
      port,
      [
        'POST / HTTP/1.1\r\nHost: x\r\nUpgrade: frobnicate/1.0\r\nConnection: Upgrade\r\nContent-Length: 5\r\n\r\nhello',
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
      ],
      { responses: 2 },
    )
    expect(outcome.statuses).toEqual([200, 200])
    expect(bodies(outcome.text)).toEqual(['POST 5 upgrade=- connection=-', 'POST 3 upgrade=- connection=-'])
  })

  it('is answered as plain HTTP when Upgrade: websocket comes with another method (as Hypercorn does)', async () => {
    const port = await listen(echoingApp())
    const outcome = await exchange(port, [
      `${handshake('/').replace('GET', 'POST').slice(0, -2)}Content-Length: 2\r\n\r\nhi`,
    ])
    expect(outcome.statuses).toEqual([200])
    expect(bodies(outcome.text)).toEqual(['POST 2 upgrade=- connection=-'])
  })

  it('is answered as plain HTTP over TLS too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flagon-upgrade-'))
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      )
      const app = echoingApp()
      const server = createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        app.handler,
      )
      server.on('upgrade', app.upgradeHandler)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const { port } = server.address() as AddressInfo
      const socket = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      let received = Buffer.alloc(0)
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk])
      })
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n')
      const started = performance.now()
      while (parseResponses(received).complete < 1 && performance.now() - started < 3000) await sleep(10)
      socket.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      expect(parseResponses(received).statuses).toEqual([200])
      expect(bodies(received.toString())).toEqual(['GET 0 upgrade=- connection=-'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a client that leaves before the handler accepts', () => {
  it('ends the handler: accept() rejects with 1006, teardownWebsocket runs, and nothing is logged', async () => {
    const app = quietApp()
    const seen: unknown[] = []
    let tornDown!: () => void
    const teardown = new Promise<void>((resolve) => (tornDown = resolve))
    app.teardownWebsocket(() => tornDown())
    app.websocket('/ws', async () => {
      await sleep(100)
      try {
        await websocket.accept()
        seen.push('accepted')
      } catch (error) {
        seen.push((error as WebsocketDisconnect).code, websocket.closed?.code, websocket.signal.aborted)
        throw error
      }
    })
    const port = await listen(app)
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write(handshake('/ws'))
    await sleep(30)
    socket.destroy()
    await teardown
    expect(seen).toEqual([1006, 1006, true])
    expect(app.logged).toEqual([])
  })
})

/** Opens a websocket on a raw socket; resolves once the 101 has been read. */
function openRaw(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.once('data', (chunk: Buffer) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) reject(new Error(chunk.toString('latin1')))
      // Read whatever the server sends from now on, so that nothing is left unread on this side.
      socket.on('data', () => {})
      resolve(socket)
    })
    socket.write(handshake(path))
  })
}

/** Writes 64 KiB frames until the server stops reading (no drain for 500 ms). */
async function flood(socket: Socket): Promise<void> {
  const message = frame(new Uint8Array(60_000).fill(7))
  for (let sent = 0; sent < 256 * 1024 * 1024; sent += message.byteLength) {
    if (socket.write(message)) continue
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('drain', () => resolve(true))),
      sleep(500).then(() => false),
    ])
    if (!drained) return
  }
  throw new Error('the server never stopped reading')
}

describe('a client that leaves a handler that is not reading', () => {
  const leaving: Array<[name: string, leave: (socket: Socket) => void]> = [
    ['closing its socket (a FIN behind the unread data)', (socket) => socket.destroy()],
    ['resetting the connection', (socket) => socket.resetAndDestroy()],
  ]
  for (const [name, leave] of leaving) {
    it(`is noticed at once, not at the next ping a minute later: ${name}`, async () => {
      const app = quietApp()
      app.config.WEBSOCKET_PING_INTERVAL = 60
      let left = 0
      let noticedAfter = Number.POSITIVE_INFINITY
      const events: string[] = []
      let tornDown!: () => void
      const teardown = new Promise<void>((resolve) => (tornDown = resolve))
      app.teardownWebsocket(() => {
        events.push('teardown')
        tornDown()
      })
      app.websocket('/deaf', async () => {
        await websocket.accept()
        await new Promise((resolve) => websocket.signal.addEventListener('abort', resolve))
        noticedAfter = performance.now() - left
        events.push('aborted')
        // What arrived before the client left is still delivered, then the disconnect.
        let received = 0
        try {
          for (;;) {
            await websocket.receive()
            received++
          }
        } catch (error) {
          events.push(`${received > 0 ? 'some' : 'no'} messages, then ${(error as WebsocketDisconnect).code}`)
        }
      })
      const port = await listen(app)
      const socket = await openRaw(port, '/deaf')
      await flood(socket)
      left = performance.now()
      leave(socket)
      await teardown
      // Knocked on every 250 ms: a reset is seen at the first knock, a closed socket at the second.
      expect(noticedAfter).toBeLessThan(1500)
      expect(events).toEqual(['aborted', 'some messages, then 1006', 'teardown'])
      expect(app.logged).toEqual([])
    })
  }
})
