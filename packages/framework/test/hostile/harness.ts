/**
 * The hostile suite's tools: a Flagon server in a child process (`server.ts`), and a client that
 * speaks raw TCP, so it can send what no HTTP client would. Each exchange records every status the
 * server answered, whether it closed the connection, and how long it took.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

/** What a file outside every served folder holds; no answer may ever contain it. */
export const SECRET = 'TOP-SECRET-7f3a9c'

/** What the child reports about itself. */
export interface ServerStats {
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number }
  errors: string[]
  seen: Record<string, number>
  websocketsRunning: number
  /** The server's open connections (the soak server reports them). */
  connections?: number
  /** Counters of the soak server's faulty handlers. */
  counters?: Record<string, number>
}

/** Where `HostileServer.start` runs what. */
export interface StartOptions {
  /** The app's script; default `server.ts` beside this file. */
  script?: URL
  /** The CPU core to pin the server to with `taskset`, when there is more than one core. */
  cpu?: string
}

/**
 * `node args…` as a command pinned to `cpu` with taskset (which execs node: the pid stays node's),
 * or unpinned on one core or without taskset.
 */
export function pinnedNode(args: string[], cpu: string | undefined): [string, string[]] {
  if (cpu === undefined || availableParallelism() < 2 || !hasTaskset()) return [process.execPath, args]
  return ['taskset', ['-c', cpu, process.execPath, ...args]]
}

let taskset: boolean | undefined
function hasTaskset(): boolean {
  if (taskset === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
      taskset = true
    } catch {
      taskset = false
    }
  }
  return taskset
}

/** A Flagon server in a child process, with `--expose-gc` so its memory can be read after a full GC. */
export class HostileServer {
  #exited: string | null = null

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.once('exit', (code, signal) => {
      this.#exited = `exited with ${signal ?? code}`
    })
  }

  /** Starts `server.ts` with `config` merged into the app's config; resolves once it listens. */
  static async start(
    config: Record<string, unknown> = {},
    options: StartOptions = {},
  ): Promise<HostileServer> {
    const tsx = import.meta.resolve('tsx')
    const script = fileURLToPath(options.script ?? new URL('./server.ts', import.meta.url))
    const [command, args] = pinnedNode(['--expose-gc', '--import', tsx, script], options.cpu)
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, HOSTILE_CONFIG: JSON.stringify(config) },
    })
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000)
    })
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /port (\d+)/.exec(out)
        if (match) resolve(Number(match[1]))
      })
      child.once('exit', (code) => reject(new Error(`the hostile server exited with ${code}:\n${stderr}`)))
    })
    return new HostileServer(child, port)
  }

  /** Why the server process is gone, or null while it runs. */
  get exited(): string | null {
    return this.#exited
  }

  /** Memory (after a full GC), logged errors, views reached, websocket handlers still running. */
  stats(): Promise<ServerStats> {
    return new Promise((resolve, reject) => {
      if (this.#exited) return reject(new Error(`the server ${this.#exited}`))
      const onMessage = (message: { type: string } & ServerStats) => {
        if (message.type !== 'stats') return
        this.child.off('message', onMessage)
        resolve(message)
      }
      this.child.on('message', onMessage)
      this.child.send({ type: 'stats' })
    })
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const gone = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGKILL')
    await gone
  }
}

/** A pause inside what the client sends. */
export interface Pause {
  pause: number
}
/** The client closes its side (a FIN): it will send nothing more. */
export interface End {
  end: true
}
export type Part = string | Uint8Array | Pause | End

/** What came back from one exchange. */
export interface Outcome {
  /** Every status the server answered on the connection, in order. */
  statuses: number[]
  /** True when the server closed (or reset) the connection. */
  closed: boolean
  /** True when nothing settled the exchange before the deadline: a hang. */
  hung: boolean
  /** Milliseconds from the first byte sent to the first status, or to the close. */
  ms: number
  /** The answer's bytes as latin1 text. */
  text: string
}

export interface ExchangeOptions {
  /** A hang after this long. Default 3000 ms. */
  deadline?: number
  /** How many complete responses settle the exchange (more would be a smuggled request). Default 1. */
  responses?: number
  /** Once settled, wait this long for anything more (a smuggled answer). Default 40 ms. */
  grace?: number
}

/** Strings are sent as latin1, so each character is one byte, whatever its value. */
export function bytes(part: string | Uint8Array): Uint8Array {
  return typeof part === 'string' ? Buffer.from(part, 'latin1') : part
}

/** Opens a connection, sends `parts` in order (pausing where asked), and reads what comes back. */
export function exchange(port: number, parts: Part[], options: ExchangeOptions = {}): Promise<Outcome> {
  const { deadline = 3000, responses = 1, grace = 40 } = options
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const started = performance.now()
    let received = Buffer.alloc(0)
    let answeredAt: number | null = null
    let settled = false
    let closed = false
    const finish = (hung: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(hangTimer)
      socket.destroy()
      const { statuses } = parseResponses(received)
      const ms = (answeredAt ?? performance.now()) - started
      resolve({ statuses, closed, hung, ms: Math.round(ms), text: received.toString('latin1') })
    }
    const hangTimer = setTimeout(() => finish(true), deadline)
    socket.on('data', (chunk: Buffer) => {
      answeredAt ??= performance.now()
      received = Buffer.concat([received, chunk])
      const parsed = parseResponses(received)
      if (parsed.complete >= responses) setTimeout(() => finish(false), grace)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      closed = true
      finish(false)
    })
    socket.once('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return
        if (typeof part === 'object' && 'pause' in part) await sleep(part.pause)
        else if (typeof part === 'object' && 'end' in part) socket.end()
        else socket.write(bytes(part))
      }
    })
  })
}

