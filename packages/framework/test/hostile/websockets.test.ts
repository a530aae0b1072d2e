/**
 * Hostile websockets over raw TCP: bad handshakes are refused with an HTTP 4xx (never a hang);
 * frames that break RFC 6455 close the connection with 1002, invalid UTF-8 with 1007, a length
 * over the limit with 1009; abrupt disconnects end the handler; a client flooding a handler that
 * does not read is stopped (Flagon stops reading from it) instead of buffered, and its leaving is
 * noticed within a second all the same; 1,000 idle sockets cost a bounded amount each. The process
 * stays up and answers after every case.
 *
 * The frame checks themselves are `ws`'s (its Receiver); the suite checks that Flagon wires them
 * so that nothing gets past them: no crash on the 'error' they raise, and the handler ends.
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  answers,
  describeOutcome,
  type Expectation,
  either,
  exchange,
  HostileServer,
  probe,
  Report,
  refused,
  type ServerStats,
  sleep,
} from './harness.js'

const MiB = 1024 * 1024
const MAX_MESSAGE = MiB
const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
/** Seconds between pings: short, so that a peer that stops answering is found within the suite. */
const PING_INTERVAL = 1

const handshake = (path: string, headers = `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${headers}\r\n`

interface FrameOptions {
  fin?: boolean
  rsv?: number
  opcode: number
  payload?: Uint8Array | string
  mask?: boolean
  /** A length to declare instead of the payload's own. */
  length?: bigint
}

/** One frame, masked unless told otherwise (clients must mask). */
function frame({ fin = true, rsv = 0, opcode, payload = '', mask = true, length }: FrameOptions): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload)
  const declared = length ?? BigInt(data.length)
  const head = [((fin ? 0x80 : 0) | (rsv << 4) | opcode) & 0xff]
  const maskBit = mask ? 0x80 : 0
  let extended = Buffer.alloc(0)
  if (declared < 126n) head.push(maskBit | Number(declared))
  else if (declared < 65536n) {
    head.push(maskBit | 126)
    extended = Buffer.alloc(2)
    extended.writeUInt16BE(Number(declared))
  } else {
    head.push(maskBit | 127)
    extended = Buffer.alloc(8)
    extended.writeBigUInt64BE(declared)
  }
  if (!mask) return Buffer.concat([Buffer.from(head), extended, data])
  const key = randomBytes(4)
  const masked = Buffer.from(data.map((byte, i) => byte ^ key[i % 4]!))
  return Buffer.concat([Buffer.from(head), extended, key, masked])
}
const closeFrame = (code: number, reason: Uint8Array | string = '') => {
  const body = Buffer.alloc(2)
  body.writeUInt16BE(code)
  return frame({ opcode: 0x8, payload: Buffer.concat([body, Buffer.from(reason)]) })
}

/** An open websocket on a raw socket: the 101 has been read; collects what the server sends. */
class RawWebsocket {
  received = Buffer.alloc(0)
  closed = false
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
    })
    socket.on('close', () => {
      this.closed = true
    })
  }

  static open(port: number, path: string): Promise<RawWebsocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => {})
      let head = Buffer.alloc(0)
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end === -1) return
        socket.off('data', onData)
        if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
          socket.destroy()
          return reject(new Error(`no 101: ${head.subarray(0, 40).toString()}`))
        }
        const ws = new RawWebsocket(socket)
        ws.received = head.subarray(end + 4)
        resolve(ws)
      }
      socket.on('data', onData)
      socket.once('connect', () => socket.write(handshake(path)))
    })
  }

  /** The close code the server sent (or null), once the connection has closed or after `ms`. */
  async closeCode(ms = 2000): Promise<{ code: number | null; closed: boolean; after: number }> {
    const started = performance.now()
    while (!this.closed && performance.now() - started < ms) await sleep(5)
    const after = Math.round(performance.now() - started)
    // The server's close frame: 0x88, a 7-bit length (unmasked), then the code.
    const at = this.received.indexOf(0x88)
    const code = at !== -1 && this.received.length >= at + 4 ? this.received.readUInt16BE(at + 2) : null
    return { code, closed: this.closed, after }
  }
}

