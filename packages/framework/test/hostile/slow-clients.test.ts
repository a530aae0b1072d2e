/**
 * Slow and greedy clients, with the default limits: 200 slowloris connections (a header line every
 * second, never the end), 200 silent ones, 200 idle keep-alive ones, and clients that never read
 * an endless response. The server keeps answering others (probe latency reported), closes the
 * slowloris and silent connections within HEADERS_TIMEOUT (10 s), the idle keep-alive ones at
 * KEEP_ALIVE_TIMEOUT (5 s), cuts the unread responses at RESPONSE_TIMEOUT, and its memory returns.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostileServer, probe, Report, type ServerStats, sleep } from './harness.js'

const EACH = 200
const HEADERS_TIMEOUT = 10 // the default
const KEEP_ALIVE_TIMEOUT = 5 // the default
const RESPONSE_TIMEOUT = 3
const GREEDY = 10
const MiB = 1024 * 1024

let server: HostileServer
let before: ServerStats
const report = new Report('Slow and greedy clients')
beforeAll(async () => {
  server = await HostileServer.start({ RESPONSE_TIMEOUT })
  await probe(server.port)
  before = await server.stats()
})
afterAll(async () => {
  report.print()
  await server.stop()
})

/** A connection that records when it was opened and when the server closed it. */
interface Tracked {
  socket: Socket
  opened: number
  closedAfter: number | null
  answered: string
}

function open(port: number, onConnect: (t: Tracked) => void): Promise<Tracked> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const tracked: Tracked = { socket, opened: 0, closedAfter: null, answered: '' }
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      if (tracked.answered.length < 64) tracked.answered += chunk.toString('latin1', 0, 64)
    })
    socket.on('close', () => {
      tracked.closedAfter = performance.now() - tracked.opened
    })
    socket.once('connect', () => {
      tracked.opened = performance.now()
      onConnect(tracked)
      resolve(tracked)
    })
  })
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
function spread(group: Tracked[]): { min: number; max: number; open: number } {
  const times = group.map((t) => t.closedAfter).filter((t): t is number => t !== null)
  return { min: Math.min(...times), max: Math.max(...times), open: group.length - times.length }
}

describe('slow and greedy clients', () => {
  it('are closed at their timeouts while the server keeps answering others', async () => {
    const timers: NodeJS.Timeout[] = []
    const slowloris = await Promise.all(
      Array.from({ length: EACH }, () =>
        open(server.port, ({ socket }) => {
          socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
          let n = 0
          timers.push(setInterval(() => socket.writable && socket.write(`X-${n++}: drip\r\n`), 1000))
        }),
      ),
    )
    const silent = await Promise.all(Array.from({ length: EACH }, () => open(server.port, () => {})))
    const idle = await Promise.all(
      Array.from({ length: EACH }, () =>
        open(server.port, ({ socket }) => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')),
      ),
    )
    // Clients that ask for an endless response and never read a byte of it.
    const greedy = await Promise.all(
      Array.from({ length: GREEDY }, () =>
        open(server.port, ({ socket }) => {
          socket.write('GET /endless HTTP/1.1\r\nHost: x\r\n\r\n')
          socket.pause()
        }),
      ),
    )
    const probes: number[] = []
    let peak = before.memory.heapUsed
    const deadline = performance.now() + (HEADERS_TIMEOUT + 1) * 1000
    while (performance.now() < deadline) {
      probes.push(await probe(server.port))
      if (probes.length % 8 === 0) peak = Math.max(peak, (await server.stats()).memory.heapUsed)
      if ([...slowloris, ...silent, ...idle].every((t) => t.closedAfter !== null)) break
      await sleep(200)
    }
    for (const timer of timers) clearInterval(timer)
    // A paused client cannot see the server close; it reads what was in flight, then the end.
    const resumed = performance.now()
    let inFlight = 0
    for (const { socket } of greedy) {
      socket.on('data', (chunk: Buffer) => {
        inFlight += chunk.byteLength
      })
      socket.resume()
    }
    while (greedy.some((t) => t.closedAfter === null) && performance.now() - resumed < 3000) await sleep(20)

    const sorted = [...probes].sort((a, b) => a - b)
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
    const [s, q, k, g] = [spread(slowloris), spread(silent), spread(idle), spread(greedy)]
    report.add(
      `${EACH} slowloris`,
      `closed after ${seconds(s.min)} to ${seconds(s.max)}, ${s.open} still open`,
    )
    report.add(`${EACH} silent`, `closed after ${seconds(q.min)} to ${seconds(q.max)}, ${q.open} still open`)
    report.add(
      `${EACH} idle keep-alive`,
      `closed after ${seconds(k.min)} to ${seconds(k.max)}, ${k.open} still open`,
    )
    report.add(
      `${GREEDY} never reading /endless`,
      `cut at RESPONSE_TIMEOUT (${RESPONSE_TIMEOUT} s), ${g.open} left open; ${(inFlight / MiB / GREEDY).toFixed(1)} MiB each were in flight`,
    )
    report.add(
      'probes meanwhile',
      `${probes.length}, median ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1)} ms`,
    )
    report.add(
      'server heap',
      `${(before.memory.heapUsed / MiB).toFixed(1)} MiB before, peak ${(peak / MiB).toFixed(1)} MiB`,
    )

    expect(slowloris[0]?.answered).toMatch(/^HTTP\/1\.1 408/)
    expect(s.open + q.open + k.open + g.open).toBe(0)
    // Within HEADERS_TIMEOUT of the server accepting them (the clients count from their connect event);
    // the margin allows for a loaded CI machine, and stays far below the 25 s the peers take.
    expect(s.max).toBeLessThanOrEqual(HEADERS_TIMEOUT * 1000 + 2000)
    expect(q.max).toBeLessThanOrEqual(HEADERS_TIMEOUT * 1000 + 2000)
    // Node advertises `Keep-Alive: timeout=5` and waits one second more, so a client never races it.
    expect(k.min).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT * 1000 - 100)
    expect(k.max).toBeLessThanOrEqual(KEEP_ALIVE_TIMEOUT * 1000 + 3000)
    // Cut at RESPONSE_TIMEOUT: what a kernel buffers on loopback, not an endless stream.
    expect(inFlight / GREEDY).toBeLessThan(16 * MiB)
    expect(sorted.at(-1)).toBeLessThan(1000)
    // The unread responses wait on backpressure; the server does not buffer them.
    expect(peak - before.memory.heapUsed).toBeLessThan(32 * MiB)
  }, 30_000)

  it('leaves the memory where it was, and logs no error', async () => {
    const after = await server.stats()
    report.add(
      'memory after',
      `heap ${(before.memory.heapUsed / MiB).toFixed(1)} → ${(after.memory.heapUsed / MiB).toFixed(1)} MiB, ` +
        `rss ${(before.memory.rss / MiB).toFixed(1)} → ${(after.memory.rss / MiB).toFixed(1)} MiB`,
    )
    expect(after.memory.heapUsed - before.memory.heapUsed).toBeLessThan(4 * MiB)
    expect(after.errors).toEqual([])
    expect(server.exited).toBeNull()
  })
})
