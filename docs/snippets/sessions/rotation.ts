import { Flagon, type SecureCookieSessionInterface, session } from '@flagon/framework'

export function createApp(env: Record<string, string | undefined> = process.env): Flagon {
  const app = new Flagon('rotation')
  // #region rotate
  app.config.SECRET_KEY = env.SECRET_KEY ?? null // the new key: signs every new cookie
  app.config.SECRET_KEY_FALLBACKS = env.OLD_SECRET_KEY ? [env.OLD_SECRET_KEY] : null // still accepted
  // #endregion rotate

  // #region usage
  // How many cookies each old key still verified since the process started: remove it once that stops growing.
  app.get('/admin/keys', () => {
    const sessions = app.sessionInterface as SecureCookieSessionInterface
    return sessions.fallbackKeyUsage(app) // [{ index, fingerprint, verified, lastSeen }]
  })
  // #endregion usage
  app.get('/user', () => ({ user: session.get('user') ?? null }))
  app.post('/user/<name>', ({ name }) => {
    session.set('user', name)
    return 'ok'
  })
  return app
}
