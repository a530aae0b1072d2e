import { expect, it } from 'vitest'
import { createApp } from './app.js'

// #region test
it('answers first and sends the mail after; testApp waits for it', async () => {
  const outbox: string[] = []
  await createApp(outbox).testApp(async (client) => {
    const response = await client.post('/signup', { json: { email: 'ann@example.com' } })
    expect(response.status).toBe(201)
    expect(outbox).toEqual([]) // not sent yet
  })
  expect(outbox).toEqual(['From hello@example.com to ann@example.com: welcome!'])
})
// #endregion test
