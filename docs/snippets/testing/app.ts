import { Flagon, request, session, websocket } from '@flagon/framework'

/** The small app the testing guide tests. */
export function createApp(): Flagon {
  const app = new Flagon('testing')
  app.config.SECRET_KEY = 'test key'

  app.get('/me', () => ({ user: session.get('userId') ?? null }))
  app.post('/notes', async () => {
    const { text } = (await request.json()) as { text: string }
    return [{ text }, 201]
  })
  app.websocket('/ws/<room>', async ({ room }) => {
    for await (const message of websocket) await websocket.send(`${room}: ${message}`)
  })
  let started = false
  app.beforeServing(() => {
    started = true
  })
  app.get('/health', () => ({ started }))
  app.get('/report', () => {
    throw new RangeError('no report for that month')
  })
  app.errorHandler(500, () => ['Something went wrong.', 500])
  return app
}
