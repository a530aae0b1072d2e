/**
 * The benchmark page is made from a results file of bench/: every scenario, target and Node version of it
 * appears, the idle-memory scenarios in a table of their own and not in the throughput chart, and nothing
 * prints as NaN, undefined or null. Tested on the committed `docs/explanation/bench-results.json` (whatever
 * run it holds, in either shape) and on `bench-results-two-nodes.json`, a copy of a quick run
 * (2026-11-25T16-29-55Z) in the newer shape: `byNode` with Node 20 and Node 24, JSON echo, upload, and the two
 * idle scenarios.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  type BenchResults,
  benchIdleScenarios,
  benchNodes,
  benchPages,
  benchScenarios,
  benchTargets,
  readBenchResults,
} from '../.vitepress/bench.js'

const fixture = fileURLToPath(new URL('bench-results-two-nodes.json', import.meta.url))
const page = readFileSync(fileURLToPath(new URL('../explanation/benchmarks.md', import.meta.url)), 'utf8')

/** The generated Markdown split at its `## Node.js …` headings. */
function sections(markdown: string): Map<string, string> {
  const parts = markdown.split(/^## /m).slice(1)
  return new Map(parts.map((part) => [part.slice(0, part.indexOf('\n')), part]))
}

/** What every generated page must hold, for any results file. */
function expectComplete(results: BenchResults): void {
  const pages = benchPages(results)
  const all = Object.values(pages).join('\n')
  expect(all).not.toMatch(/NaN|undefined|null|Infinity/)
  const nodes = benchNodes(results)
  const bySection = sections(pages['bench-results.md']!)
  expect(bySection.size).toBe(nodes.length)
  for (const entry of nodes) {
    const section = [...bySection].find(([heading]) =>
      heading.startsWith(`Node.js ${entry.node.slice(1)}`),
    )?.[1]
    expect(section, entry.node).toBeDefined()
    const chart = section!.slice(section!.indexOf('<figure'), section!.indexOf('</figure>'))
    for (const [key, { rows }] of Object.entries(entry.summary.scenarios)) {
      const throughput = benchScenarios.find((s) => s.key === key)
      const idle = benchIdleScenarios.find((s) => s.key === key)
      // Every scenario the benchmark ran is one the page knows by name.
      expect(throughput ?? idle, key).toBeDefined()
      if (throughput) {
        expect(section).toContain(`#### ${throughput.title}\n`)
        expect(chart).toContain(`>${throughput.label}<title>`)
      } else {
        expect(section).toContain(
          `| ${idle!.column}: RSS KiB | ${idle!.column}: JS heap KiB | ${idle!.column}: RSS ×raw |`,
        )
        expect(chart).not.toContain(key)
      }
      for (const target of Object.keys(rows)) {
        const label = benchTargets.find((t) => t.key === target)!.label
        expect(section).toMatch(
          new RegExp(`^\\| (\\*\\*)?${label.replace(/[()]/g, '\\$&')}(\\*\\*)? \\|`, 'm'),
        )
      }
    }
    const bars = Object.entries(entry.summary.scenarios)
      .filter(([key]) => benchScenarios.some((s) => s.key === key))
      .reduce((n, [, { rows }]) => n + Object.keys(rows).length, 0)
    expect(chart.match(/<rect x="190"/g) ?? []).toHaveLength(bars)
    for (const goal of entry.summary.goals ?? []) expect(section).toContain(`| ${goal.text} |`)
  }
  const ids = [...all.matchAll(/ id="([^"]+)"/g)].map((m) => m[1])
  expect(new Set(ids).size).toBe(ids.length)
}

describe('the committed results file', () => {
  const results = readBenchResults()

  it('makes complete pages', () => {
    expectComplete(results)
  })

  it('is the run the “What they say” summary describes', () => {
    // When a new run is copied in, benchmarks.md's summary is rewritten for it and its marker updated.
    expect(page).toContain(`<!-- RESULTS-SUMMARY run="${results.date}"`)
  })
})

describe('a results file with two Node versions', () => {
  const results = readBenchResults(fixture)
  const pages = benchPages(results)
  const bySection = sections(pages['bench-results.md']!)

  it('makes complete pages', () => {
    expectComplete(results)
  })

  it('has a section per Node version, newest first, with the chart, the goals, idle memory and the tables', () => {
    expect([...bySection.keys()]).toEqual(['Node.js 24.21.0 (LTS)', 'Node.js 20.20.2'])
    for (const section of bySection.values()) {
      expect(section.match(/^### .*/gm)).toEqual([
        '### Throughput against raw `node:http`',
        '### Issue 10’s targets',
        '### Memory of idle connections',
        '### The numbers',
      ])
      expect(section.match(/^#### .*/gm)).toEqual(benchScenarios.map((s) => `#### ${s.title}`))
      expect(section.match(/<rect x="190"/g)).toHaveLength(benchScenarios.length * benchTargets.length)
      const chart = section.slice(section.indexOf('<figure'), section.indexOf('</figure>'))
      expect(chart).not.toMatch(/idle|keep-alive|memory/i)
    }
  })

  it('shows each Node’s own numbers', () => {
    const node24 = bySection.get('Node.js 24.21.0 (LTS)')!
    const node20 = bySection.get('Node.js 20.20.2')!
    // Throughput: JSON echo and upload, with ×raw.
    expect(node20).toContain('| **Flagon** | 5,362 | 0.60 | 7.57 | 258.67 | 153.2 | 0.49 | 22 |')
    expect(node24).toContain('| **Flagon** | 293 | 0.16 | 115.96 | 540.87 | 2,033.9 | 0.27 | 47 |')
    // Idle memory: websocket RSS, heap, ×raw; keep-alive RSS, heap, ×raw.
    expect(node20).toContain('| **Flagon** | 30.9 | 15.0 | 3.22 | 16.7 | 4.8 | 1.25 |')
    expect(node24).toContain('| **Flagon** | 43.7 | 13.7 | 2.32 | 30.5 | 5.8 | 1.13 |')
    // Issue 10's targets, met and missed.
    expect(node24).toContain('| plaintext ≥ 0.95× raw | 2.53× | 1.24× | met |')
    expect(node20).toContain('| JSON ≥ 0.87× raw | 0.34× | 0.50× | **missed** |')
    expect(node20).toContain(
      '| idle websocket ≤ 12 KB (11.7 KiB) per connection | 30.9 KiB | – | **missed** |',
    )
    expect(node24.match(/ \| (met|\*\*missed\*\*) \|$/gm)).toHaveLength(12)
  })

  it('states the run’s conditions', () => {
    const run = pages['bench-run.md']!
    expect(run).toContain('- **Date**: 2026-11-25, 16:29 UTC.')
    expect(run).toContain('the targets ran on 24.21.0 (LTS) and 20.20.2')
    expect(run).toContain('the harness and the load generators on 20.20.2')
    expect(run).toContain('a quick run (`pnpm bench:quick`): 1 round of 1 s after 1 s of warm-up')
    expect(run).toContain('at most 79%')
    expect(run).toContain('multer 2.5.0')
  })

  it('reads the older one-Node shape', () => {
    const { byNode: _, ...older } = results
    expectComplete(older)
    expect([...sections(benchPages(older)['bench-results.md']!).keys()]).toEqual(['Node.js 20.20.2'])
  })

  it('prints a value a run has none for as a dash, and draws no bar for it', () => {
    const copy = structuredClone(results)
    const summary = copy.byNode!.find((entry) => entry.node === 'v20.20.2')!.summary
    const flagon = summary.scenarios.json!.rows.flagon!
    delete flagon.vsRaw
    flagon.p99Us = null
    delete summary.scenarios.json!.vsFastestPeer
    delete summary.scenarios['idle-websocket']!.rows.hono!.heapKibPerConnection
    summary.goals![0]!.value = null
    summary.goals![0]!.met = null
    const node20 = sections(benchPages(copy)['bench-results.md']!).get('Node.js 20.20.2')!
    expect(node20).toContain('| **Flagon** | 18,787 | – | 2.34 | – | 33.5 | 0.50 | 0 |')
    expect(node20).toContain('| Hono | 23.0 | – | 2.40 |')
    expect(node20).toContain('| plaintext ≥ 0.95× raw | – | 0.66× | – |')
    expect(node20).toContain('Express: 0.60×') // plaintext's Flagon ÷ fastest peer, still there
    expect(node20).not.toContain('Express: 0.46×') // JSON's, gone
    expect(node20.match(/<rect x="190"/g)).toHaveLength(benchScenarios.length * benchTargets.length - 1)
    expect(benchPages(copy)['bench-results.md']).not.toMatch(/NaN|undefined|null/)
  })
})

describe('the benchmark page', () => {
  it('includes every generated benchmark page, and no other', () => {
    const included = [...page.matchAll(/<!--@include: \.\.\/\.generated\/(bench-[^>]+)-->/g)].map((m) => m[1])
    expect(included.sort()).toEqual(Object.keys(benchPages(readBenchResults(fixture))).sort())
  })

  it('marks the summary of the numbers for the next run', () => {
    expect(page).toMatch(/<!-- RESULTS-SUMMARY run="[^"]+"[^>]*-->\n[\s\S]+\n<!-- \/RESULTS-SUMMARY -->/)
  })
})
