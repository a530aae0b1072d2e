import { Flagon, session } from '@flagon/framework'

export function createApp(env: Record<string, string | undefined> = process.env): Flagon {
  const app = new Flagon('rotation')
  // #region rotate
  app.config.SECRET_KEY = env.SECRET_KEY ?? null // the new key: signs every new cookie
  app.config.SECRET_KEY_FALLBACKS = env.OLD_SECRET_KEY ? [env.OLD_SECRET_KEY] : null // still accepted
  // #endregion rotate
  app.get('/user', () => ({ user: session.get('user') ?? null }))
  app.post('/user/<name>', ({ name }) => {
    session.set('user', name)
    return 'ok'
  })
  return app
}
