import { afterAll, expect, it } from 'vitest'
import { app } from '../../snippets/coming-from-quart/app.js'

const client = app.testClient()
afterAll(() => client.close())

it('answers as the Quart app does', async () => {
  await client.post('/login/ann')
  const created = await client.post('/todos', { json: { text: 'port the app' } })
  expect([created.status, await created.json()]).toEqual([201, { id: 1, url: '/todos/1' }])
  expect(await (await client.get('/todos/1')).json()).toEqual({ id: 1, text: 'port the app', user: 'ann' })
  expect((await client.get('/todos/2')).status).toBe(404)
})
