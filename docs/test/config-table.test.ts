/** The config table on the Configuration page is made from defaults.ts; check it covers every key. */
import { expect, it } from 'vitest'
import { defaultConfig } from '../../packages/framework/src/config/defaults.js'
import { configKeyRows, configTableMarkdown, undocumentedKeys } from '../.vitepress/generate.js'

it('has one row per default config key, in the order defaults.ts declares them', () => {
  const rows = configKeyRows()
  expect(rows.map((row) => row.key).sort()).toEqual(Object.keys(defaultConfig).sort())
  for (const row of rows) expect(row.description, row.key).not.toBe('')
})

it('keeps stand-in descriptions only for keys that still lack TSDoc', () => {
  const documented = configKeyRows().filter((row) => row.documented)
  expect(documented.filter((row) => row.key in undocumentedKeys).map((row) => row.key)).toEqual([])
})

it('shows the values the framework really starts with', () => {
  const table = configTableMarkdown()
  expect(table).toContain('| <code id="secret-key-fallbacks">SECRET_KEY_FALLBACKS</code> | `null` |')
  expect(table).toContain('`2678400` (`31 * 24 * 60 * 60`)')
})
