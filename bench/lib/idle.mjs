/**
 * The memory of idle connections. The server runs with lib/gc-hook.mjs preloaded; it is read once
 * with none open, and again once the idle client holds N connections, each of which has answered
 * one exchange first. Each reading follows a full garbage collection and waits for VmRSS to settle.
 * The differences over N are what one idle connection costs: in resident memory (VmRSS) and in
 * V8's heap plus the buffers it tracks outside it (heapUsed + external).
 *
 * The second reading is taken within a few seconds of the connections' only request: node:http
 * closes a keep-alive connection idle for its keepAliveTimeout (5 s in Node, Express, Hono and
 * Flagon; Flagon pings websockets every 20 s), and the run fails if the server closed any before it.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { LOAD_CORE, pinned } from './cores.mjs'
import { withOpenFiles } from './open-files.mjs'
import { memory } from './proc.mjs'

const client = fileURLToPath(new URL('./idle-client.mjs', import.meta.url))

/** The Node options that preload the garbage-collection hook into a target. */
export const GC_HOOK = ['--expose-gc', '--import', new URL('./gc-hook.mjs', import.meta.url).href]

// The client has this long to open its connections (or to report once told to stop).
const CLIENT_TIMEOUT_MS = 60_000

/** Files a process needs beside its connections (its modules, pipes, the listening socket …). */
export const SPARE_FILES = 256

/**
 * Opens `connections` idle connections to `server` for `scenario` and resolves with the memory
 * they cost; with `settle: false` (the check) only proves they open and stay open.
 * @throws Error when a connection answered wrongly or was closed before the reading
 */
export async function idleMemory({ port, server, scenario, connections, settle = true }) {
  const before = settle ? await reading(server) : null
  const options = {
    port,
    path: scenario.path,
    kind: scenario.websocket ? 'websocket' : 'http',
    connections,
    answer: scenario.answer?.body,
  }
  const command = withOpenFiles(connections + SPARE_FILES, process.execPath, [
    client,
    JSON.stringify(options),
  ])
  const child = spawn(...pinned(LOAD_CORE, ...command), { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const next = async () => {
    const timeout = setTimeout(() => child.kill('SIGKILL'), CLIENT_TIMEOUT_MS)
    const line = (await lines.next()).value
    clearTimeout(timeout)
    return JSON.parse(line ?? '{"ok":false,"error":"the client died or hung"}')
  }
  try {
    const opened = await next()
    if (opened.opened !== connections) throw new Error(`idle client: ${opened.error ?? 'no connections'}`)
    const t0 = performance.now()
    const after = settle ? await reading(server) : null
    const settleMs = performance.now() - t0
    child.stdin.end()
    const done = await next()
    if (!done.ok) throw new Error(`idle client: ${done.error}`)
    if (done.closed > 0)
      throw new Error(
        `the server closed ${done.closed} of ${connections} idle connections before the reading`,
      )
    if (!settle) return {}
    return {
      idleConnections: connections,
      rssBeforeMiB: before.rssKiB / 1024,
      rssAfterMiB: after.rssKiB / 1024,
      kibPerConnection: (after.rssKiB - before.rssKiB) / connections,
      heapKibPerConnection: (after.heapKiB - before.heapKiB) / connections,
      settleMs,
    }
  } finally {
    child.kill('SIGKILL')
  }
}

/** A full collection in the server, then its heap and its settled VmRSS, in KiB. */
async function reading(server) {
  const heap = await collect(server)
  return { heapKiB: (heap.heapUsed + heap.external) / 1024, rssKiB: await settledRss(server.pid) }
}

const GC_LINE = /^BENCH_GC (.*)$/gm

async function collect(server) {
  const seen = [...server.stderr().matchAll(GC_LINE)].length
  process.kill(server.pid, 'SIGUSR2')
  const deadline = performance.now() + 5000
  for (;;) {
    const lines = [...server.stderr().matchAll(GC_LINE)]
    if (lines.length > seen) return JSON.parse(lines.at(-1)[1])
    if (performance.now() > deadline)
      throw new Error('the server did not answer the garbage-collection signal')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// Settled: five readings 100 ms apart within 64 KiB of each other, or 2 s gone (well inside a 5 s keep-alive).
const SAMPLE_MS = 100
const SAMPLES = 5
const STEADY_KIB = 64
const MAX_SETTLE_MS = 2000

async function settledRss(pid) {
  const readings = []
  const deadline = performance.now() + MAX_SETTLE_MS
  for (;;) {
    readings.push(memory(pid).rssMiB * 1024)
    const recent = readings.slice(-SAMPLES)
    const steady = recent.length === SAMPLES && Math.max(...recent) - Math.min(...recent) <= STEADY_KIB
    if (steady || performance.now() > deadline) return recent.at(-1)
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS))
  }
}
