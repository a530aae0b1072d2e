/**
 * The load generator, run in a child process of its own (started by `soak.ts`, pinned to the other
 * core when there is one): HTTP keep-alive connections that each loop over the route mix and check
 * every answer byte for byte, and websockets that each loop echoes. Every connection keeps its own
 * session and a model of it (its owner and count), checked once more when the load stops.
 *
 * Options arrive as JSON in LOAD_OPTIONS. Over IPC it takes `{ type: 'outage', down }` (the session
 * store just went down, or came back: 503s are then allowed, and a session lost with the store may
 * start again), sends its running totals every second (`tick`), and its result at the end (`done`).
 */
import { isDeepStrictEqual } from 'node:util'
import WebSocket from 'ws'
import { type Answer, KeepAlive } from '../hostile/harness.js'

/** What the load child is told to do. */
export interface LoadOptions {
  port: number
  /** HTTP keep-alive connections. */
  http: number
  /** Websocket echo connections. */
  websockets: number
  seconds: number
  /** After the store comes back, how long 503s and lost sessions still count as the outage's. */
  recoveryAllowance: number
}

/** The totals, as sent every second and at the end. */
export interface LoadTotals {
  requests: number
  byRoute: Record<string, number>
  /** A request that failed: no answer in time, a connection closed, a websocket dropped. */
  errors: number
  /** An answer that was not the one expected (a 5xx included, or a 503 outside an outage). */
  wrong: number
  /** Clean 503s (with Retry-After, on a connection that stays open) while the store was down. */
  unavailable: number
  maxLatencyMs: number
}

/** What the load child reports when it is done. */
export interface LoadResult extends LoadTotals {
  /** The first few errors and wrong answers, described. */
  failures: string[]
  /** Sessions checked after the load, and how many of them did not hold what their client wrote. */
  sessionsChecked: number
  sessionsCorrupted: number
  /** Sessions the outage lost (started again at 1 once the store was back). */
  sessionsLost: number
  /** Seconds from the store's return to the first session answered again, and to the last 503. */
  recoverySeconds: number | null
  last503Seconds: number | null
  latencyP99Ms: number
}

const options = JSON.parse(process.env.LOAD_OPTIONS ?? '{}') as LoadOptions
const totals: LoadTotals = { requests: 0, byRoute: {}, errors: 0, wrong: 0, unavailable: 0, maxLatencyMs: 0 }
const failures: string[] = []
const latencies: number[] = []
const outage = { downAt: null as number | null, upAt: null as number | null }
let firstSessionAfterUp: number | null = null
let last503: number | null = null
let stopping = false

process.on('message', (message: { type: string; down?: boolean }) => {
  if (message.type !== 'outage') return
  if (message.down) outage.downAt = performance.now()
  else outage.upAt = performance.now()
})

/** True while a 503 (or a session lost with the store) is what the outage explains. */
function inOutage(): boolean {
  if (outage.downAt === null) return false
  return outage.upAt === null || performance.now() - outage.upAt < options.recoveryAllowance * 1000
}

/** Where in the outage now is, for a failure's description. */
function at(): string {
  if (outage.downAt === null) return ''
  const since = (t: number) => ((performance.now() - t) / 1000).toFixed(2)
  return outage.upAt === null
    ? ` (${since(outage.downAt)} s into the outage)`
    : ` (${since(outage.upAt)} s after it)`
}

function fail(kind: 'errors' | 'wrong', what: string): void {
  totals[kind]++
  if (failures.length < 20) failures.push(`${kind}: ${what}`)
}

function record(route: string, started: number): void {
  const ms = performance.now() - started
  totals.requests++
  totals.byRoute[route] = (totals.byRoute[route] ?? 0) + 1
  if (ms > totals.maxLatencyMs) totals.maxLatencyMs = ms
  if (latencies.length < 2_000_000) latencies.push(ms)
}

/** One request of the mix: what to send, and the answer expected. */
interface Step {
  route: string
  raw: string
  check: (answer: Answer) => string | null
}