/** One answer with `status`, whose head matches `field` (a header the status requires). */
const answersWith =
  (status: number, field: RegExp): Expectation =>
  (o) =>
    answers(status)(o) ?? (field.test(o.text.slice(0, o.text.indexOf('\r\n\r\n'))) ? null : `no ${field}`)

// RFC 6455 §4.2.2: a version other than 13 gets 426 with the version spoken (and, RFC 9110 §15.5.22, Upgrade).
const upgradeRequired = answersWith(426, /\r\nsec-websocket-version: 13\r\n(?:.*\r\n)*upgrade: websocket/i)

const upgradeCases: Array<[name: string, request: string, expect: Expectation]> = [
  ['no Sec-WebSocket-Key', handshake('/ws/echo', 'Sec-WebSocket-Version: 13\r\n'), answers(400)],
  [
    'a Sec-WebSocket-Key that is not 16 bytes',
    handshake('/ws/echo', 'Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n'),
    answers(400),
  ],
  ['no Sec-WebSocket-Version', handshake('/ws/echo', `Sec-WebSocket-Key: ${KEY}\r\n`), upgradeRequired],
  [
    'Sec-WebSocket-Version: 14',
    handshake('/ws/echo', `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 14\r\n`),
    upgradeRequired,
  ],
  [
    'Sec-WebSocket-Version: 8 (a 2011 draft)',
    handshake('/ws/echo', `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 8\r\n`),
    upgradeRequired,
  ],
  [
    'Sec-WebSocket-Version: 13 twice',
    handshake(
      '/ws/echo',
      `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13\r\n`,
    ),
    upgradeRequired,
  ],
  [
    'a Sec-WebSocket-Protocol that is not a token list',
    handshake(
      '/ws/echo',
      `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, ,chat\r\n`,
    ),
    answers(400),
  ],
  // Not a handshake (RFC 6455 asks for GET): answered as plain HTTP, as Hypercorn does.
  ['a POST upgrade to a websocket route', handshake('/ws/echo').replace('GET', 'POST'), answers(405)],
  [
    'a POST upgrade with a body to an HTTP route',
    `${handshake('/echo').replace('GET', 'POST').slice(0, -2)}Content-Length: 3\r\n\r\nabc`,
    answers(200),
  ],
  ['HTTP/1.0 upgrade', handshake('/ws/echo').replace('HTTP/1.1', 'HTTP/1.0'), answers(400)],
  // RFC 9110 §7.8: a server may ignore Upgrade; these are answered as plain HTTP/1.1.
  [
    'Upgrade: h2c',
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n',
    answers(200),
  ],
  [
    'Upgrade: an unknown token',
    handshake('/').replace('Upgrade: websocket', 'Upgrade: frobnicate/1.0'),
    answers(200),
  ],
  [
    'Upgrade: an unknown token on a websocket route',
    handshake('/ws/echo').replace('Upgrade: websocket', 'Upgrade: frobnicate/1.0'),
    answers(400),
  ],
  ['Upgrade: websocket on an HTTP-only route', handshake('/http-only'), answers(400)],
  ['Upgrade: websocket on a route that does not exist', handshake('/nowhere'), answers(404)],
  [
    'Upgrade: websocket with a bad percent-escape',
    handshake('/ws/%E0%A4%A'),
    either(answers(400, 404), refused),
  ],
  [
    'Upgrade without Connection: Upgrade',
    handshake('/').replace('Connection: Upgrade\r\n', ''),
    answers(200),
  ],
  ['a handshake of 64 KiB headers', handshake('/ws/echo', `X-Big: ${'a'.repeat(65536)}\r\n`), refused],
]

