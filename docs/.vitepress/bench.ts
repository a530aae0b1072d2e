/**
 * The benchmark page's generated parts, made from one results file of `bench/` (copied to
 * `docs/explanation/bench-results.json`):
 * - `bench-run.md`: the run's conditions (date, machine, Node versions, length, how noisy the core was);
 * - `bench-results.md`: for each Node version the targets ran on, newest first, a chart of throughput
 *   against raw node:http, Flagon against issue 10's targets, the memory of idle connections, and a table
 *   per throughput scenario.
 *
 * Both shapes bench/ has written are read: one Node (`node` and `summary` at the top level) and, newer,
 * `byNode` with one `{ node, nodePath, summary }` per Node (the top level then repeats the first). A metric a
 * run had no number for is left out of its row (newer) or null (older); either is printed as "–".
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const docs = join(dirname(fileURLToPath(import.meta.url)), '..')
export const benchResultsFile = join(docs, 'explanation', 'bench-results.json')

/** A number as bench/ writes it: missing, or null (NaN through JSON), when there was none. */
type Num = number | null | undefined

/** One target's medians in one scenario, as `bench/lib/summary.mjs` makes them. */
export interface BenchRow {
  rounds?: Num
  rate?: Num
  p50Us?: Num
  p99Us?: Num
  cpuUsPerOp?: Num
  othersPct?: Num
  vsRaw?: Num
  cpuVsRaw?: Num
  idleConnections?: Num
  kibPerConnection?: Num
  heapKibPerConnection?: Num
  memVsRaw?: Num
}

/** One of issue 10's targets, judged for Flagon. */
export interface BenchGoal {
  scenario: string
  text: string
  absolute?: boolean
  unit?: string
  value?: Num
  cpu?: Num
  met?: boolean | null
}

export interface BenchSummary {
  scenarios: Record<string, { rows: Record<string, BenchRow>; vsFastestPeer?: Num }>
  goals?: BenchGoal[]
}

/** The results of one Node version. */
export interface BenchNode {
  node: string
  nodePath?: string
  summary: BenchSummary
}

/** The part of a bench/ results file the docs use. */
export interface BenchResults {
  date: string
  machine: { cpu: string; cores: number; kernel?: string }
  node: string
  harnessNode?: string
  wrk?: string
  flagonCommit?: string
  config: {
    rounds: number
    duration: number
    warmup?: number
    connections: number
    quick?: boolean
    attempts?: number
    node?: string
  }
  versions?: Record<string, string>
  failures?: Array<{ node?: string; round?: number; scenario?: string; target?: string; error?: string }>
  summary: BenchSummary
  byNode?: BenchNode[]
}

/** A throughput scenario: its title over its table, a shorter label in the chart. */
export interface BenchScenario {
  key: string
  title: string
  label: string
  /** What is counted: requests, or websocket messages. */
  per: 'req' | 'msg'
}

/** The throughput scenarios, in the order the chart and the tables show them. */
export const benchScenarios: readonly BenchScenario[] = [
  { key: 'plaintext', title: 'Plaintext', label: 'Plaintext', per: 'req' },
  { key: 'json', title: 'JSON', label: 'JSON', per: 'req' },
  {
    key: 'params-50',
    title: '2-parameter route after 50 others',
    label: 'Route after 50 others',
    per: 'req',
  },
  {
    key: 'params-1000',
    title: '2-parameter route after 1,000 others',
    label: 'Route after 1,000 others',
    per: 'req',
  },
  { key: 'session', title: 'Signed-cookie session round trip', label: 'Signed-cookie session', per: 'req' },
  {
    key: 'template',
    title: 'nunjucks template, 20-item loop, autoescaped',
    label: 'nunjucks template',
    per: 'req',
  },
  { key: 'websocket', title: 'Websocket echo, 64-byte messages', label: 'Websocket echo', per: 'msg' },
  {
    key: 'json-echo',
    title: 'JSON echo, 1 KiB POST body parsed and re-serialised',
    label: 'JSON echo, 1 KiB POST',
    per: 'req',
  },
  {
    key: 'upload',
    title: 'multipart/form-data upload, one 256 KiB file',
    label: 'Upload, 256 KiB multipart',
    per: 'req',
  },
]

