import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FLAGON, flagon, serve } from './flagon.js'

const folder = mkdtempSync(join(tmpdir(), 'flagon-blog-cli-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

// Each test starts a process that compiles TypeScript; on a busy machine that can take a while.
describe.concurrent('the flagon CLI on the blog', { timeout: 60_000 }, () => {
  it('lists the routes of both blueprints and the static folder', async () => {
    const result = await flagon(['--app', 'examples/blog/app.ts', 'routes'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(`Endpoint       Methods    Rule
-------------  ---------  -----------------------
auth.login     GET, POST  /auth/login
auth.logout    GET        /auth/logout
auth.register  GET, POST  /auth/register
blog.create    GET, POST  /create
blog.delete    POST       /<int:id>/delete
blog.index     GET        /
blog.update    GET, POST  /<int:id>/update
static         GET        /static/<path:filename>
`)
    expect(result.code).toBe(0)
  })

  it('init-db creates an empty data file, in a folder it makes', async () => {
    const file = join(folder, 'instance', 'blog.json')
    const app = `examples/blog/app.ts:createApp(${JSON.stringify({ dataFile: file })})`
    const result = await flagon(['--app', app, 'init-db'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(`Initialized the data file ${file}.\n`)
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ users: [], posts: [], lastId: 0 })
  })

  it('init-db is listed in the help with its description', async () => {
    const result = await flagon(['--app', 'examples/blog/app.ts', '--help'])
    expect(result.stdout).toMatch(/init-db\s+Clear the existing data and create an empty data file\./)
  })

  it('run serves the blog until SIGTERM', async () => {
    const dataFile = join(folder, 'run.json')
    const app = `examples/blog/app.ts:createApp(${JSON.stringify({ dataFile })})`
    const server = await serve([FLAGON, '--app', app, 'run', '--port', '0'])
    try {
      const page = await fetch(server.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<title>Posts - Flagon Blog</title>')
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })

  it('main.ts serves the blog too, taking DATA_FILE from FLAGON_DATA_FILE', async () => {
    const dataFile = join(folder, 'main.json')
    const server = await serve(['examples/blog/main.ts'], { PORT: '0', FLAGON_DATA_FILE: dataFile })
    try {
      const registered = await fetch(new URL('/auth/register', server.url), {
        method: 'POST',
        body: new URLSearchParams({ username: 'ada', password: 'engine' }),
        redirect: 'manual',
      })
      expect(registered.status).toBe(302)
      expect(JSON.parse(readFileSync(dataFile, 'utf8')).users).toMatchObject([{ username: 'ada' }])
    } finally {
      expect(await server.stop()).toBe(0)
    }
  })
})
