/**
 * `pnpm bench`: Flagon, raw node:http, Fastify, Hono and Express side by side, in one run (issue 10).
 *
 *   node run.mjs                 3 rounds, 2 s warm-up, 5 s timed per run
 *   node run.mjs --quick         1 round, 1 s warm-up, 1 s timed: a smoke test, under two minutes
 *   node run.mjs --check         only the correctness checks, nothing timed (for CI)
 *   --rounds N --duration S --warmup S --connections N   (seconds are whole: wrk takes no fractions)
 *   --targets flagon,node --scenarios json,session   a subset
 *   --node PATH                  run the targets on another Node binary
 *
 * Each run starts the target afresh on core 0, checks its answers, discards a warm-up, then times it
 * with the load on core 1. Writes results/<timestamp>.json and .md and prints the Markdown.
 * Exits 1 when any target answered any check wrongly, or a run failed.
 */
import { execFile as execFileCallback, execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, release } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { check, WrongAnswer } from './lib/check.mjs'
import { LOAD_CORE, pinned, SERVER_CORE } from './lib/cores.mjs'
import { cpuWindow, memory } from './lib/proc.mjs'
import { markdown, summarize } from './lib/report.mjs'
import { scenarios as allScenarios } from './lib/scenarios.mjs'
import { freePort, startServer } from './lib/server.mjs'
import { setup } from './lib/setup.mjs'
import { targets as allTargets } from './lib/targets.mjs'
import { wrk } from './lib/wrk.mjs'

const execFile = promisify(execFileCallback)
const here = (path) => fileURLToPath(new URL(path, import.meta.url))

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    targets: { type: 'string' },
    scenarios: { type: 'string' },
    node: { type: 'string' },
  },
})

// wrk takes whole seconds.
const defaults = args.quick
  ? { rounds: 1, warmup: 1, duration: 1, attempts: 1 }
  : { rounds: 3, warmup: 2, duration: 5, attempts: 3 }
const config = {
  rounds: args.check ? 1 : Number(args.rounds ?? defaults.rounds),
  warmup: Math.max(1, Math.round(Number(args.warmup ?? defaults.warmup))),
  duration: Math.max(1, Math.round(Number(args.duration ?? defaults.duration))),
  connections: Number(args.connections ?? 50),
  attempts: defaults.attempts,
  node: args.node ?? process.execPath,
}

const pick = (all, list, what) => {
  if (!list) return all
  const names = list.split(',')
  const unknown = names.filter((n) => !all.some((x) => x.name === n))
  if (unknown.length)
    throw new Error(`Unknown ${what}: ${unknown.join(', ')}. Known: ${all.map((x) => x.name).join(', ')}.`)
  return all.filter((x) => names.includes(x.name))
}
const targets = pick(allTargets, args.targets, 'target')
const scenarios = pick(allScenarios, args.scenarios, 'scenario')

setup({ wrk: !args.check })
// The harness itself stays off the server's core.
execFileSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' })

