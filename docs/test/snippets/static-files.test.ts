import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/static-files/app.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('serves the static folder with caching headers', async () => {
  const res = await client.get('/static/hello.txt')
  expect(await res.text()).toBe('Hello from a static file.\n')
  expect(res.headers.get('cache-control')).toContain('max-age=3600')
  const etag = res.headers.get('etag')!
  expect((await client.get('/static/hello.txt', { headers: { 'if-none-match': etag } })).status).toBe(304)
})

it('sends files from a folder, as downloads, and from bytes', async () => {
  expect(await (await client.get('/reports/2024.csv')).text()).toBe('year,total\n2024,42\n')
  expect((await client.get('/reports/../app.ts')).status).toBe(404)
  const latest = await client.get('/latest.csv')
  expect(latest.headers.get('content-disposition')).toBe('attachment; filename="latest.csv"')
  const generated = await client.get('/generated.txt')
  expect([generated.headers.get('content-type'), await generated.text()]).toEqual([
    'text/plain; charset=utf-8',
    'made now',
  ])
})
