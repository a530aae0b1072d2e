// #region client

import type { TestClient } from '@flagon/framework'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApp } from './app.js'

describe('the notes API', () => {
  let client: TestClient
  beforeEach(() => {
    client = createApp().testClient() // a real HTTP server on a loopback port, started on first use
  })
  afterEach(() => client.close())

  it('creates a note', async () => {
    const response = await client.post('/notes', { json: { text: 'buy milk' } })
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ text: 'buy milk' })
  })
  // #endregion client

  // #region session
  it('reads the user from the session', async () => {
    await client.sessionTransaction((session) => {
      session.set('userId', 42) // signed into the client's cookie jar, as the app would
    })
    expect(await (await client.get('/me')).json()).toEqual({ user: 42 })
  })
  // #endregion session

  // #region websocket
  it('talks over a websocket', async () => {
    const ws = await client.websocket('/ws/lobby')
    await ws.send('hi')
    expect(await ws.receive()).toBe('lobby: hi')
    await ws.close()
  })
  // #endregion websocket
})

// #region lifespan
it('runs beforeServing with testApp', async () => {
  await createApp().testApp(async (client) => {
    expect(await (await client.get('/health')).json()).toEqual({ started: true })
  })
})
// #endregion lifespan

// #region errors
it('rejects with the error the view did not handle', async () => {
  const app = createApp()
  app.config.TESTING = true // or DEBUG, or PROPAGATE_EXCEPTIONS = true
  app.logger = { ...app.logger, error() {} } // the error is still logged; keep the test output clean
  const client = app.testClient()
  await expect(client.get('/report')).rejects.toThrow(new RangeError('no report for that month'))
  app.config.PROPAGATE_EXCEPTIONS = false // what a browser gets: the 500 page
  expect((await client.get('/report')).status).toBe(500)
  await client.close()
})
// #endregion errors
