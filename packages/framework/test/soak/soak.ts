/**
 * One soak run: the soak server (`server.ts`) pinned to core 0, the load child (`load.ts`) pinned to
 * core 1 (when there are two), the server's RSS read from /proc every second, and, for a run on the
 * Redis store, a real `redis-server` (from the sessions package's test servers) stopped mid-run and
 * started again. The tests (`load.test.ts`) run it short; `pnpm soak` runs it for a minute.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startRedis, type TestServer } from '../../../sessions/test/server/servers.js'
import { HostileServer, pinnedNode, Report, type ServerStats, sleep } from '../hostile/harness.js'
import type { LoadOptions, LoadResult, LoadTotals } from './load.js'

/** The long form (`pnpm soak` sets FLAGON_SOAK=full) or the short one the test command runs. */
export const FULL = process.env.FLAGON_SOAK === 'full'

/** What one run does. */
export interface SoakOptions {
  name: string
  seconds: number
  /** Seconds of warm-up before the memory baseline. */
  warmup: number
  http: number
  websockets: number
  /** Keep sessions in Redis, and stop it for `seconds` at `at` seconds into the run. */
  redisOutage?: { at: number; seconds: number }
}

/** One second of the run: the server's RSS, and what the load did in that second. */
export interface Second {
  t: number
  rssMiB: number
  requests: number
  errors: number
  wrong: number
  unavailable: number
  /** Websocket echoes in that second (they never touch the session). */
  echoes: number
}

/** What a run measured. */
export interface SoakResult {
  load: LoadResult
  seconds: Second[]
  /** Heap used after a full GC, at the end of warm-up and after the load, in MiB. */
  heapAfterWarmupMiB: number
  heapAfterMiB: number
  /** Median RSS of the first three seconds after warm-up, and of the last three. */
  rssAfterWarmupMiB: number
  rssAtEndMiB: number
  /** Least-squares slope of RSS after warm-up, MiB per minute. */
  rssSlopeMiBPerMinute: number
  /** Seconds from the store's stop to its start, as the parent saw them. */
  outage: { downAt: number; upAt: number } | null
  errorsLogged: string[]
  serverExited: string | null
  report: Report
}

