import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFound } from '../../src/exceptions.js'
import { sendFromDirectory } from '../../src/files/send-file.js'

let root: string
let statics: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flagon-static-'))
  statics = join(root, 'static')
  await mkdir(join(statics, 'css'), { recursive: true })
  await writeFile(join(statics, 'css', 'site.css'), 'body{}')
  await writeFile(join(statics, 'hello.txt'), 'hello')
  await writeFile(join(root, 'secret.txt'), 'secret')
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('sendFromDirectory', () => {
  const found: Array<[name: string, path: string, body: string, type: string]> = [
    ['a file', 'hello.txt', 'hello', 'text/plain; charset=utf-8'],
    ['a nested file', 'css/site.css', 'body{}', 'text/css; charset=utf-8'],
    ['a path with a harmless ..', 'css/../hello.txt', 'hello', 'text/plain; charset=utf-8'],
  ]
  for (const [name, path, body, type] of found) {
    it(`sends ${name}`, async () => {
      const res = await sendFromDirectory(statics, path)
      expect(res.status).toBe(200)
      expect(await res.text()).toBe(body)
      expect(res.headers.get('content-type')).toBe(type)
    })
  }

  // Each of these would reach secret.txt, or worse, if it were joined naively.
  const notFound: Array<[name: string, path: string | (() => string)]> = [
    ['a missing file', 'nope.txt'],
    ['a directory', 'css'],
    ['the directory itself', ''],
    ['..', '../secret.txt'],
    ['.. deeper in', 'css/../../secret.txt'],
    ['%2e%2e, decoded by the router', decodeURIComponent('%2e%2e/secret.txt')],
    ['%2e%2e%2f, decoded by the router', decodeURIComponent('%2e%2e%2fsecret.txt')],
    ['an absolute path to a real file', () => join(root, 'secret.txt')],
    ['/etc/passwd', '/etc/passwd'],
    ['a backslash', '..\\secret.txt'],
    ['a NUL', 'hello.txt\0.css'],
    ['a drive letter', 'C:\\secret.txt'],
  ]
  for (const [name, path] of notFound) {
    it(`404: ${name}`, async () => {
      const unsafe = typeof path === 'function' ? path() : path
      await expect(sendFromDirectory(statics, unsafe)).rejects.toBeInstanceOf(NotFound)
    })
  }

  it('answers conditionally, as the static route does', async () => {
    const first = await sendFromDirectory(statics, 'hello.txt', { defaultMaxAge: 43200 })
    expect(first.headers.get('cache-control')).toBe('public, max-age=43200')
    const request = { method: 'GET', headers: new Headers({ 'If-None-Match': first.headers.get('etag')! }) }
    const again = await sendFromDirectory(statics, 'hello.txt', { request })
    expect(again.status).toBe(304)
  })
})
