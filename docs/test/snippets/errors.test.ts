import type { Flagon } from '@flagon/framework'
import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/errors/app.js'

const app: Flagon = createApp()
const logged: string[] = []
app.logger = { ...app.logger, error: (message) => void logged.push(message) }
const client = app.testClient()
afterAll(() => client.close())

it('answers abort() through the 404 handler', async () => {
  const res = await client.get('/items/milk')
  expect([res.status, await res.json()]).toEqual([404, { error: 'We do not sell milk.' }])
  const admin = await client.get('/admin')
  expect(admin.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect((await client.get('/nowhere')).status).toBe(404)
})

it('answers an error class through its handler', async () => {
  const res = await client.get('/items/coffee')
  expect([res.status, await res.json()]).toEqual([409, { error: 'coffee is out of stock', item: 'coffee' }])
  expect(await (await client.get('/items/tea')).json()).toEqual({ name: 'tea', count: 3 })
})

it('logs an unhandled error and answers with the 500 handler', async () => {
  const res = await client.get('/boom')
  expect([res.status, await res.text()]).toEqual([500, 'Something went wrong on our side.'])
  expect(logged).toEqual(['Exception on request GET /boom'])
})
