import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/contexts/app.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('keeps request and g across await', async () => {
  const res = await client.get('/whoami', { headers: { 'x-user': 'ann' } })
  expect(await res.text()).toBe('ann asked for /whoami')
})

it('keeps them in a streamed body', async () => {
  const res = await client.get('/stream', { headers: { 'x-user': 'bo' } })
  expect(await res.text()).toBe('start\n/stream for bo\n')
})

it('keeps them in a callback bound with copyCurrentRequestContext', async () => {
  expect(await (await client.get('/later')).text()).toBe('later: /later')
})

it('keeps the object behind a proxy with currentObject', async () => {
  expect(await (await client.get('/first/a')).json()).toEqual({ first: '/first/a', now: '/first/a' })
  expect(await (await client.get('/first/b')).json()).toEqual({ first: '/first/a', now: '/first/b' })
})

it('gives scripts an app context and a test request context', async () => {
  const { built, path } = await import('../../snippets/contexts/outside.js')
  expect(built).toBe('http://example.com/users/3')
  expect(path).toBe('/users/3 posts')
})
