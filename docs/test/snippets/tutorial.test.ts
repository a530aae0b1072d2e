/**
 * The tutorial's steps, each a runnable app tested through the test client, and its claim that the
 * final state is examples/blog: the files a step copies from the example are the example's, byte for byte.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Flagon, TestClient } from '@flagon/framework'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp as finalApp } from '../../../examples/blog/app.js'
import { createApp as step1 } from '../../snippets/tutorial/step-1/app.js'
import { createApp as step2 } from '../../snippets/tutorial/step-2/app.js'
import { createApp as step3 } from '../../snippets/tutorial/step-3/app.js'
import { createApp as step5 } from '../../snippets/tutorial/step-5/app.js'

const snippets = fileURLToPath(new URL('../../snippets/tutorial/', import.meta.url))
const blog = fileURLToPath(new URL('../../../examples/blog/', import.meta.url))

let folder: string
let dataFile: string
const clients: TestClient[] = []
const open = (app: Flagon) => {
  const client = app.testClient()
  clients.push(client)
  return client
}
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'flagon-tutorial-'))
  dataFile = join(folder, 'blog.json')
})
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  rmSync(folder, { recursive: true, force: true })
})

const register = (client: TestClient, username = 'ada', password = 'engine') =>
  client.post('/auth/register', { form: { username, password } })
const login = (client: TestClient, username = 'ada', password = 'engine') =>
  client.post('/auth/login', { form: { username, password } })

describe('step 1: the app factory', () => {
  it('answers /hello, signed with the development key unless told otherwise', async () => {
    const app = step1()
    expect(app.secretKey).toBe('dev')
    expect(await (await open(app).get('/hello')).text()).toBe('Hello, World!')
    expect(step1({ secretKey: 'test' }).secretKey).toBe('test')
  })
})

describe('step 2: the data store and init-db', () => {
  it('init-db writes an empty data file and says so', async () => {
    const app = step2({ dataFile })
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const code = await app.cli.invoke(['init-db'], { prog: 'flagon', app })
    const printed = log.mock.calls.map((args) => args.join(' '))
    log.mockRestore()
    expect(code).toBe(0)
    expect(printed).toEqual([`Initialized the data file ${dataFile}.`])
    expect(JSON.parse(readFileSync(dataFile, 'utf8'))).toEqual({ users: [], posts: [], lastId: 0 })
  })
})

describe('steps 3 and 4: auth, templates, flash, the session and the stylesheet', () => {
  it('registers, logs in and out, keeping the user id in the session', async () => {
    const client = open(step3({ dataFile, secretKey: 'test' }))
    expect((await register(client)).headers.get('location')).toBe('/auth/login')
    expect((await login(client)).headers.get('location')).toBe('/')
    await client.sessionTransaction((session) => {
      expect(session.get('userId')).toBe(1)
    })
    const index = await (await client.get('/')).text()
    expect(index).toContain('<li><span>ada</span></li>')
    expect(index).toContain('Hello, ada. The posts come in step 5.')
    await client.get('/auth/logout')
    expect(await (await client.get('/')).text()).toContain('<a href="/auth/login">Log In</a>')
  })

  it('flashes what was wrong, on the form shown again', async () => {
    const client = open(step3({ dataFile, secretKey: 'test' }))
    const response = await login(client, 'nobody', 'x')
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<div class="flash">Incorrect username.</div>')
  })

  it('serves the stylesheet the layout links to', async () => {
    const client = open(step3({ dataFile }))
    expect(await (await client.get('/auth/login')).text()).toContain(
      '<link rel="stylesheet" href="/static/style.css">',
    )
    const css = await client.get('/static/style.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
  })
})

describe('step 5: the blog, index and create', () => {
  it('sends a visitor to log in, and lets a user write a post that the index shows', async () => {
    const client = open(step5({ dataFile, secretKey: 'test' }))
    expect((await client.get('/create')).headers.get('location')).toBe('/auth/login')
    await register(client)
    await login(client)
    const empty = await client.post('/create', { form: { title: '', body: 'kept' } })
    expect(await empty.text()).toContain('>kept</textarea>')
    await client.post('/create', { form: { title: 'First <post>', body: 'Hello.' } })
    const index = await (await client.get('/')).text()
    expect(index).toContain('<h1>First &lt;post&gt;</h1>')
    expect(index).toContain('by ada on ')
  })
})

describe('step 6: update and delete (the final app, examples/blog)', () => {
  it("answers 404 for a missing post and 403 for someone else's", async () => {
    const client = open(finalApp({ dataFile, secretKey: 'test' }))
    await register(client)
    await login(client)
    await client.post('/create', { form: { title: 'mine', body: '' } })
    expect((await client.post('/9/update')).status).toBe(404)
    await client.get('/auth/logout')
    await register(client, 'bo', 'pw')
    await login(client, 'bo', 'pw')
    expect((await client.post('/2/delete')).status).toBe(403)
    await client.get('/auth/logout')
    await login(client)
    expect((await client.post('/2/delete')).headers.get('location')).toBe('/')
    expect(await (await client.get('/')).text()).not.toContain('<h1>mine</h1>')
  })
})

describe('the final state', () => {
  const copies: Array<[copy: string, original: string]> = [
    ['step-3/app.ts', 'app.ts'],
    ['step-5/app.ts', 'app.ts'],
    ...['step-3', 'step-5'].flatMap(
      (step): Array<[string, string]> => [
        [`${step}/templates/base.html`, 'templates/base.html'],
        [`${step}/templates/auth/login.html`, 'templates/auth/login.html'],
        [`${step}/templates/auth/register.html`, 'templates/auth/register.html'],
        [`${step}/static/style.css`, 'static/style.css'],
      ],
    ),
    ['step-5/templates/blog/create.html', 'templates/blog/create.html'],
  ]
  for (const [copy, original] of copies) {
    it(`${copy} is examples/blog/${original}`, () => {
      expect(readFileSync(join(snippets, copy), 'utf8')).toBe(readFileSync(join(blog, original), 'utf8'))
    })
  }

  it('step 5 is examples/blog/blog.ts without update and delete', () => {
    const step = readFileSync(join(snippets, 'step-5/blog.ts'), 'utf8')
    const final = readFileSync(join(blog, 'blog.ts'), 'utf8')
    for (const region of ['index', 'create']) {
      const code = new RegExp(`// #region ${region}\\n([\\s\\S]*?)// #endregion`).exec(step)![1]!
      expect(final).toContain(code)
    }
  })
})
