import { expect, it } from 'vitest'
import { createApp } from '../../snippets/coming-from-node/app.js'

it('answers as the Express app does', async () => {
  const client = createApp('test key').testClient()
  const refused = await client.post('/todos', { json: { text: 'milk' } })
  expect([refused.status, await refused.json()]).toEqual([401, { error: 'Log in first' }])
  await client.post('/login/ann')
  const created = await client.post('/todos', { json: { text: 'milk' } })
  expect([created.status, await created.json()]).toEqual([201, { id: 1, text: 'milk', owner: 'ann' }])
  expect(await (await client.get('/todos/1')).json()).toEqual({ id: 1, text: 'milk', owner: 'ann' })
  const missing = await client.get('/todos/9')
  expect([missing.status, await missing.json()]).toEqual([404, { error: 'No such todo' }])
  expect((await client.get('/todos/abc')).status).toBe(404)
  await client.close()
})
