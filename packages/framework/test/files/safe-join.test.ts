import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { safeJoin } from '../../src/files/safe-join.js'

describe('safeJoin', () => {
  const base = '/srv/static'
  const joins: Array<[name: string, parts: string[], joined: string | null]> = [
    ['a file', ['site.css'], join(base, 'site.css')],
    ['a nested file', ['css/site.css'], join(base, 'css/site.css')],
    ['several parts', ['css', 'site.css'], join(base, 'css/site.css')],
    ['a .. that stays inside', ['css/../site.css'], join(base, 'site.css')],
    ['a dotted name that is not ..', ['..hidden'], join(base, '..hidden')],
    ['an empty part is the directory', [''], base],
    ['.. alone', ['..'], null],
    ['a leading ..', ['../secret'], null],
    ['.. deeper in', ['css/../../secret'], null],
    ['%2e%2e once the router decoded it', [decodeURIComponent('%2e%2e/secret')], null],
    ['an absolute path', ['/etc/passwd'], null],
    ['a backslash', ['..\\secret'], null],
    ['a backslash inside a name', ['css\\site.css'], null],
    ['a NUL', ['site.css\0.png'], null],
    ['a drive letter', ['C:/Windows/win.ini'], null],
    ['a bare drive letter', ['c:secret'], null],
    ['a bad second part', ['css', '../../secret'], null],
  ]
  for (const [name, parts, joined] of joins) {
    it(`${joined === null ? 'refuses' : 'joins'} ${name}`, () => {
      expect(safeJoin(base, ...parts)).toBe(joined)
    })
  }

  it('keeps an empty directory relative, so the first part cannot become the root', () => {
    expect(safeJoin('', 'a.txt')).toBe('a.txt')
  })
})
