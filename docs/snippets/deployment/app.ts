import { Flagon, session, useServerSessions } from '@flagon/framework'

/** An app configured for production from FLAGON_* variables, sharing its sessions through Redis. */
export function createApp(): Flagon {
  const app = new Flagon('deployment')
  // #region config
  app.config.fromMapping({
    SESSION_TYPE: 'redis',
    SESSION_REDIS: 'redis://127.0.0.1:6379',
    SESSION_COOKIE_SECURE: true, // the proxy speaks HTTPS to browsers
    SESSION_COOKIE_SAMESITE: 'Lax',
    SHUTDOWN_TIMEOUT: 20, // less than the process manager waits before SIGKILL
  })
  // FLAGON_SECRET_KEY, FLAGON_SESSION_REDIS=redis://sessions.internal:6379 … override the above.
  app.config.fromPrefixedEnv()
  useServerSessions(app)
  // #endregion config

  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300))
    return 'finished'
  })
  app.post('/visit', () => {
    session.set('visits', Number(session.get('visits') ?? 0) + 1)
    return { visits: session.get('visits') }
  })
  return app
}
