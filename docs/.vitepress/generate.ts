/**
 * Pages made from the sources at build time, so they cannot drift from them:
 * - the config-key table, from `packages/framework/src/config/defaults.ts` (types and TSDoc read with the
 *   TypeScript compiler) and the `defaultConfig` it exports (the values);
 * - the "Coming from Quart" name map, from `docs/snippets/name-map.ts`.
 * - the benchmark page's run conditions, charts and tables, from `docs/explanation/bench-results.json` (a copy
 *   of one run of `bench/`), made by `bench.ts`.
 * They are written to `docs/.generated/` and included by the pages with `<!--@include: …-->`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
// The values come from the same file as the types and TSDoc, so the table matches the source, built or not.
import { defaultConfig } from '../../packages/framework/src/config/defaults.js'
import { type NameMapRow, nameMap } from '../snippets/name-map.js'
import { writeBenchPages } from './bench.js'

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
  writeBenchPages(generatedDir)
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
