/** The benchmark page is made from the results file: every scenario and target of it appears. */
import { expect, it } from 'vitest'
import {
  benchChartSvg,
  benchScenarios,
  benchTablesMarkdown,
  benchTargets,
  readBenchResults,
} from '../.vitepress/generate.js'

const results = readBenchResults()

it('is the run the page describes', () => {
  expect(results.date).toBe('2026-11-25T14:20:08Z')
  expect(results.node).toBe('v20.20.2')
  expect(results.machine).toMatchObject({ cpu: 'AMD EPYC', cores: 2 })
})

it('has a table and a group of bars for every scenario, with every target', () => {
  const tables = benchTablesMarkdown(results)
  const chart = benchChartSvg(results)
  for (const [key, title] of benchScenarios) {
    expect(results.summary.scenarios[key], key).toBeDefined()
    expect(tables).toContain(`### ${title}`)
    expect(chart).toContain(`>${title.replace(/&/g, '&amp;')}</text>`)
  }
  const bars = chart.match(/<rect x="250"/g) ?? []
  expect(bars).toHaveLength(benchScenarios.length * benchTargets.length)
  expect(tables).toContain('| **Flagon** | 3,706 | 0.38 |')
})
