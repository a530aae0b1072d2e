/**
 * From the runs to the report: medians over rounds, the ratios to raw node:http and to Flagon taken
 * per round (absolute numbers drift on a shared machine; ratios taken seconds apart do not), the
 * check of Flagon against issue 10's targets, and the Markdown that shows them.
 */
import { FLAGON, RAW } from './targets.mjs'

/** Issue 10's targets for Flagon, each as a ratio measured per round. */
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
]

/** Medians and per-round ratios for every scenario and target that ran. */
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
      for (const metric of METRICS) row[metric] = median(mine.map((r) => r[metric]))
      row.vsRaw = ratio(scenario.name, target.name, RAW)
      row.vsFlagon = ratio(scenario.name, target.name, FLAGON)
      // Raw's CPU per request over this target's: an efficiency ratio that a neighbour's load barely moves.
      row.cpuVsRaw = 1 / ratio(scenario.name, target.name, RAW, 'cpuUsPerOp')
      rows[target.name] = row
    }
    // Flagon over the fastest peer of the same round.
    const vsFastestPeer = median(
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
      const value =
        g.against === 'params-50'
          ? ratio(g.scenario, FLAGON, FLAGON, 'rate', 'params-50')
          : ratio(g.scenario, FLAGON, g.against, g.metric ?? 'rate')
      const self = g.against === 'params-50'
      const cpu = g.metric
        ? Number.NaN
        : 1 /
          ratio(g.scenario, FLAGON, self ? FLAGON : g.against, 'cpuUsPerOp', self ? 'params-50' : g.scenario)
      const met = Number.isFinite(value) ? (g.max !== undefined ? value <= g.max : value >= g.min) : null
      return { ...g, value, cpu, met }
    })
  return { scenarios: result, goals: goalRows }
}

const fmt = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–'
const ms = (us) => fmt(us / 1000, 2)

/** The Markdown report. */
export function markdown(summary, meta, scenarios, targets) {
  const lines = [
    `# Flagon benchmark, ${meta.date}`,
    '',
    `Machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, Linux ${meta.machine.kernel}. ` +
      `Targets on Node ${meta.node}. Server pinned to core 0, load (wrk ${meta.wrk}, or the websocket client) to core 1.`,
    `${meta.config.rounds} round(s) of ${meta.config.duration} s after ${meta.config.warmup} s of warm-up, ` +
      `${meta.config.connections} connections; a fresh server process per run, targets interleaved. ` +
      `Flagon at ${meta.flagonCommit}. Versions: ${Object.entries(meta.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ')}.`,
    '',
    'Throughput is requests (websocket: messages) per second; ×raw and ×Flagon are per-round ratios, median over rounds. ' +
      'CPU is the server’s user+system time per request, and its share of one core during the timed window; ' +
      '“others” is what everything else took of that core meanwhile (a window above 10% is timed again, the quietest kept). ' +
      'CPU ×raw is raw node’s CPU per request over the target’s (per round, median): the efficiency ratio, steadier than throughput when the machine is shared. ' +
      'Start is spawn to first response. “Met” judges the throughput ratio, as issue 10 states its targets.',
    '',
  ]
  for (const scenario of scenarios) {
    const entry = summary.scenarios[scenario.name]
    if (!entry || Object.keys(entry.rows).length === 0) continue
    lines.push(`## ${scenario.title}`, '')
    lines.push(
      `| target | ${scenario.websocket ? 'msg/s' : 'req/s'} | ×raw | ×Flagon | p50 ms | p99 ms | CPU µs/req | CPU ×raw | server CPU | others on its core | RSS start MiB | RSS peak MiB | start ms |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    )
    for (const target of targets) {
      const row = entry.rows[target.name]
      if (!row) continue
      lines.push(
        `| ${target.title} | ${fmt(row.rate)} | ${fmt(row.vsRaw, 2)} | ${fmt(row.vsFlagon, 2)} | ${ms(row.p50Us)} | ${ms(row.p99Us)} | ` +
          `${fmt(row.cpuUsPerOp, 1)} | ${fmt(row.cpuVsRaw, 2)} | ${fmt(row.cpuPct)}% | ${fmt(row.othersPct)}% | ${fmt(row.rssStartMiB, 1)} | ${fmt(row.rssPeakMiB, 1)} | ${fmt(row.startMs)} |`,
      )
    }
    lines.push('', `Flagon ÷ fastest peer (Fastify, Hono, Express): ${fmt(entry.vsFastestPeer, 2)}×`, '')
    const rows = Object.entries(entry.rows)
    if (scenario.websocket) {
      const low = rows.filter(([, row]) => row.cpuPct < 90)
      const client = rows.map(([name, row]) => `${name} ${fmt(row.clientCpuPct)}%`).join(', ')
      lines.push(
        low.length === 0
          ? `Every server was at ≥ 90% of its core during the timed window, so the server, not the client, was the bottleneck (the client's CPU: ${client}).`
          : `**Server below 90% CPU** during the timed window: ${low.map(([n, r]) => `${n} ${fmt(r.cpuPct)}%`).join(', ')} (the client's CPU: ${client}).`,
        '',
      )
    }
    const shared = rows.filter(([, row]) => row.othersPct > 10)
    if (shared.length > 0) {
      lines.push(
        `**The server core was shared**: other processes took ${shared.map(([n, r]) => `${fmt(r.othersPct)}% (${n})`).join(', ')} ` +
          'of core 0 during the timed window (median over rounds); those absolute numbers are low, the ratios less affected.',
        '',
      )
    }
  }
  if (summary.goals.length > 0) {
    lines.push(
      "## Flagon against issue 10's targets",
      '',
      '| target | measured (throughput) | by CPU per request | met |',
      '| --- | ---: | ---: | :---: |',
    )
    for (const goal of summary.goals) {
      lines.push(
        `| ${goal.text} | ${fmt(goal.value, 2)}× | ${Number.isFinite(goal.cpu) ? `${fmt(goal.cpu, 2)}×` : '–'} | ${goal.met === null ? '–' : goal.met ? 'yes' : '**no**'} |`,
      )
    }
    lines.push('')
  }
  if (meta.failures.length > 0) {
    lines.push(
      '## Wrong answers and failed runs',
      '',
      'These were not timed, or their timings were discarded.',
      '',
    )
    for (const f of meta.failures) lines.push(`- round ${f.round}, ${f.scenario}, ${f.target}: ${f.error}`)
    lines.push('')
  }
  return lines.join('\n')
}
