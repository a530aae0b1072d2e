/**
 * Pages made from the sources at build time, so they cannot drift from them:
 * - the config-key table, from `packages/framework/src/config/defaults.ts` (types and TSDoc read with the
 *   TypeScript compiler) and the `defaultConfig` it exports (the values);
 * - the "Coming from Quart" name map, from `docs/snippets/name-map.ts`.
 * - the benchmark table and chart, from `docs/explanation/bench-results.json` (a copy of one run of `bench/`).
 * They are written to `docs/.generated/` and included by the pages with `<!--@include: …-->`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
// The values come from the same file as the types and TSDoc, so the table matches the source, built or not.
import { defaultConfig } from '../../packages/framework/src/config/defaults.js'
import { type NameMapRow, nameMap } from '../snippets/name-map.js'

const docs = join(dirname(fileURLToPath(import.meta.url)), '..')
export const defaultsFile = join(docs, '..', 'packages', 'framework', 'src', 'config', 'defaults.ts')
export const generatedDir = join(docs, '.generated')

/** One row of the config table. */
export interface ConfigKeyRow {
  key: string
  /** The TypeScript type, as written in `FlagonConfig`. */
  type: string
  /** The default, as `defaultConfig` holds it, in JSON. */
  value: string
  /** The initializer as written, when it is an expression (`31 * 24 * 60 * 60`). */
  expression: string | null
  /** The TSDoc of the key, on one line. */
  description: string
  /** Whether defaults.ts has TSDoc for it. */
  documented: boolean
}

/**
 * Descriptions for the keys that have no TSDoc in defaults.ts yet. The config-table test fails when a key
 * here gains TSDoc, so that this list only ever shrinks.
 */
export const undocumentedKeys: Readonly<Record<string, string>> = {
  SESSION_COOKIE_NAME: 'The name of the session cookie.',
  SESSION_COOKIE_HTTPONLY: 'Send the session cookie with `HttpOnly`, out of reach of page scripts.',
  SESSION_COOKIE_SECURE: 'Send the session cookie with `Secure`: over HTTPS only.',
  SESSION_COOKIE_SAMESITE: 'The session cookie’s `SameSite` attribute; `null` sends none.',
}

/** The keys of `FlagonConfig`, in the order the file declares them, with their defaults. */
export function configKeyRows(source = readFileSync(defaultsFile, 'utf8')): ConfigKeyRow[] {
  const file = ts.createSourceFile(defaultsFile, source, ts.ScriptTarget.Latest, true)
  const initializers = new Map<string, string>()
  const rows: ConfigKeyRow[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'FlagonConfig') {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !ts.isIdentifier(member.name)) continue
        const docs = ts
          .getJSDocCommentsAndTags(member)
          .filter(ts.isJSDoc)
          .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
          .join(' ')
        rows.push({
          key: member.name.text,
          documented: docs.trim() !== '',
          type: member.type?.getText(file) ?? 'unknown',
          value: '',
          expression: null,
          description: docs.replace(/\s+/g, ' ').trim(),
        })
      }
    }
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      initializers.set(node.name.text, node.initializer.getText(file))
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  const defaults = defaultConfig as Readonly<Record<string, unknown>>
  for (const row of rows) {
    row.value = JSON.stringify(defaults[row.key]) ?? 'undefined'
    if (row.description === '') row.description = undocumentedKeys[row.key] ?? ''
    const written = initializers.get(row.key)
    if (written !== undefined && written !== row.value && written.replace(/'/g, '"') !== row.value) {
      row.expression = written
    }
  }
  return rows
}

/** The config table as Markdown. */
export function configTableMarkdown(rows = configKeyRows()): string {
  const lines = ['| Key | Default | Type | What it does |', '| --- | --- | --- | --- |']
  for (const row of rows) {
    const value = row.expression ? `\`${row.value}\` (\`${row.expression}\`)` : `\`${row.value}\``
    lines.push(
      `| <code id="${row.key.toLowerCase().replace(/_/g, '-')}">${row.key}</code> | ${value} | \`${cell(row.type)}\` | ${cell(row.description)} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** The name map as Markdown tables, one per section. */
export function nameMapMarkdown(rows: readonly NameMapRow[] = nameMap): string {
  const out: string[] = []
  let section = ''
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section
      out.push('', `### ${section}`, '', '| Quart | Flagon | Notes |', '| --- | --- | --- |')
    }
    const flagon =
      row.flagon !== null ? `\`${row.flagon}\`` : row.status === 'not needed' ? '*not needed*' : '*not yet*'
    out.push(`| \`${row.quart}\` | ${flagon} | ${cell(row.note ?? '')} |`)
  }
  return `${out.join('\n').trim()}\n`
}

/** Writes the generated pages; called when the VitePress config loads (dev and build). */
export function writeGenerated(): void {
  mkdirSync(generatedDir, { recursive: true })
  writeFileSync(join(generatedDir, 'config-keys.md'), configTableMarkdown())
  writeFileSync(join(generatedDir, 'name-map.md'), nameMapMarkdown())
  const bench = readBenchResults()
  writeFileSync(join(generatedDir, 'bench-tables.md'), benchTablesMarkdown(bench))
  writeFileSync(join(generatedDir, 'bench-chart.md'), benchChartSvg(bench))
}

