import { afterEach, expect, it } from 'vitest'
import { createApp } from '../../snippets/hooks/app.js'

afterEach(() => {
  delete process.env.MAINTENANCE
})

it('runs the hooks in Quart’s order', async () => {
  const log: string[] = []
  const client = createApp(log).testClient()
  const res = await client.get('/shop/')
  await client.close()
  expect(res.headers.get('x-order')).toBe(
    'app urlValuePreprocessor, app beforeRequest, shop beforeRequest, view, afterThisRequest, shop afterRequest, app afterRequest',
  )
  expect(log.at(-1)).toBe('app teardownRequest')
})

it('lets a beforeRequest function answer instead of the view', async () => {
  process.env.MAINTENANCE = '1'
  const log: string[] = []
  const client = createApp(log).testClient()
  const res = await client.get('/shop/')
  await client.close()
  expect([res.status, await res.text()]).toEqual([503, 'Down for maintenance'])
  expect(log).not.toContain('view')
  expect(log).toContain('app afterRequest')
})
