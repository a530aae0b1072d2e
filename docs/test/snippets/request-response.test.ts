import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/request-response/app.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('reads the query, headers and cookies', async () => {
  client.setCookie('theme', 'light')
  const res = await client.get('/search?q=tea&tag=a&tag=b', { headers: { 'user-agent': 'docs' } })
  expect(await res.json()).toEqual({ q: 'tea', tags: ['a', 'b'], agent: 'docs', theme: 'light' })
})

it('reads JSON and form bodies', async () => {
  expect(await (await client.post('/echo', { json: { a: 1 } })).json()).toEqual({ json: { a: 1 } })
  expect(await (await client.post('/echo', { form: { a: '1' } })).json()).toEqual({ form: { a: '1' } })
})

it('turns return values into responses', async () => {
  const html = await client.get('/html')
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(await (await client.get('/json')).json()).toEqual({ an: 'object', is: 'JSON' })
  const made = await client.post('/made')
  expect([made.status, made.headers.get('x-id'), await made.text()]).toEqual([201, '7', 'Created'])
  expect(await (await client.get('/list')).json()).toEqual([1, 201])
  const old = await client.get('/old')
  expect([old.status, old.headers.get('location')]).toEqual([302, '/html'])
})

it('builds responses by hand', async () => {
  const login = await client.get('/login')
  expect(login.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  const [cookie] = login.headers.getSetCookie()
  expect(cookie).toMatch(/^theme=dark; Max-Age=3600;/)
  expect(cookie).toContain('HttpOnly')
  expect(cookie).toContain('SameSite=Lax')
  const late = await client.get('/late')
  expect([late.status, late.headers.get('x-late')]).toEqual([202, 'yes'])
})

it('streams an async generator', async () => {
  const res = await client.get('/count', { stream: true })
  const chunks: string[] = []
  for await (const chunk of res.body) chunks.push(new TextDecoder().decode(chunk))
  expect(chunks.join('')).toBe('1\n2\n3\n')
})
