/**
 * One run of one target in one scenario: a fresh server on the server core, its answers checked,
 * then (unless only checking) warmed up and timed with the load on the load core, or, for an idle
 * scenario, the memory of its idle connections measured.
 */
import { execFile as execFileCallback } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { check } from './check.mjs'
import { LOAD_CORE, pinned, SERVER_CORE } from './cores.mjs'
import { GC_HOOK, idleMemory, SPARE_FILES } from './idle.mjs'
import { cpuWindow, memory } from './proc.mjs'
import { freePort, startServer } from './server.mjs'
import { wrk } from './wrk.mjs'

const execFile = promisify(execFileCallback)
const wsClient = fileURLToPath(new URL('./ws-client.mjs', import.meta.url))

// The check holds this many idle connections: enough to prove the client and target work, fast.
const CHECKED_IDLE = 20

/**
 * Runs `target` in `scenario` on the Node binary `config.node`; resolves with the measurements
 * (nothing when `config.check`).
 * @throws WrongAnswer when the target answered a check wrongly; Error when the run failed
 */
export async function runOnce(scenario, target, config) {
  const port = await freePort()
  const idleConnections = config.check ? CHECKED_IDLE : scenario.idle
  const server = await startServer({
    node: config.node,
    file: target.file,
    env: scenario.env,
    port,
    readyPath: scenario.path,
    openFiles: scenario.idle ? idleConnections + SPARE_FILES : undefined,
    nodeArgs: scenario.idle ? GC_HOOK : [],
  })
  try {
    const started = memory(server.pid)
    const headers = { ...scenario.request?.headers, ...(await check(scenario, port, server.pid)) }
    if (scenario.idle) {
      const settle = !config.check
      const idle = await idleMemory({ port, server, scenario, connections: idleConnections, settle })
      return config.check ? {} : { ...idle, startMs: server.startMs, rssStartMiB: started.rssMiB }
    }
    if (config.check) return {}
    const http = { url: `http://127.0.0.1:${port}${scenario.path}`, headers, request: scenario.request }
    if (!scenario.websocket) await wrk({ ...http, seconds: config.warmup, connections: config.connections })
    const load = await quietest(config.attempts, () =>
      scenario.websocket
        ? websocketLoad(port, server.pid, scenario, config)
        : httpLoad(http, server.pid, config),
    )
    return {
      ...load,
      startMs: server.startMs,
      rssStartMiB: started.rssMiB,
      rssPeakMiB: memory(server.pid).peakMiB,
    }
  } finally {
    await server.stop()
  }
}

// A timed window in which other processes took more of the server core than this is timed again.
const QUIET_PCT = 10

/**
 * Times a run up to `attempts` times while others took more than QUIET_PCT of the server core, and
 * keeps the quietest attempt: on a shared machine, a neighbour's burst is not the target's.
 */
async function quietest(attempts, measure) {
  let best
  let attempt = 0
  while (attempt < attempts) {
    attempt++
    const result = await measure()
    if (!best || result.othersPct < best.othersPct) best = result
    if (result.othersPct <= QUIET_PCT) break
  }
  return { ...best, attempts: attempt }
}

async function httpLoad(http, pid, config) {
  const window = cpuWindow(pid, SERVER_CORE)
  const result = await wrk({ ...http, seconds: config.duration, connections: config.connections })
  const { seconds, serverCpuSeconds, othersPct } = window.stop()
  const { status, connect, timeout } = result.errors
  if (status + connect + timeout > 0) {
    throw new Error(
      `under load: ${status} non-2xx/3xx answers, ${connect} connect errors, ${timeout} timeouts`,
    )
  }
  return {
    rate: result.requests / (result.durationUs / 1e6),
    requests: result.requests,
    p50Us: result.latencyUs.p50,
    p99Us: result.latencyUs.p99,
    cpuUsPerOp: (serverCpuSeconds / result.requests) * 1e6,
    cpuPct: (serverCpuSeconds / seconds) * 100,
    othersPct,
    socketErrors: result.errors,
  }
}

async function websocketLoad(port, pid, scenario, config) {
  const { warmup, duration, connections } = config
  const options = { warmup, duration, connections, port, pid, path: scenario.path, serverCore: SERVER_CORE }
  const { stdout } = await execFile(
    ...pinned(LOAD_CORE, process.execPath, [wsClient, JSON.stringify(options)]),
  )
  const result = JSON.parse(stdout.trim().split('\n').pop())
  if (result.errors > 0) throw new Error(`under load: ${result.errors} wrong echoes or socket errors`)
  return {
    rate: result.messages / result.seconds,
    requests: result.messages,
    p50Us: result.latencyUs.p50,
    p99Us: result.latencyUs.p99,
    cpuUsPerOp: (result.serverCpuSeconds / result.messages) * 1e6,
    cpuPct: (result.serverCpuSeconds / result.seconds) * 100,
    othersPct: result.othersPct,
    clientCpuPct: result.clientCpuPct,
  }
}
