/**
 * From the runs to the summary: medians over rounds, the ratios to raw node:http and to Flagon taken
 * per round (absolute numbers drift on a shared machine; ratios taken seconds apart do not), and the
 * check of Flagon against issue 10's targets.
 */
import { FLAGON, RAW } from './targets.mjs'

// Issue 10 says "KB"; read as 1,000 bytes, the stricter reading, and compared in KiB.
const KB = 1000 / 1024

/**
 * Issue 10's targets for Flagon: a throughput ratio measured per round against `against` (a target,
 * or the params-50 scenario), or with `absolute` a value of Flagon's own (median over rounds).
 */
const goals = [
  { scenario: 'plaintext', against: RAW, min: 0.95, text: 'plaintext ≥ 0.95× raw' },
  { scenario: 'json', against: RAW, min: 0.87, text: 'JSON ≥ 0.87× raw' },
  { scenario: 'params-50', against: RAW, min: 0.86, text: 'parameterised route ≥ 0.86× raw' },
  {
    scenario: 'params-1000',
    against: 'params-50',
    min: 0.95,
    text: '1,000-route case within 5% of the 50-route case',
  },
  { scenario: 'session', against: RAW, min: 0.7, text: 'session round trip ≥ 0.70× raw' },
  { scenario: 'session', against: 'fastify', min: 1.0, text: 'session round trip ≥ 1.0× Fastify' },
  { scenario: 'template', against: RAW, min: 1.0, text: 'template ≥ 1.0× raw nunjucks' },
  { scenario: 'websocket', against: RAW, min: 1.0, text: 'websocket echo ≥ 1.0× raw `ws`' },
  { scenario: 'json-echo', against: RAW, min: 0.82, text: 'JSON echo ≥ 0.82× raw' },
  {
    scenario: 'idle-websocket',
    absolute: true,
    metric: 'kibPerConnection',
    max: 12 * KB,
    unit: ' KiB',
    text: 'idle websocket ≤ 12 KB (11.7 KiB) per connection',
  },
  {
    scenario: 'idle-keepalive',
    absolute: true,
    metric: 'kibPerConnection',
    max: 10 * KB,
    unit: ' KiB',
    text: 'idle keep-alive connection ≤ 10 KB (9.8 KiB)',
  },
  {
    scenario: 'plaintext',
    against: RAW,
    max: 1.3,
    metric: 'startMs',
    text: 'cold start (spawn to first response) ≤ 1.3× raw',
  },
]

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const METRICS = [
  'rate',
  'p50Us',
  'p99Us',
  'cpuUsPerOp',
  'cpuPct',
  'othersPct',
  'clientCpuPct',
  'rssStartMiB',
  'rssPeakMiB',
  'startMs',
  'idleConnections',
  'kibPerConnection',
  'heapKibPerConnection',
  'rssBeforeMiB',
  'rssAfterMiB',
  'settleMs',
]

/** Medians and per-round ratios for every scenario and target that ran (on one Node). */
export function summarize(runs, scenarios, targets) {
  const find = (round, scenario, target) =>
    runs.find((r) => r.ok && r.round === round && r.scenario === scenario && r.target === target)
  const rounds = [...new Set(runs.map((r) => r.round))]
  const ratio = (scenario, target, base, metric = 'rate', baseScenario = scenario) =>
    median(
      rounds.map((round) => {
        const a = find(round, scenario, target)
        const b = find(round, baseScenario, base)
        return a && b ? a[metric] / b[metric] : Number.NaN
      }),
    )
  const peers = targets.filter((t) => t.name !== RAW && t.name !== FLAGON).map((t) => t.name)
  const result = {}
  for (const scenario of scenarios) {
    const rows = {}
    for (const target of targets) {
      const mine = runs.filter((r) => r.ok && r.scenario === scenario.name && r.target === target.name)
      if (mine.length === 0) continue
      const row = { rounds: mine.length }
      for (const metric of METRICS) {
        const value = median(mine.map((r) => r[metric]))
        if (Number.isFinite(value)) row[metric] = value
      }
      if (scenario.idle) {
        // Lower is better here: the target's memory per connection over raw node's.
        row.memVsRaw = ratio(scenario.name, target.name, RAW, 'kibPerConnection')
      } else {
        row.vsRaw = ratio(scenario.name, target.name, RAW)
        row.vsFlagon = ratio(scenario.name, target.name, FLAGON)
        // Raw's CPU per request over this target's: an efficiency ratio that a neighbour's load barely moves.
        row.cpuVsRaw = 1 / ratio(scenario.name, target.name, RAW, 'cpuUsPerOp')
      }
      rows[target.name] = row
    }
    // Flagon over the fastest peer of the same round.
    const vsFastestPeer = scenario.idle
      ? Number.NaN
      : median(
          rounds.map((round) => {
            const flagon = find(round, scenario.name, FLAGON)
            const best = Math.max(
              ...peers.map((p) => find(round, scenario.name, p)?.rate ?? Number.NaN).filter(Number.isFinite),
            )
            return flagon && Number.isFinite(best) ? flagon.rate / best : Number.NaN
          }),
        )
    result[scenario.name] = { rows, vsFastestPeer }
  }
  const goalRows = goals
    .filter((g) => result[g.scenario]?.rows[FLAGON])
    .map((g) => {
      const self = g.against === 'params-50'
      let value
      if (g.absolute) value = median(rounds.map((round) => find(round, g.scenario, FLAGON)?.[g.metric]))
      else if (self) value = ratio(g.scenario, FLAGON, FLAGON, 'rate', 'params-50')
      else value = ratio(g.scenario, FLAGON, g.against, g.metric ?? 'rate')
      const cpu = g.metric
        ? Number.NaN
        : 1 /
          ratio(g.scenario, FLAGON, self ? FLAGON : g.against, 'cpuUsPerOp', self ? 'params-50' : g.scenario)
      const met = Number.isFinite(value) ? (g.max !== undefined ? value <= g.max : value >= g.min) : null
      return { ...g, value, cpu, met }
    })
  return { scenarios: result, goals: goalRows }
}