const frameCases: Array<[name: string, bytes: Buffer[], codes: number[]]> = [
  ['an unmasked client frame', [frame({ opcode: 0x1, payload: 'hi', mask: false })], [1002]],
  ['RSV1 set with no extension', [frame({ opcode: 0x1, payload: 'hi', rsv: 4 })], [1002]],
  ['RSV2 set', [frame({ opcode: 0x1, payload: 'hi', rsv: 2 })], [1002]],
  ['RSV3 set', [frame({ opcode: 0x1, payload: 'hi', rsv: 1 })], [1002]],
  ['reserved data opcode 0x3', [frame({ opcode: 0x3, payload: 'hi' })], [1002]],
  ['reserved control opcode 0xB', [frame({ opcode: 0xb, payload: 'hi' })], [1002]],
  [
    'invalid UTF-8 in a text frame',
    [frame({ opcode: 0x1, payload: Buffer.from([0xc3, 0x28, 0xff]) })],
    [1007],
  ],
  [
    'a UTF-16 surrogate encoded in a text frame',
    [frame({ opcode: 0x1, payload: Buffer.from([0xed, 0xa0, 0x80]) })],
    [1007],
  ],
  [
    'invalid UTF-8 split across fragments',
    [
      frame({ opcode: 0x1, fin: false, payload: Buffer.from([0xe2, 0x82]) }),
      frame({ opcode: 0x0, payload: Buffer.from([0x28]) }),
    ],
    [1007],
  ],
  ['a fragmented ping', [frame({ opcode: 0x9, fin: false, payload: 'p' })], [1002]],
  ['a ping of 126 bytes', [frame({ opcode: 0x9, payload: 'p'.repeat(126) })], [1002]],
  ['a continuation with nothing to continue', [frame({ opcode: 0x0, payload: 'x' })], [1002]],
  [
    'a new message in the middle of a fragmented one',
    [frame({ opcode: 0x1, fin: false, payload: 'a' }), frame({ opcode: 0x1, payload: 'b' })],
    [1002],
  ],
  ['a declared length of 2^63', [frame({ opcode: 0x2, length: 2n ** 63n })], [1009]],
  ['a declared length of 2^64 - 1', [frame({ opcode: 0x2, length: 2n ** 64n - 1n })], [1009]],
  [
    'a declared length over WEBSOCKET_MAX_MESSAGE_SIZE',
    [frame({ opcode: 0x2, length: BigInt(MAX_MESSAGE + 1) })],
    [1009],
  ],
  [
    'fragments that add up to more than the limit',
    [
      ...Array.from({ length: 3 }, (_, i) =>
        frame({ opcode: i === 0 ? 0x2 : 0x0, fin: false, payload: Buffer.alloc(MAX_MESSAGE / 2) }),
      ),
      frame({ opcode: 0x0, payload: 'end' }),
    ],
    [1009],
  ],
  ['close code 999', [closeFrame(999)], [1002]],
  ['close code 1004 (reserved)', [closeFrame(1004)], [1002]],
  ['close code 1005 (never sent)', [closeFrame(1005)], [1002]],
  ['close code 1006 (never sent)', [closeFrame(1006)], [1002]],
  ['close code 1015 (never sent)', [closeFrame(1015)], [1002]],
  ['close code 2999', [closeFrame(2999)], [1002]],
  ['close code 5000', [closeFrame(5000)], [1002]],
  ['a close frame of one byte', [frame({ opcode: 0x8, payload: Buffer.from([0x03]) })], [1002]],
  ['a close reason that is not UTF-8', [closeFrame(1000, Buffer.from([0xff, 0xfe]))], [1007]],
  ['a valid close (1000)', [closeFrame(1000, 'bye')], [1000]],
  ['a valid close (4000, an application code)', [closeFrame(4000)], [4000]],
]

let server: HostileServer
let before: ServerStats
const report = new Report('WebSockets')
beforeAll(async () => {
  server = await HostileServer.start({
    WEBSOCKET_MAX_MESSAGE_SIZE: MAX_MESSAGE,
    WEBSOCKET_PING_INTERVAL: PING_INTERVAL,
  })
  await probe(server.port)
  before = await server.stats()
})
afterAll(async () => {
  report.print()
  await server.stop()
})

/** A websocket round trip on a new connection, to show the server still serves websockets. */
async function echoWorks(): Promise<boolean> {
  const ws = await RawWebsocket.open(server.port, '/ws/echo')
  ws.socket.write(frame({ opcode: 0x1, payload: 'ping?' }))
  const started = performance.now()
  while (!ws.received.includes('ping?') && performance.now() - started < 2000) await sleep(5)
  ws.socket.destroy()
  return ws.received.includes('ping?')
}

