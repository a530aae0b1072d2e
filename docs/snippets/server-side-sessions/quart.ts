import { Flagon, session, useServerSessions } from '@flagon/framework'

/** A Flagon app that shares its users' logins with a Quart app using Quart-Session on the same Redis. */
export function createApp(env: Record<string, string | undefined> = process.env): Flagon {
  const app = new Flagon('beside-quart')
  // #region quart
  // The Quart app's own values: the same store, key prefix, cookie, signing key and lifetime.
  app.config.fromMapping({
    SECRET_KEY: env.SECRET_KEY, // Quart's SECRET_KEY
    SESSION_TYPE: 'redis',
    SESSION_REDIS: env.SESSION_REDIS, // Quart-Session's SESSION_REDIS
    SESSION_KEY_PREFIX: 'session:', // Quart-Session's default
    SESSION_USE_SIGNER: true, // only if the Quart app sets it
    SESSION_COOKIE_NAME: 'session',
    PERMANENT_SESSION_LIFETIME: 31 * 24 * 60 * 60,
  })
  useServerSessions(app)
  // #endregion quart

  app.get('/me', () => ({ user: session.get('user') ?? null }))
  app.post('/colour/<colour>', ({ colour }) => {
    session.set('colour', colour)
    return { colour }
  })
  return app
}
