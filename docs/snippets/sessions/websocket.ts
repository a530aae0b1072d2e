import { Flagon, type Logger, session, websocket } from '@flagon/framework'

export function createApp(logger: Logger): Flagon {
  const app = new Flagon('sessions-websockets')
  app.config.SECRET_KEY = 'dev only, not secret'
  app.logger = logger

  app.post('/visit', () => {
    session.set('visits', Number(session.get('visits') ?? 0) + 1)
    return { visits: session.get('visits') }
  })

  // #region lost
  app.websocket('/ws', async () => {
    await websocket.accept()
    // The handshake's cookie was read: the session is here, readable.
    await websocket.send(`visits: ${session.get('visits')}`)
    // But the 101 response has gone, and no cookie can follow it: this change is lost,
    // and Flagon logs an error that says so when the handler ends.
    session.set('visits', 1000)
    await websocket.close()
  })
  // #endregion lost

  // #region before-accept
  app.websocket('/ws/welcome', async () => {
    // Before accepting, a session change can still travel: on the rejection response.
    session.set('seenWelcome', true)
    return ['Log in first', 401]
  })
  // #endregion before-accept

  return app
}