describe('a hostile websocket handshake', () => {
  for (const [name, request, expectation] of upgradeCases) {
    it(name, async () => {
      const outcome = await exchange(server.port, [request])
      report.add(`handshake: ${name}`, describeOutcome(outcome))
      expect(expectation(outcome), describeOutcome(outcome)).toBeNull()
      await probe(server.port)
    })
  }
})

describe('a hostile websocket frame', () => {
  for (const [name, frames, codes] of frameCases) {
    it(`${name}: closed with ${codes.join(' or ')}`, async () => {
      const ws = await RawWebsocket.open(server.port, '/ws/echo')
      for (const bytes of frames) ws.socket.write(bytes)
      const { code, closed, after } = await ws.closeCode()
      ws.socket.destroy()
      report.add(
        `frame: ${name}`,
        `${code ?? 'no close frame'}${closed ? ', closed' : ', still open'} in ${after} ms`,
      )
      expect(code).toBeOneOf(codes)
      expect(closed).toBe(true)
      expect(await echoWorks()).toBe(true)
    })
  }

  it('an abrupt disconnect mid-frame ends the handler', async () => {
    for (let i = 0; i < 20; i++) {
      const ws = await RawWebsocket.open(server.port, '/ws/echo')
      const whole = frame({ opcode: 0x2, payload: Buffer.alloc(1000) })
      ws.socket.write(whole.subarray(0, 1 + (i % 10) * 50))
      await sleep(5)
      ws.socket.destroy()
    }
    const started = performance.now()
    let running = (await server.stats()).websocketsRunning
    while (running > 0 && performance.now() - started < 2000) {
      await sleep(20)
      running = (await server.stats()).websocketsRunning
    }
    report.add('20 abrupt disconnects mid-frame', `${running} handlers still running`)
    expect(running).toBe(0)
    expect(await echoWorks()).toBe(true)
  })
})

/**
 * Writes 64 KiB messages until the server stops reading (no drain for 750 ms), or 256 MiB, or 8 s;
 * resolves with the bytes written.
 */
async function floodUntilStopped(ws: RawWebsocket, limit = 256 * MiB): Promise<number> {
  const message = frame({ opcode: 0x2, payload: Buffer.alloc(64 * 1024, 7) })
  let sent = 0
  const started = performance.now()
  while (sent < limit && performance.now() - started < 8000) {
    const drained = ws.socket.write(message)
    sent += message.byteLength
    if (drained) continue
    const ok = await Promise.race([
      new Promise<boolean>((resolve) => ws.socket.once('drain', () => resolve(true))),
      sleep(750).then(() => false),
    ])
    if (!ok) break
  }
  return sent
}

/** Milliseconds until `server` runs no websocket handler, or null after `deadline` ms. */
async function handlersEndWithin(server: HostileServer, deadline: number): Promise<number | null> {
  const started = performance.now()
  while ((await server.stats()).websocketsRunning > 0) {
    if (performance.now() - started > deadline) return null
    await sleep(20)
  }
  return Math.round(performance.now() - started)
}

describe('a greedy websocket client', () => {
  it('flooding a handler that does not read is stopped, not buffered', async () => {
    const ws = await RawWebsocket.open(server.port, '/ws/deaf')
    const sent = await floodUntilStopped(ws)
    const stats = await server.stats()
    const peak =
      stats.memory.heapUsed + stats.memory.arrayBuffers - before.memory.heapUsed - before.memory.arrayBuffers
    ws.socket.destroy()
    expect(await handlersEndWithin(server, 3000)).not.toBeNull()
    report.add(
      'a flood at a handler that does not read',
      `the server stopped reading after ${(sent / MiB).toFixed(1)} MiB of 256 MiB; its heap + buffers grew ${(peak / MiB).toFixed(1)} MiB`,
    )
    expect(sent).toBeLessThan(32 * MiB)
    expect(peak).toBeLessThan(16 * MiB)
    expect(await echoWorks()).toBe(true)
  }, 15_000)
})

