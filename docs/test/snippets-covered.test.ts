/** Every snippet module that makes an app is imported by a test, so no sample goes unrun. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const docs = fileURLToPath(new URL('..', import.meta.url))
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))

it('imports every snippet that builds an app from a test', () => {
  const tests = [...files(join(docs, 'test')), ...files(join(docs, 'snippets'))].filter((f) =>
    f.endsWith('.test.ts'),
  )
  const imported = tests.map((f) => readFileSync(f, 'utf8')).join('\n')
  const apps = files(join(docs, 'snippets')).filter(
    (f) => !f.endsWith('.test.ts') && /new Flagon\(/.test(readFileSync(f, 'utf8')),
  )
  const untested = apps
    .map((f) => relative(join(docs, 'snippets'), f).replace(/\.ts$/, '.js'))
    .filter((module) => !imported.includes(module) && !imported.includes(`./${module.split('/').pop()}`))
  expect(untested).toEqual([])
})