/** The idle-connection scenarios: memory, not throughput; columns of the idle table. */
export const benchIdleScenarios: ReadonlyArray<{ key: string; column: string }> = [
  { key: 'idle-websocket', column: 'websocket' },
  { key: 'idle-keepalive', column: 'keep-alive' },
]

/** The targets, in the order the tables and the chart show them. */
export const benchTargets: ReadonlyArray<{ key: string; label: string; colour: string }> = [
  { key: 'node', label: 'node:http (raw)', colour: '#8c8c8c' },
  { key: 'flagon', label: 'Flagon', colour: '#d97706' },
  { key: 'fastify', label: 'Fastify', colour: '#2563eb' },
  { key: 'hono', label: 'Hono', colour: '#16a34a' },
  { key: 'express', label: 'Express', colour: '#9333ea' },
]

export function readBenchResults(file = benchResultsFile): BenchResults {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResults
}

/** The generated pages, by file name in `docs/.generated/`. */
export function benchPages(results: BenchResults): Record<string, string> {
  return {
    'bench-run.md': benchRunMarkdown(results),
    'bench-results.md': benchResultsMarkdown(results),
  }
}

/** Writes the benchmark's generated pages into `dir`. */
export function writeBenchPages(dir: string, results = readBenchResults()): void {
  for (const [name, text] of Object.entries(benchPages(results))) writeFileSync(join(dir, name), text)
}

/** The Node versions of a run, newest first; an older one-Node file is one of them. */
export function benchNodes(results: BenchResults): BenchNode[] {
  const nodes: BenchNode[] =
    results.byNode && results.byNode.length > 0
      ? [...results.byNode]
      : [
          {
            node: results.node,
            ...(results.config.node !== undefined ? { nodePath: results.config.node } : {}),
            summary: results.summary,
          },
        ]
  const parts = (v: string) => v.replace(/^v/, '').split('.').map(Number)
  return nodes.sort((a, b) => {
    const [x, y] = [parts(a.node), parts(b.node)]
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (y[i] ?? 0) - (x[i] ?? 0)
      if (d !== 0) return d
    }
    return 0
  })
}

/** "Node.js 24.21.0 (LTS)": the Node bench/ fetched as its LTS Node is marked so. */
export function benchNodeLabel(entry: BenchNode): string {
  const lts = /flagon-node-lts/.test(entry.nodePath ?? '')
  return `Node.js ${version(entry.node)}${lts ? ' (LTS)' : ''}`
}