/** An HTTP connection with its own session, and what it believes the session holds. */
class Client {
  readonly owner: string
  cookie = ''
  count = 0
  lost = 0
  corrupted = false
  #i = 0

  constructor(readonly id: number) {
    this.owner = `c${id}`
  }

  next(): Step {
    const i = this.#i++
    const cookie = this.cookie ? `Cookie: session=${this.cookie}\r\n` : ''
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: soak\r\n${cookie}\r\n`
    const exact = (expected: string) => (a: Answer) =>
      a.status === 200 && a.body === expected ? null : `expected 200 ${expected.slice(0, 40)}`
    switch ((this.id + i) % 6) {
      case 0:
        return { route: 'plain', raw: get('/plain'), check: exact('plain ok') }
      case 1: {
        const expected = { n: i, list: [1, 2, 3], nested: { ok: true } }
        return {
          route: 'json',
          raw: get(`/json?n=${i}`),
          check: (a) =>
            a.status === 200 && isDeepStrictEqual(JSON.parse(a.body), expected) ? null : 'expected the JSON',
        }
      }
      case 2:
        return {
          route: 'params',
          raw: get(`/users/${this.id}/posts/p-${i}`),
          check: exact(`user ${this.id} post p-${i}`),
        }
      case 3:
        return { route: 'session', raw: get(`/session/${this.owner}`), check: (a) => this.#session(a) }
      case 4: {
        const name = encodeURIComponent(`<${this.owner}>&`)
        const html = `<p>Hello &lt;${this.owner}&gt;&amp;</p><ul><li>1</li><li>2</li><li>3</li></ul>`
        return { route: 'template', raw: get(`/template/${name}`), check: exact(html) }
      }
      default: {
        const body = `${this.owner}-${i}-`.repeat(1 + ((i * 37) % 200))
        const head = `POST /echo HTTP/1.1\r\nHost: soak\r\n${cookie}Content-Length: ${body.length}\r\n\r\n`
        return { route: 'echo', raw: head + body, check: exact(body) }
      }
    }
  }

  #session(answer: Answer): string | null {
    if (answer.status !== 200) return `the session answered ${answer.status} ${answer.body.slice(0, 80)}`
    const setCookie = /\r\nset-cookie: session=([^;]*)/i.exec(answer.head)
    if (setCookie) this.cookie = setCookie[1]!
    if (outage.upAt !== null && firstSessionAfterUp === null) firstSessionAfterUp = performance.now()
    if (answer.body === `${this.owner} ${this.count + 1}`) {
      this.count++
      return null
    }
    // The store lost it: a new session, started again at 1. Only the outage may explain that.
    if (answer.body === `${this.owner} 1` && outage.downAt !== null) {
      this.count = 1
      this.lost++
      return null
    }
    this.corrupted = true
    return `session ${this.owner} expected ${this.count + 1}, got ${answer.body.slice(0, 80)}`
  }
}

/**
 * Resolves once every connection has opened and made its first exchange; the load starts then. Node
 * accepts one waiting connection per turn of its event loop, and a turn of a loaded server takes
 * tens of milliseconds (more with a neighbour on its core): connections opened into a running load
 * would wait seconds to be accepted. The soak measures 200 open connections, not a connection storm.
 */
let unready = options.http + options.websockets
let everyoneReady: () => void = () => {}
const allReady = new Promise<void>((resolve) => {
  everyoneReady = resolve
})
function ready(): Promise<void> {
  if (--unready === 0) everyoneReady()
  return allReady
}

async function runHttp(client: Client): Promise<void> {
  let connection = new KeepAlive(options.port)
  let first = true
  while (!stopping) {
    const step = client.next()
    const started = performance.now()
    try {
      const answer = await connection.request(step.raw, 5000)
      record(step.route, started)
      // An answer that ends the connection (a 503 before a POST body was read): open another.
      if (/\r\nconnection: *close/i.test(answer.head)) {
        connection.close()
        connection = new KeepAlive(options.port)
      }
      if (answer.status === 503 && inOutage()) {
        if (!/\r\nretry-after: *\d+/i.test(answer.head))
          fail('wrong', `${step.route}: a 503 without Retry-After`)
        totals.unavailable++
        last503 = performance.now()
        continue
      }
      const problem = step.check(answer)
      if (problem) fail('wrong', `${step.route} ${client.owner}: ${answer.status}: ${problem}`)
    } catch (error) {
      record(step.route, started)
      const ms = Math.round(performance.now() - started)
      fail('errors', `${step.route} ${client.owner}: ${(error as Error).message} after ${ms} ms${at()}`)
      connection.close()
      connection = new KeepAlive(options.port)
    }
    if (first) {
      first = false
      await ready()
    }
  }
  connection.close()
}

async function runWebsocket(id: number): Promise<void> {
  const socket = new WebSocket(`ws://127.0.0.1:${options.port}/ws/echo`)
  let pending: { resolve: (data: string) => void; reject: (error: Error) => void } | null = null
  let failed: Error | null = null
  const broken = (error: Error) => {
    failed ??= error
    pending?.reject(error)
    pending = null
  }
  socket.on('message', (data) => {
    const waiting = pending
    pending = null
    waiting?.resolve(String(data))
  })
  socket.on('error', broken)
  socket.on('close', (code) => broken(new Error(`the websocket closed with ${code}`)))
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    }).finally(ready)
    for (let i = 0; !stopping; i++) {
      const message = `ws${id}:${i}:`.repeat(1 + ((i * 13) % 100))
      const started = performance.now()
      if (failed) throw failed
      const echoed = await new Promise<string>((resolve, reject) => {
        pending = { resolve, reject }
        socket.send(message)
        setTimeout(() => reject(new Error('no echo within 5000 ms')), 5000).unref()
      })
      record('websocket', started)
      if (echoed !== message) fail('wrong', `websocket ${id}: echoed another message`)
    }
  } catch (error) {
    fail('errors', `websocket ${id}: ${(error as Error).message}`)
  } finally {
    socket.removeAllListeners('close')
    socket.on('error', () => {})
    socket.close()
  }
}

