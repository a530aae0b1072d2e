import type { TestClient, TestWebsocket } from '@flagon/framework'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../app.js'

let client: TestClient
afterEach(() => client?.close())

async function next(ws: TestWebsocket, wanted: string): Promise<void> {
  for (;;) if ((await ws.receive()) === wanted) return
}

describe('the chat example', () => {
  it('serves the page with its script', async () => {
    client = createApp().testClient()
    const page = await client.get('/')
    expect(await page.text()).toContain('new WebSocket(url)')
  })

  it('fans every message out to every connected client', async () => {
    const app = createApp()
    client = app.testClient()
    const alice = await client.websocket('/ws')
    await next(alice, '1 in the room')
    const bob = await client.websocket('/ws')
    const carol = await client.websocket('/ws')
    await next(carol, '3 in the room')
    await alice.send('hello from alice')
    for (const member of [alice, bob, carol]) await next(member, 'hello from alice')
    await Promise.all([alice.close(), bob.close(), carol.close()])
  })

  it('removes a client that leaves and tells the others', async () => {
    const app = createApp()
    client = app.testClient()
    const alice = await client.websocket('/ws')
    const bob = await client.websocket('/ws')
    await next(alice, '2 in the room')
    await bob.close()
    await next(alice, '1 in the room')
    expect(app.room.size).toBe(1)
    await alice.close()
    for (let i = 0; i < 50 && app.room.size > 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(app.room.size).toBe(0)
  })
})