/** The run's conditions, as a Markdown list. */
export function benchRunMarkdown(results: BenchResults): string {
  const nodes = benchNodes(results)
  const { config, machine } = results
  const lines: string[] = []
  const [, hash, note] = /^(\S+)\s*(.*)$/.exec(results.flagonCommit ?? '') ?? []
  lines.push(
    `- **Date**: ${when(results.date)}${hash ? `, Flagon at commit \`${hash}\`${note ? ` ${note}` : ''}` : ''}.`,
  )
  const wrk = !results.wrk
    ? 'wrk'
    : results.wrk.startsWith('debian/')
      ? `Debian’s wrk ${results.wrk.slice('debian/'.length)}`
      : `wrk ${results.wrk}`
  lines.push(
    `- **Machine**: a ${machine.cores}-core ${machine.cpu} machine${machine.kernel ? `, Linux ${machine.kernel}` : ''}; ` +
      `the server pinned to one core, the load generator (${wrk}, or the benchmark’s own websocket and ` +
      'idle-connection clients) to the other.',
  )
  const labels = nodes.map(benchNodeLabel).map((l) => l.replace(/^Node\.js /, ''))
  if (results.harnessNode) {
    lines.push(
      `- **Node.js**: the targets ran on ${list(labels)}, one section below each; ` +
        `the harness and the load generators on ${version(results.harnessNode)}.`,
    )
  } else {
    lines.push(`- **Node.js**: ${list(labels)}, for the targets, the harness and the load generators.`)
  }
  const rounds = `${config.rounds} round${config.rounds === 1 ? '' : 's'}`
  const warmup = config.warmup !== undefined ? ` after ${config.warmup} s of warm-up` : ''
  lines.push(
    `- **Length**: ${config.quick ? 'a quick run (`pnpm bench:quick`): ' : ''}${rounds} of ${config.duration} s${warmup} ` +
      `per target and scenario, ${config.connections} connections, a fresh server process for each run` +
      `${config.rounds > 1 ? '; every ratio is the median of the per-round ratios' : ''}` +
      `${(config.attempts ?? 1) > 1 ? `; a timed window in which other processes took more than 10% of the server’s core was timed again, up to ${config.attempts} times, and the quietest kept` : ''}.`,
  )
  const others = nodes
    .flatMap((n) => Object.values(throughputScenarios(n.summary)).flatMap((s) => Object.values(s.rows)))
    .map((row) => row.othersPct)
    .filter(isNum)
  if (others.length > 0) {
    const most = Math.max(...others)
    lines.push(
      `- **Noise**: during the timed windows, other processes took a median of ${fmt(median(others))}% ` +
        `of the server’s core, at most ${fmt(most)}%.` +
        (most > 10
          ? ' Absolute rates are then low and uncertain; the ratios to raw `node:http` measured in the same ' +
            'round (×raw), and CPU time per request, are steadier.'
          : ''),
    )
  }
  const versions = Object.entries(results.versions ?? {})
  if (versions.length > 0) {
    lines.push(`- **Versions**: ${versions.map(([name, v]) => `${name} ${v}`).join(', ')}.`)
  }
  const failures = results.failures ?? []
  if (failures.length > 0) {
    lines.push(`- **Failed runs**, left out of the numbers (${failures.length}):`)
    for (const f of failures) {
      const where = [
        f.node && `Node.js ${version(f.node)}`,
        f.round !== undefined && `round ${f.round}`,
        f.scenario,
        f.target,
      ]
      lines.push(
        `  - ${where.filter(Boolean).join(', ')}: ${cell(String(f.error ?? 'failed')).slice(0, 300)}`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}

/** A section per Node version, newest first. */
export function benchResultsMarkdown(results: BenchResults): string {
  return `${benchNodes(results)
    .map((entry) => benchNodeMarkdown(results, entry))
    .join('\n')
    .trim()}\n`
}

/** One Node's section: chart, issue 10's targets, idle memory, a table per throughput scenario. */
export function benchNodeMarkdown(results: BenchResults, entry: BenchNode): string {
  const label = benchNodeLabel(entry)
  const out: string[] = [`## ${label}`, '']
  const scenarios = throughputScenarios(entry.summary)
  if (Object.keys(scenarios).length > 0) {
    out.push(
      '### Throughput against raw `node:http`',
      '',
      benchChartSvg(entry.summary, {
        id: `bench-chart-${slug(entry.node)}`,
        title: `Throughput against raw node:http on ${label}, ${results.date}`,
      }),
    )
  }
  const goals = entry.summary.goals ?? []
  if (goals.length > 0) out.push('### Issue 10’s targets', '', benchGoalsMarkdown(goals))
  const idle = benchIdleMarkdown(entry.summary)
  if (idle) out.push('### Memory of idle connections', '', idle)
  if (Object.keys(scenarios).length > 0) out.push('### The numbers', '', benchTablesMarkdown(entry.summary))
  return `${out.join('\n').trim()}\n`
}

/** Flagon against issue 10's targets, as `bench/lib/report.mjs` judges them. */
export function benchGoalsMarkdown(goals: readonly BenchGoal[]): string {
  const lines = ['| goal | measured | by CPU per request | result |', '| --- | ---: | ---: | --- |']
  for (const goal of goals) {
    const value = !isNum(goal.value)
      ? '–'
      : goal.absolute
        ? `${fmt(goal.value, 1)}${goal.unit ?? ''}`
        : `${fmt(goal.value, 2)}×`
    const cpu = isNum(goal.cpu) ? `${fmt(goal.cpu, 2)}×` : '–'
    const met = goal.met === true ? 'met' : goal.met === false ? '**missed**' : '–'
    lines.push(`| ${cell(goal.text)} | ${value} | ${cpu} | ${met} |`)
  }
  return `${lines.join('\n')}\n`
}

/** KiB of RSS and of JS heap per idle connection, for each target, both idle scenarios side by side. */
export function benchIdleMarkdown(summary: BenchSummary): string {
  const present = benchIdleScenarios
    .map((s) => ({ ...s, rows: summary.scenarios[s.key]?.rows ?? {} }))
    .filter((s) => Object.keys(s.rows).length > 0)
  // An idle scenario bench/ adds later still gets its columns, named by its key.
  for (const [key, entry] of Object.entries(summary.scenarios)) {
    if (isIdle(entry.rows) && !present.some((s) => s.key === key)) {
      present.push({ key, column: key.replace(/^idle-/, ''), rows: entry.rows })
    }
  }
  if (present.length === 0) return ''
  const counts = present.flatMap((s) => Object.values(s.rows).map((r) => r.idleConnections)).filter(isNum)
  const held = counts.length > 0 ? `${fmt(Math.max(...counts))} connections held open; ` : ''
  const head = ['target']
  for (const s of present)
    head.push(`${s.column}: RSS KiB`, `${s.column}: JS heap KiB`, `${s.column}: RSS ×raw`)
  const lines = [
    `KiB per idle connection (${held}×raw is the target’s RSS per connection over raw \`node:http\`’s, lower is better):`,
    '',
    `| ${head.join(' | ')} |`,
    `| --- |${' ---: |'.repeat(head.length - 1)}`,
  ]
  for (const target of targetsOf(present.map((s) => s.rows))) {
    const cells = [target.key === 'flagon' ? `**${target.label}**` : target.label]
    for (const s of present) {
      const row = s.rows[target.key]
      cells.push(fmt(row?.kibPerConnection, 1), fmt(row?.heapKibPerConnection, 1), fmt(row?.memVsRaw, 2))
    }
    lines.push(`| ${cells.join(' | ')} |`)
  }
  return `${lines.join('\n')}\n`
}

/** A table per throughput scenario: rate, latency, CPU per request, each against raw node:http. */
export function benchTablesMarkdown(summary: BenchSummary): string {
  const out: string[] = []
  for (const [scenario, entry] of scenarioEntries(summary)) {
    const per = scenario.per
    out.push(`#### ${scenario.title}`, '')
    out.push(`| target | ${per}/s | ×raw | p50 ms | p99 ms | CPU µs/${per} | CPU ×raw | others % |`)
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const target of targetsOf([entry.rows])) {
      const row = entry.rows[target.key]!
      const name = target.key === 'flagon' ? `**${target.label}**` : target.label
      out.push(
        `| ${name} | ${fmt(row.rate)} | ${fmt(row.vsRaw, 2)} | ${fmt(ms(row.p50Us), 2)} | ${fmt(ms(row.p99Us), 2)} | ` +
          `${fmt(row.cpuUsPerOp, 1)} | ${fmt(row.cpuVsRaw, 2)} | ${fmt(row.othersPct)} |`,
      )
    }
    out.push('')
    if (isNum(entry.vsFastestPeer)) {
      out.push(`Flagon ÷ the fastest of Fastify, Hono and Express: ${fmt(entry.vsFastestPeer, 2)}×.`, '')
    }
  }
  return `${out.join('\n').trim()}\n`
}