/** Runs one soak and returns what it measured; the caller asserts. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  let redis: TestServer | undefined
  let server: HostileServer | undefined
  try {
    redis = options.redisOutage ? await startRedis() : undefined
    const config = redis ? { SESSION_TYPE: 'redis', SESSION_REDIS: redis.address } : {}
    server = await HostileServer.start(config, { script: new URL('./server.ts', import.meta.url), cpu: '0' })
    return await drive(options, server, redis)
  } finally {
    await server?.stop()
    await redis?.stop()
  }
}

async function drive(options: SoakOptions, server: HostileServer, redis?: TestServer): Promise<SoakResult> {
  const pid = server.child.pid!
  const loadOptions: LoadOptions = {
    port: server.port,
    http: options.http,
    websockets: options.websockets,
    seconds: options.seconds,
    recoveryAllowance: 5,
  }
  const tsx = import.meta.resolve('tsx')
  const [command, args] = pinnedNode(
    ['--import', tsx, fileURLToPath(new URL('./load.ts', import.meta.url))],
    '1',
  )
  const child = spawn(command, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, LOAD_OPTIONS: JSON.stringify(loadOptions) },
  })
  let totals: LoadTotals | null = null
  let previous: LoadTotals | null = null
  const seconds: Second[] = []
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (message: { type: string; totals?: LoadTotals; result?: LoadResult }) => {
      if (message.type === 'tick') totals = message.totals!
      if (message.type === 'done') resolve(message.result!)
    })
    child.once('exit', (code) =>
      reject(new Error(`the load generator exited with ${code} before it was done`)),
    )
  })
  const started = performance.now()
  const sampler = setInterval(() => {
    const now: LoadTotals | null = totals
    const delta = (key: 'requests' | 'errors' | 'wrong' | 'unavailable') =>
      (now?.[key] ?? 0) - (previous?.[key] ?? 0)
    seconds.push({
      t: Math.round((performance.now() - started) / 1000),
      rssMiB: rssMiB(pid),
      requests: delta('requests'),
      errors: delta('errors'),
      wrong: delta('wrong'),
      unavailable: delta('unavailable'),
      echoes: (now?.byRoute.websocket ?? 0) - (previous?.byRoute.websocket ?? 0),
    })
    previous = now
  }, 1000)
  let outage: SoakResult['outage'] = null
  const faults = (async () => {
    if (!redis || !options.redisOutage) return
    await sleep(options.redisOutage.at * 1000)
    const downAt = (performance.now() - started) / 1000
    child.send({ type: 'outage', down: true })
    await redis.stop()
    await sleep(options.redisOutage.seconds * 1000)
    await redis.start()
    child.send({ type: 'outage', down: false })
    outage = { downAt, upAt: (performance.now() - started) / 1000 }
  })()
  try {
    await sleep(options.warmup * 1000)
    const warm = await server.stats()
    const [load] = await Promise.all([done, faults])
    const after = await server.stats()
    return summarize(options, { load, seconds, warm, after, outage, server })
  } finally {
    clearInterval(sampler)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

function summarize(
  options: SoakOptions,
  run: {
    load: LoadResult
    seconds: Second[]
    warm: ServerStats
    after: ServerStats
    outage: SoakResult['outage']
    server: HostileServer
  },
): SoakResult {
  const { load, seconds, warm, after, outage, server } = run
  const MiB = 1024 * 1024
  const steady = seconds.filter((s) => s.t > options.warmup && s.t <= options.seconds)
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
  const rssAfterWarmupMiB = median(steady.slice(0, 3).map((s) => s.rssMiB))
  const rssAtEndMiB = median(steady.slice(-3).map((s) => s.rssMiB))
  const rssSlopeMiBPerMinute = slope(steady.map((s) => [s.t, s.rssMiB])) * 60
  const report = new Report(`Soak: ${options.name}`)
  for (const s of seconds) {
    report.add(
      `${String(s.t).padStart(3)} s`,
      `RSS ${s.rssMiB.toFixed(1)} MiB, ${s.requests} requests (${s.echoes} websocket echoes)` +
        (s.unavailable ? `, ${s.unavailable} × 503` : '') +
        (s.errors + s.wrong ? `, ${s.errors} errors, ${s.wrong} wrong` : ''),
    )
  }
  const routes = Object.entries(load.byRoute)
    .map(([route, n]) => `${route} ${n}`)
    .join(', ')
  report.add('requests', `${load.requests} (${routes})`)
  report.add('errors / wrong answers', `${load.errors} / ${load.wrong}`)
  report.add('latency', `p99 ${load.latencyP99Ms.toFixed(1)} ms, max ${load.maxLatencyMs.toFixed(0)} ms`)
  report.add(
    'RSS after warm-up → end',
    `${rssAfterWarmupMiB.toFixed(1)} → ${rssAtEndMiB.toFixed(1)} MiB (slope ${rssSlopeMiBPerMinute.toFixed(1)} MiB/min)`,
  )
  report.add(
    'heap after GC, warm-up → end',
    `${(warm.memory.heapUsed / MiB).toFixed(1)} → ${(after.memory.heapUsed / MiB).toFixed(1)} MiB`,
  )
  report.add('sessions checked / corrupted', `${load.sessionsChecked} / ${load.sessionsCorrupted}`)
  if (outage) {
    report.add('redis-server down', `${outage.downAt.toFixed(1)} s → ${outage.upAt.toFixed(1)} s`)
    report.add('clean 503s', `${load.unavailable}`)
    report.add(
      'recovery',
      `first session answered ${load.recoverySeconds?.toFixed(2)} s after the restart, last 503 at ${load.last503Seconds?.toFixed(2) ?? '-'} s`,
    )
    report.add('sessions lost with the store', `${load.sessionsLost}`)
  }
  for (const failure of load.failures) report.add('failure', failure)
  return {
    load,
    seconds,
    heapAfterWarmupMiB: warm.memory.heapUsed / MiB,
    heapAfterMiB: after.memory.heapUsed / MiB,
    rssAfterWarmupMiB,
    rssAtEndMiB,
    rssSlopeMiBPerMinute,
    outage,
    errorsLogged: after.errors,
    serverExited: server.exited,
    report,
  }
}

/** A process's resident memory (VmRSS) in MiB, from /proc (as bench/lib/proc.mjs reads it). */
function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024
  } catch {
    return Number.NaN
  }
}

/** The least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, [x]) => s + x, 0) / n
  const my = points.reduce((s, [, y]) => s + y, 0) / n
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0)
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}
