import { afterAll, expect, it } from 'vitest'
import { app } from './app.js'

const client = app.testClient()
afterAll(() => client.close())

it('creates a user and reads it back', async () => {
  const created = await client.post('/users', { json: { name: 'Bo' } })
  expect(created.status).toBe(201)
  expect(await created.json()).toEqual({ id: 2, name: 'Bo' })

  const read = await client.get('/users/2')
  expect(await read.json()).toEqual({ id: 2, name: 'Bo' })
  expect((await client.get('/users/99')).status).toBe(404)
})