/** A grouped bar chart of throughput against raw node:http (×raw), one group per scenario, as inline SVG. */
export function benchChartSvg(summary: BenchSummary, { id, title }: { id: string; title: string }): string {
  const bar = 11
  const groupGap = 16
  const left = 190
  const width = 720
  const scaleWidth = width - left - 50
  const groups = scenarioEntries(summary)
    .map(([scenario, entry]) => ({
      scenario,
      bars: targetsOf([entry.rows])
        .map((target) => ({ target, value: entry.rows[target.key]!.vsRaw }))
        .filter((b): b is { target: (typeof b)['target']; value: number } => isNum(b.value)),
    }))
    .filter((group) => group.bars.length > 0)
  const max = Math.max(1, ...groups.flatMap((group) => group.bars.map((b) => b.value)))
  const x = (value: number) => left + (value / max) * scaleWidth
  const parts: string[] = []
  let y = 40
  for (const { scenario, bars } of groups) {
    const height = bars.length * bar
    parts.push(
      `<text x="${left - 10}" y="${y + height / 2 + 4}" text-anchor="end">${escapeXml(scenario.label)}<title>${escapeXml(scenario.title)}</title></text>`,
    )
    bars.forEach(({ target, value }, i) => {
      const top = y + i * bar
      parts.push(
        `<rect x="${left}" y="${top}" width="${(x(value) - left).toFixed(1)}" height="${bar - 2}" fill="${target.colour}"><title>${escapeXml(`${scenario.title}, ${target.label}: ${value.toFixed(2)}× raw`)}</title></rect>`,
        `<text x="${(x(value) + 4).toFixed(1)}" y="${top + bar - 3}" font-size="9">${value.toFixed(2)}</text>`,
      )
    })
    y += height + groupGap
  }
  const shown = targetsOf(groups.map((g) => Object.fromEntries(g.bars.map((b) => [b.target.key, {}]))))
  const legend = shown
    .map(
      (target, i) =>
        `<rect x="${10 + i * 140}" y="8" width="12" height="12" fill="${target.colour}"/><text x="${28 + i * 140}" y="18">${escapeXml(target.label)}</text>`,
    )
    .join('')
  const one = x(1).toFixed(1)
  return [
    `<figure class="bench-chart">`,
    `<svg viewBox="0 0 ${width} ${y + 10}" role="img" aria-labelledby="${id}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}">${escapeXml(title)}</title>`,
    `<g font-family="system-ui, sans-serif" font-size="11" fill="currentColor">`,
    legend,
    `<path d="M${one} 30V${y - groupGap + 4}" stroke="currentColor" stroke-dasharray="3 3" opacity="0.5"/>`,
    `<text x="${one}" y="${y + 4}" text-anchor="middle" font-size="9">1.0 = node:http</text>`,
    ...parts,
    `</g>`,
    `</svg>`,
    `</figure>`,
    '',
  ].join('\n')
}

