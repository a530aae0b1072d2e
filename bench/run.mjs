/**
 * `pnpm bench`: Flagon, raw node:http, Fastify, Hono and Express side by side, in one run (issue 10).
 *
 *   node run.mjs                 3 rounds, 2 s warm-up, 5 s timed per run, on the system Node and Node 24
 *   node run.mjs --quick         1 round, 1 s warm-up, 1 s timed, on the system Node: a smoke test
 *   node run.mjs --check         only the correctness checks, nothing timed, on the system Node (for CI)
 *   --rounds N --duration S --warmup S --connections N   (seconds are whole: wrk takes no fractions)
 *   --targets flagon,node --scenarios json,session   a subset
 *   --node system|lts|PATH[,…]   the Node binaries the targets run on (or BENCH_NODE); lts is Node 24
 *
 * Each run starts the target afresh on core 0, checks its answers, discards a warm-up, then times it
 * with the load on core 1. Writes results/<timestamp>.json and .md and prints the Markdown.
 * Exits 1 when any target answered any check wrongly, or a run failed.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { WrongAnswer } from './lib/check.mjs'
import { LOAD_CORE } from './lib/cores.mjs'
import { runMeta } from './lib/meta.mjs'
import { resolveNodes } from './lib/nodes.mjs'
import { markdown } from './lib/report.mjs'
import { runOnce } from './lib/run-once.mjs'
import { scenarios as allScenarios } from './lib/scenarios.mjs'
import { setup } from './lib/setup.mjs'
import { summarize } from './lib/summary.mjs'
import { targets as allTargets } from './lib/targets.mjs'

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
  check: args.check,
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
// The full run compares the system Node with the LTS; the smoke test and the check stay on one.
const nodes = resolveNodes(
  args.node ?? process.env.BENCH_NODE ?? (args.quick || args.check ? 'system' : 'system,lts'),
)
// The harness itself stays off the server's core.
execFileSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' })

const failures = []
const began = performance.now()
const byNode = []
for (const node of nodes) {
  const runs = []
  for (let round = 1; round <= config.rounds; round++) {
    for (const [s, scenario] of scenarios.entries()) {
      // Interleave: each scenario and round starts with a different target, so none is always first.
      const offset = (round - 1 + s) % targets.length
      const order = [...targets.slice(offset), ...targets.slice(0, offset)]
      for (const target of order) {
        const label = `${node.version.padEnd(9)} round ${round}/${config.rounds}  ${scenario.name.padEnd(14)} ${target.name.padEnd(8)}`
        const where = { node: node.version, round, scenario: scenario.name, target: target.name }
        try {
          const result = await runOnce(scenario, target, { ...config, node: node.path })
          runs.push({ ...where, ok: true, ...result })
          process.stderr.write(`${label} ${shown(scenario, result)}\n`)
        } catch (error) {
          const wrong = error instanceof WrongAnswer
          const message = String(error?.message ?? error)
          failures.push({ ...where, wrongAnswer: wrong, error: message })
          runs.push({ ...where, ok: false, error: message })
          process.stderr.write(`${label} ${wrong ? 'WRONG ANSWER' : 'FAILED'}: ${message}\n`)
        }
      }
    }
  }
  byNode.push({ node: node.version, nodePath: node.path, runs, summary: summarize(runs, scenarios, targets) })
}

function shown(scenario, result) {
  if (args.check) return 'answers right'
  if (scenario.idle)
    return `${result.kibPerConnection.toFixed(1).padStart(8)} KiB per idle connection (JS heap ${result.heapKibPerConnection.toFixed(1)})`
  const rate = Math.round(result.rate).toLocaleString('en-US').padStart(8)
  return `${rate} /s  p99 ${(result.p99Us / 1000).toFixed(2)} ms  CPU ${Math.round(result.cpuPct)}%  ${result.cpuUsPerOp.toFixed(1)} µs/req`
}

const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
const meta = {
  date,
  ...runMeta(targets),
  // The first Node's, for readers of the one-Node format (docs/.vitepress/generate.ts reads `node` and `summary`).
  node: byNode[0].node,
  config: { ...config, quick: args.quick, nodes: nodes.map((n) => n.version) },
  seconds: Math.round((performance.now() - began) / 1000),
  failures,
}

if (args.check) {
  const total = byNode.reduce((sum, n) => sum + n.runs.length, 0)
  process.stdout.write(
    `${total - failures.length} passed, ${failures.length} failed, on Node ${meta.config.nodes.join(' and ')} (${meta.seconds} s)\n`,
  )
} else {
  const report = markdown(byNode, meta, scenarios, targets)
  mkdirSync(here('./results'), { recursive: true })
  const stem = here(`./results/${date.replaceAll(':', '-')}${args.quick ? '-quick' : ''}`)
  const { runs, summary } = byNode[0]
  writeFileSync(`${stem}.json`, `${JSON.stringify({ ...meta, runs, summary, byNode }, null, 2)}\n`)
  writeFileSync(`${stem}.md`, `${report}\n`)
  process.stdout.write(`${report}\nWrote ${stem}.json and ${stem}.md (${meta.seconds} s)\n`)
}
process.exit(failures.length > 0 ? 1 : 0)
