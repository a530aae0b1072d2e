import { WebsocketResponseError } from '@flagon/framework'
import { afterAll, expect, it } from 'vitest'
import { createApp } from '../../snippets/websockets/app.js'

const client = createApp().testClient()
afterAll(() => client.close())

it('echoes messages', async () => {
  const ws = await client.websocket('/echo?token=let-me-in')
  await ws.send('one')
  await ws.send('two')
  expect([await ws.receive(), await ws.receive()]).toEqual(['echo: one', 'echo: two'])
  await ws.close()
})

it('speaks JSON and closes with its own code', async () => {
  const ws = await client.websocket('/rooms/tea?token=let-me-in')
  await ws.sendJson({ name: 'ann' })
  expect(JSON.parse((await ws.receive()) as string)).toEqual({ room: 'tea', welcome: 'ann' })
  await expect(ws.receive()).rejects.toMatchObject({ code: 4000, reason: 'room closed' })
})

it('rejects a handshake without the token', async () => {
  const error = await client.websocket('/echo').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WebsocketResponseError)
  expect((error as WebsocketResponseError).response.status).toBe(403)
})

it('serves HTTP on the same path', async () => {
  expect(await (await client.get('/echo')).text()).toBe('Open /echo with a WebSocket client.')
})