export const benchResultsFile = join(docs, 'explanation', 'bench-results.json')

/** One target's numbers in one scenario, as bench/ summarises them. */
export interface BenchRow {
  rate: number
  p50Us: number
  p99Us: number
  cpuUsPerOp: number
  vsRaw: number
  cpuVsRaw: number
}

/** The part of a bench/ results file the docs use. */
export interface BenchResults {
  date: string
  machine: { cpu: string; cores: number }
  node: string
  config: { rounds: number; duration: number; connections: number; quick?: boolean }
  versions: Record<string, string>
  summary: { scenarios: Record<string, { rows: Record<string, BenchRow> }> }
}

/** The scenarios and targets, in the order the tables show them. */
export const benchScenarios: ReadonlyArray<[key: string, title: string, unit: string]> = [
  ['plaintext', 'Plaintext', 'req/s'],
  ['json', 'JSON', 'req/s'],
  ['params-50', '2-parameter route after 50 others', 'req/s'],
  ['params-1000', '2-parameter route after 1,000 others', 'req/s'],
  ['session', 'Signed-cookie session round trip', 'req/s'],
  ['template', 'nunjucks template, 20-item loop, autoescaped', 'req/s'],
  ['websocket', 'Websocket echo, 64-byte messages', 'msg/s'],
]
export const benchTargets: ReadonlyArray<[key: string, label: string, colour: string]> = [
  ['node', 'node:http (raw)', '#8c8c8c'],
  ['flagon', 'Flagon', '#d97706'],
  ['fastify', 'Fastify', '#2563eb'],
  ['hono', 'Hono', '#16a34a'],
  ['express', 'Express', '#9333ea'],
]

export function readBenchResults(file = benchResultsFile): BenchResults {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResults
}

/** A table per scenario: throughput, latency, CPU per request, each against raw node:http. */
export function benchTablesMarkdown(results: BenchResults): string {
  const out: string[] = []
  const n = (value: number, digits = 0) =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
  for (const [key, title, unit] of benchScenarios) {
    const rows = results.summary.scenarios[key]?.rows
    if (!rows) continue
    out.push(`### ${title}`, '')
    out.push(`| target | ${unit} | ×raw | p50 ms | p99 ms | CPU µs/req | CPU ×raw |`)
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const [target, label] of benchTargets) {
      const row = rows[target]
      if (!row) continue
      const name = target === 'flagon' ? `**${label}**` : label
      out.push(
        `| ${name} | ${n(row.rate)} | ${n(row.vsRaw, 2)} | ${n(row.p50Us / 1000, 2)} | ${n(row.p99Us / 1000, 2)} | ${n(row.cpuUsPerOp, 1)} | ${n(row.cpuVsRaw, 2)} |`,
      )
    }
    out.push('')
  }
  return `${out.join('\n').trim()}\n`
}

/** A grouped bar chart of throughput against raw node:http (×raw), one group per scenario, as inline SVG. */
export function benchChartSvg(results: BenchResults): string {
  const bar = 11
  const groupGap = 16
  const left = 250
  const width = 720
  const scaleWidth = width - left - 60
  const scenarios = benchScenarios.filter(([key]) => results.summary.scenarios[key])
  const max = Math.max(
    1,
    ...scenarios.flatMap(([key]) => Object.values(results.summary.scenarios[key]!.rows).map((r) => r.vsRaw)),
  )
  const x = (value: number) => left + (value / max) * scaleWidth
  const parts: string[] = []
  let y = 40
  for (const [key, title] of scenarios) {
    const rows = results.summary.scenarios[key]!.rows
    const targets = benchTargets.filter(([target]) => rows[target])
    const height = targets.length * bar
    parts.push(
      `<text x="${left - 10}" y="${y + height / 2 + 4}" text-anchor="end">${escapeXml(title)}</text>`,
    )
    targets.forEach(([target, label, colour], i) => {
      const row = rows[target]!
      const top = y + i * bar
      parts.push(
        `<rect x="${left}" y="${top}" width="${(x(row.vsRaw) - left).toFixed(1)}" height="${bar - 2}" fill="${colour}"><title>${escapeXml(label)}: ${row.vsRaw.toFixed(2)}× raw</title></rect>`,
        `<text x="${(x(row.vsRaw) + 4).toFixed(1)}" y="${top + bar - 3}" font-size="9">${row.vsRaw.toFixed(2)}</text>`,
      )
    })
    y += height + groupGap
  }
  const one = x(1).toFixed(1)
  const legend = benchTargets
    .map(
      ([, label, colour], i) =>
        `<rect x="${10 + i * 140}" y="8" width="12" height="12" fill="${colour}"/><text x="${28 + i * 140}" y="18">${escapeXml(label)}</text>`,
    )
    .join('')
  return [
    `<figure class="bench-chart">`,
    `<svg viewBox="0 0 ${width} ${y + 10}" role="img" aria-labelledby="bench-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="bench-title">Throughput against raw node:http, ${escapeXml(results.date)}</title>`,
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

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
