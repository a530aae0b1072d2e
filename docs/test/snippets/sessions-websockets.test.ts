import { type Logger, WebsocketResponseError } from '@flagon/framework'
import { expect, it } from 'vitest'
import { createApp } from '../../snippets/sessions/websocket.js'

function recorder(): { logger: Logger; errors: string[] } {
  const errors: string[] = []
  const ignore = () => {}
  return { errors, logger: { debug: ignore, info: ignore, warn: ignore, error: (m) => void errors.push(m) } }
}

it('loses a change made after accepting, and logs it', async () => {
  const { logger, errors } = recorder()
  const client = createApp(logger).testClient()
  await client.post('/visit')
  const ws = await client.websocket('/ws')
  expect(await ws.receive()).toBe('visits: 1')
  await ws.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(errors).toEqual([
    'Secure Cookie Session modified during websocket handling. These modifications will be lost as a cookie cannot be set. (websocket /ws)',
  ])
  expect(await (await client.post('/visit')).json()).toEqual({ visits: 2 })
  await client.close()
})

it('sends the change on a rejection made before accepting', async () => {
  const { logger } = recorder()
  const client = createApp(logger).testClient()
  const error = await client.websocket('/ws/welcome').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(WebsocketResponseError)
  expect((error as WebsocketResponseError).response.status).toBe(401)
  expect((error as WebsocketResponseError).response.headers.get('set-cookie')).toMatch(/^session=/)
  await client.close()
})
