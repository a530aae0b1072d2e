/**
 * Code on a page is included from a snippet file, never pasted: every `<<< @/snippets/…` import points
 * at a file (and region) that exists, and no page holds a TypeScript or JavaScript code block of its own.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const docs = fileURLToPath(new URL('..', import.meta.url))
const pages = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.md') && !/^(node_modules|reference[/\\]api|\.vitepress|\.generated)/.test(f),
)

it('finds the pages', () => {
  expect(pages.length).toBeGreaterThan(15)
})

it('imports only snippets and regions that exist', () => {
  const broken: string[] = []
  for (const page of pages) {
    for (const [, path, region] of readFileSync(join(docs, page), 'utf8').matchAll(
      /^<<< @\/(snippets\/[^\s#{[]+)(?:#([\w-]+))?/gm,
    )) {
      const file = join(docs, path!)
      if (!existsSync(file)) broken.push(`${page}: ${path} does not exist`)
      else if (region && !readFileSync(file, 'utf8').includes(`#region ${region}`)) {
        broken.push(`${page}: ${path} has no region ${region}`)
      }
    }
  }
  expect(broken).toEqual([])
})

it('pastes no TypeScript or JavaScript into a page', () => {
  const pasted = pages.filter((page) =>
    /^```(ts|js|typescript|javascript)\b/m.test(readFileSync(join(docs, page), 'utf8')),
  )
  expect(pasted).toEqual([])
})
