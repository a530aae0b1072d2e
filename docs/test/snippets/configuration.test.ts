import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/configuration/app.js'

const client = createApp({ FLAGON_DEBUG: 'true', FLAGON_MAX_CONTENT_LENGTH: '2048' }).testClient()
afterAll(() => client.close())

it('loads mappings and the environment, and reads namespaces', async () => {
  expect(await (await client.get('/mail')).json()).toEqual({ host: 'localhost', port: 25 })
  expect(await (await client.get('/limits')).json()).toEqual({ maxBody: 2048, debug: true })
})