/** A normal request on a new connection; resolves with the milliseconds it took, rejects unless 200. */
export async function probe(port: number, path = '/'): Promise<number> {
  const outcome = await exchange(port, [`GET ${path} HTTP/1.1\r\nHost: probe\r\n\r\n`], { grace: 0 })
  if (outcome.statuses[0] !== 200) {
    throw new Error(`the probe got ${outcome.statuses.join(', ') || 'no answer'} (hung: ${outcome.hung})`)
  }
  return outcome.ms
}

/**
 * The statuses of the responses in `data`, and how many of them are complete. Enough of HTTP/1.1
 * for a test: Content-Length and chunked bodies; a response with neither is complete at its headers
 * when it cannot have a body, else it runs to the close.
 */
export function parseResponses(data: Buffer): { statuses: number[]; complete: number } {
  const statuses: number[] = []
  let complete = 0
  let at = 0
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at)
    if (end === -1) break
    const head = data.subarray(at, end).toString('latin1')
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)
    if (!status) break
    const code = Number(status[1])
    statuses.push(code)
    let bodyEnd: number
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)
    if (code < 200 || code === 204 || code === 304) bodyEnd = end + 4
    else if (length) bodyEnd = end + 4 + Number(length[1])
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = data.indexOf('\r\n0\r\n\r\n', end + 2)
      bodyEnd = last === -1 ? Number.POSITIVE_INFINITY : last + 7
    } else bodyEnd = Number.POSITIVE_INFINITY
    if (bodyEnd > data.length) break
    complete++
    at = bodyEnd
  }
  return { statuses, complete }
}

/** Resolves when `socket` closes, or with null after `ms`. */
export function closedWithin(socket: Socket, ms: number): Promise<number | null> {
  const started = performance.now()
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(0)
    const timer = setTimeout(() => resolve(null), ms)
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(Math.round(performance.now() - started))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Judges an outcome: a reason it fails, or null. */
export type Expectation = (outcome: Outcome) => string | null

/** A 4xx or a closed connection; never a 5xx, a success, or a hang. */
export const refused: Expectation = (o) => {
  if (o.hung) return 'hung'
  if (o.statuses.length === 0) return o.closed ? null : 'no answer'
  return o.statuses.every((s) => s >= 400 && s < 500) ? null : `answered ${o.statuses.join(', ')}`
}

/** Exactly one answer, with one of `statuses`. */
export const answers =
  (...statuses: number[]): Expectation =>
  (o) => {
    if (o.hung) return 'hung'
    if (o.statuses.length !== 1) return `answered ${o.statuses.join(', ') || 'nothing'}`
    return statuses.includes(o.statuses[0]!) ? null : `answered ${o.statuses[0]}`
  }

/** Either of two expectations. */
export const either =
  (a: Expectation, b: Expectation): Expectation =>
  (o) => {
    const first = a(o)
    return first === null ? null : b(o) === null ? null : first
  }

/** A line for the report the suite prints: the case, what it got, and how fast. */
export function describeOutcome(o: Outcome): string {
  const got = o.statuses.length ? o.statuses.join(',') : o.closed ? 'closed' : 'nothing'
  return `${got}${o.statuses.length && o.closed ? ' +close' : ''} in ${o.ms} ms`
}

/** Collects one line per case and prints them as a table when the file's suite ends. */
export class Report {
  readonly #rows: Array<[string, string]> = []

  constructor(readonly title: string) {}

  add(name: string, result: string): void {
    this.#rows.push([name, result])
  }

  print(): void {
    const width = Math.max(...this.#rows.map(([name]) => name.length), 4)
    const lines = this.#rows.map(([name, result]) => `  ${name.padEnd(width)}  ${result}`)
    process.stdout.write(`\n${this.title} (${this.#rows.length} cases)\n${lines.join('\n')}\n`)
  }
}

/** One complete answer on a keep-alive connection. */
export interface Answer {
  status: number
  head: string
  body: string
}

/**
 * A keep-alive connection that sends one raw request at a time and reads its whole answer. Rejects
 * when the server closes the connection or does not answer within `deadline` ms.
 */
export class KeepAlive {
  readonly #socket: Socket
  #received = Buffer.alloc(0)
  #waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null
  #closed = false

  constructor(port: number) {
    this.#socket = connect(port, '127.0.0.1')
    this.#socket.on('error', () => {})
    this.#socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk])
      this.#settle()
    })
    this.#socket.on('close', () => {
      this.#closed = true
      this.#fail(new Error('the server closed the connection'))
    })
  }

  request(raw: string | Uint8Array, deadline = 5000): Promise<Answer> {
    if (this.#closed) return Promise.reject(new Error('the connection is closed'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new Error(`no answer within ${deadline} ms`)), deadline)
      this.#waiting = { resolve, reject, timer }
      this.#socket.write(bytes(raw))
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #settle(): void {
    const { complete } = parseResponses(this.#received)
    if (complete === 0 || !this.#waiting) return
    const end = this.#received.indexOf('\r\n\r\n')
    const head = this.#received.subarray(0, end).toString('latin1')
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
    const body = this.#received.subarray(end + 4, end + 4 + length).toString()
    this.#received = this.#received.subarray(end + 4 + length)
    const { resolve, timer } = this.#waiting
    this.#waiting = null
    clearTimeout(timer)
    resolve({ status: Number(head.slice(9, 12)), head, body })
  }

  #fail(error: Error): void {
    if (!this.#waiting) return
    const { reject, timer } = this.#waiting
    this.#waiting = null
    clearTimeout(timer)
    reject(error)
  }
}