/** One run: a fresh server, its answers checked, then (unless --check) warmed up and timed. */
async function runOnce(scenario, target) {
  const port = await freePort()
  const server = await startServer({
    node: config.node,
    file: target.file,
    env: scenario.env,
    port,
    readyPath: scenario.path,
  })
  try {
    const started = memory(server.pid)
    const headers = await check(scenario, port, server.pid)
    if (args.check) return {}
    if (!scenario.websocket)
      await wrk({
        url: urlOf(port, scenario),
        seconds: config.warmup,
        connections: config.connections,
        headers,
      })
    const load = await quietest(() =>
      scenario.websocket
        ? websocketLoad(port, server.pid, scenario)
        : httpLoad(port, server.pid, scenario, headers),
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
 * Times a run up to `config.attempts` times while others took more than QUIET_PCT of the server
 * core, and keeps the quietest attempt: on a shared machine, a neighbour's burst is not the target's.
 */
async function quietest(measure) {
  let best
  let attempt = 0
  while (attempt < config.attempts) {
    attempt++
    const result = await measure()
    if (!best || result.othersPct < best.othersPct) best = result
    if (result.othersPct <= QUIET_PCT) break
  }
  return { ...best, attempts: attempt }
}

const urlOf = (port, scenario) => `http://127.0.0.1:${port}${scenario.path}`

async function httpLoad(port, pid, scenario, headers) {
  const window = cpuWindow(pid, SERVER_CORE)
  const result = await wrk({
    url: urlOf(port, scenario),
    seconds: config.duration,
    connections: config.connections,
    headers,
  })
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

async function websocketLoad(port, pid, scenario) {
  const options = { ...config, port, pid, path: scenario.path, serverCore: SERVER_CORE }
  const { stdout } = await execFile(
    ...pinned(LOAD_CORE, process.execPath, [here('./lib/ws-client.mjs'), JSON.stringify(options)]),
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

const runs = []
const failures = []
const began = performance.now()
for (let round = 1; round <= config.rounds; round++) {
  for (const [s, scenario] of scenarios.entries()) {
    // Interleave: each scenario and round starts with a different target, so none is always first.
    const offset = (round - 1 + s) % targets.length
    const order = [...targets.slice(offset), ...targets.slice(0, offset)]
    for (const target of order) {
      const label = `round ${round}/${config.rounds}  ${scenario.name.padEnd(11)} ${target.name.padEnd(8)}`
      try {
        const result = await runOnce(scenario, target)
        runs.push({ round, scenario: scenario.name, target: target.name, ok: true, ...result })
        const shown = args.check
          ? 'answers right'
          : `${Math.round(result.rate).toLocaleString('en-US').padStart(8)} /s  p99 ${(result.p99Us / 1000).toFixed(2)} ms  CPU ${Math.round(result.cpuPct)}%`
        process.stderr.write(`${label} ${shown}\n`)
      } catch (error) {
        const wrong = error instanceof WrongAnswer
        const message = String(error?.message ?? error)
        failures.push({
          round,
          scenario: scenario.name,
          target: target.name,
          wrongAnswer: wrong,
          error: message,
        })
        runs.push({ round, scenario: scenario.name, target: target.name, ok: false, error: message })
        process.stderr.write(`${label} ${wrong ? 'WRONG ANSWER' : 'FAILED'}: ${message}\n`)
      }
    }
  }
}

const packageVersion = (name) => {
  try {
    return JSON.parse(readFileSync(here(`./node_modules/${name}/package.json`), 'utf8')).version
  } catch {
    return 'unknown'
  }
}
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: here('.'), encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}
const date = new Date()
const meta = {
  date: date.toISOString().replace(/\.\d+Z$/, 'Z'),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, kernel: release() },
  node: execFileSync(config.node, ['--version'], { encoding: 'utf8' }).trim(),
  wrk: execFileSync('sh', ['-c', 'wrk --version 2>&1 | head -1'], { encoding: 'utf8' }).split(' ')[1] ?? '',
  flagonCommit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', '../packages') ? ' (with uncommitted changes)' : ''}`,
  versions: Object.fromEntries(
    [...new Set(targets.flatMap((t) => t.packages))].map((name) => [name, packageVersion(name)]),
  ),
  config: { ...config, quick: args.quick, check: args.check },
  seconds: Math.round((performance.now() - began) / 1000),
  failures,
}

if (args.check) {
  const total = runs.length
  process.stdout.write(`${total - failures.length} passed, ${failures.length} failed\n`)
} else {
  const summary = summarize(runs, scenarios, targets)
  const report = markdown(summary, meta, scenarios, targets)
  mkdirSync(here('./results'), { recursive: true })
  const stem = here(`./results/${meta.date.replaceAll(':', '-')}${args.quick ? '-quick' : ''}`)
  writeFileSync(`${stem}.json`, `${JSON.stringify({ ...meta, runs, summary }, null, 2)}\n`)
  writeFileSync(`${stem}.md`, `${report}\n`)
  process.stdout.write(`${report}\nWrote ${stem}.json and ${stem}.md (${meta.seconds} s)\n`)
}
process.exit(failures.length > 0 ? 1 : 0)