describe('a client leaving a handler that does not read', () => {
  // Its own server, pinging once a minute: what notices the client leave here is not the ping.
  let quiet: HostileServer
  beforeAll(async () => {
    quiet = await HostileServer.start({ WEBSOCKET_PING_INTERVAL: 60 })
  })
  afterAll(async () => {
    await quiet.stop()
  })

  const leaving: Array<[name: string, flood: number, leave: (socket: Socket) => void]> = [
    ['closes its socket after a flood (its FIN waits behind the unread data)', 256 * MiB, (s) => s.destroy()],
    ['resets the connection after a flood', 256 * MiB, (s) => s.resetAndDestroy()],
    ['half-closes after 100 small messages (the end is buffered, unread)', 0, (s) => s.end()],
  ]
  for (const [name, limit, leave] of leaving) {
    it(`${name}: the handler ends at once, not at the next ping`, async () => {
      const ws = await RawWebsocket.open(quiet.port, '/ws/deaf')
      if (limit) await floodUntilStopped(ws, limit)
      else for (let i = 0; i < 100; i++) ws.socket.write(frame({ opcode: 0x1, payload: `message ${i}` }))
      await sleep(300)
      leave(ws.socket)
      const after = await handlersEndWithin(quiet, 3000)
      ws.socket.destroy()
      report.add(
        `a client leaving a deaf handler: ${name}`,
        after === null ? 'not noticed in 3 s' : `noticed in ${after} ms`,
      )
      expect(after).not.toBeNull()
      // Knocked on every 250 ms: a reset is seen at the first knock, a closed socket at the second.
      expect(after).toBeLessThan(1500)
    }, 20_000)
  }

  it('the process logged no error', async () => {
    expect((await quiet.stats()).errors).toEqual([])
  })
})

describe('1,000 idle websockets', () => {
  // A server of their own, so that what other cases left (a flood's buffers) does not blur the sums.
  let idle: HostileServer
  beforeAll(async () => {
    idle = await HostileServer.start()
    // A first websocket loads ws and warms the path; it is gone before the measurement.
    const first = await RawWebsocket.open(idle.port, '/ws/echo')
    first.socket.destroy()
    await handlersEndWithin(idle, 3000)
  })
  afterAll(async () => {
    await idle.stop()
  })

  it('cost a bounded amount each, and are all released when they go', async () => {
    const server = idle
    const start = await server.stats()
    const sockets: RawWebsocket[] = []
    // Each answers one message first, as a connection in use would, then idles.
    const openOne = async () => {
      const ws = await RawWebsocket.open(server.port, '/ws/echo')
      ws.socket.write(frame({ opcode: 0x1, payload: 'hello' }))
      const started = performance.now()
      while (!ws.received.includes('hello') && performance.now() - started < 5000) await sleep(5)
      return ws
    }
    for (let i = 0; i < 1000; i += 100)
      sockets.push(...(await Promise.all(Array.from({ length: 100 }, openOne))))
    await sleep(200)
    const open = await server.stats()
    for (const ws of sockets) ws.socket.destroy()
    const started = performance.now()
    let after = await server.stats()
    while (after.websocketsRunning > 0 && performance.now() - started < 3000) {
      await sleep(50)
      after = await server.stats()
    }
    const each =
      (open.memory.heapUsed + open.memory.external - start.memory.heapUsed - start.memory.external) / 1000
    const rssEach = (open.memory.rss - start.memory.rss) / 1000
    report.add(
      '1,000 idle websockets',
      `${open.websocketsRunning} open: heap + external ${(each / 1024).toFixed(1)} KiB each, rss ${(rssEach / 1024).toFixed(1)} KiB each; ` +
        `${after.websocketsRunning} left after they closed, heap ${((after.memory.heapUsed - start.memory.heapUsed) / MiB).toFixed(1)} MiB above the start`,
    )
    expect(open.websocketsRunning).toBe(1000)
    // Issue 11 asked for at most 12 KB each: about 16 KiB at first, 9.5 with shared timers, about 7.1
    // with the lifecycle as callbacks while the handler waits (raw `ws` about 3).
    expect(each).toBeLessThanOrEqual(8 * 1024)
    expect(after.websocketsRunning).toBe(0)
    expect(after.memory.heapUsed - start.memory.heapUsed).toBeLessThan(4 * MiB)
  }, 20_000)
})

describe('after every hostile websocket', () => {
  it('the process is up and Flagon logged no error', async () => {
    const stats = await server.stats()
    expect(server.exited).toBeNull()
    expect(stats.errors).toEqual([])
  })
})