/** Each session read once more, without writing: it must hold what its client wrote. */
async function checkSessions(clients: Client[]): Promise<number> {
  let corrupted = 0
  await Promise.all(
    clients.map(async (client) => {
      const connection = new KeepAlive(options.port)
      try {
        const raw = `GET /session-check/${client.owner} HTTP/1.1\r\nHost: soak\r\nCookie: session=${client.cookie}\r\n\r\n`
        const answer = await connection.request(raw, 5000)
        if (client.corrupted || answer.status !== 200 || answer.body !== `${client.owner} ${client.count}`) {
          corrupted++
          fail(
            'wrong',
            `session ${client.owner}: expected ${client.count}, holds ${answer.body.slice(0, 80)}`,
          )
        }
      } catch (error) {
        corrupted++
        fail('errors', `session check ${client.owner}: ${(error as Error).message}`)
      } finally {
        connection.close()
      }
    }),
  )
  return corrupted
}

const clients = Array.from({ length: options.http }, (_, id) => new Client(id))
const ticker = setInterval(() => process.send?.({ type: 'tick', totals }), 1000)
let stopAt: NodeJS.Timeout | undefined
void allReady.then(() => {
  stopAt = setTimeout(() => {
    stopping = true
  }, options.seconds * 1000)
})
await Promise.all([
  ...clients.map(runHttp),
  ...Array.from({ length: options.websockets }, (_, id) => runWebsocket(id)),
])
clearTimeout(stopAt)
clearInterval(ticker)
const sessionsCorrupted = await checkSessions(clients)
latencies.sort((a, b) => a - b)
const upAt = outage.upAt
const since = (t: number | null) => (t === null || upAt === null ? null : Math.max(0, (t - upAt) / 1000))
const result: LoadResult = {
  ...totals,
  failures,
  sessionsChecked: clients.length,
  sessionsCorrupted,
  sessionsLost: clients.reduce((sum, c) => sum + c.lost, 0),
  recoverySeconds: since(firstSessionAfterUp),
  last503Seconds: since(last503),
  latencyP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
}
process.send?.({ type: 'done', result }, () => process.exit(0))