type ScenarioEntry = BenchSummary['scenarios'][string]

/** Whether a scenario's rows are idle-memory rows (no rate, KiB per connection) rather than throughput. */
function isIdle(rows: Record<string, BenchRow>): boolean {
  const values = Object.values(rows)
  return values.some((r) => r.kibPerConnection != null) && !values.some((r) => r.rate != null)
}

function throughputScenarios(summary: BenchSummary): Record<string, ScenarioEntry> {
  return Object.fromEntries(
    Object.entries(summary.scenarios).filter(
      ([key, entry]) =>
        !benchIdleScenarios.some((s) => s.key === key) &&
        Object.keys(entry.rows).length > 0 &&
        !isIdle(entry.rows),
    ),
  )
}

/** The throughput scenarios of a summary in page order; one bench/ adds later follows, titled by its key. */
function scenarioEntries(summary: BenchSummary): Array<[BenchScenario, ScenarioEntry]> {
  const present = throughputScenarios(summary)
  const known = benchScenarios
    .filter((s) => present[s.key])
    .map((s): [BenchScenario, ScenarioEntry] => [s, present[s.key]!])
  const unknown = Object.keys(present)
    .filter((key) => !benchScenarios.some((s) => s.key === key))
    .map((key): [BenchScenario, ScenarioEntry] => [
      { key, title: key, label: key, per: key.includes('websocket') ? 'msg' : 'req' },
      present[key]!,
    ])
  return [...known, ...unknown]
}

/** The targets with a row in any of `rowSets`, in page order; one bench/ adds later follows, named by its key. */
function targetsOf(rowSets: ReadonlyArray<Record<string, unknown>>): Array<(typeof benchTargets)[number]> {
  const keys = new Set(rowSets.flatMap((rows) => Object.keys(rows)))
  return [
    ...benchTargets.filter((t) => keys.has(t.key)),
    ...[...keys]
      .filter((key) => !benchTargets.some((t) => t.key === key))
      .map((key) => ({ key, label: key, colour: '#64748b' })),
  ]
}

const isNum = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** A number for a table, or "–" when there is none. */
function fmt(value: Num, digits = 0): string {
  return isNum(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–'
}

const ms = (us: Num): Num => (isNum(us) ? us / 1000 : undefined)

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const version = (node: string) => node.replace(/^v/, '')
const slug = (text: string) => text.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '')

/** "2026-11-25T16:29:55Z" → "2026-11-25, 16:29 UTC". */
function when(date: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(date)
  return m ? `${m[1]}, ${m[2]} UTC` : date
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
