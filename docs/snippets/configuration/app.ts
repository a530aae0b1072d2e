import { Flagon } from '@flagon/framework'

export function createApp(env: Record<string, string | undefined> = process.env): Flagon {
  // #region load
  const app = new Flagon(import.meta.url)
  app.config.fromMapping({ MAX_CONTENT_LENGTH: 1024 * 1024, MAIL_HOST: 'localhost', MAIL_PORT: 25 })
  // FLAGON_SECRET_KEY=… sets SECRET_KEY; values are parsed as JSON when they can be (FLAGON_DEBUG=true).
  app.config.fromPrefixedEnv('FLAGON', { env })
  // #endregion load

  // #region read
  app.get('/mail', () => app.config.getNamespace('MAIL_')) // { host: 'localhost', port: 25 }
  app.get('/limits', () => ({ maxBody: app.config.MAX_CONTENT_LENGTH, debug: app.config.DEBUG }))
  // #endregion read
  return app
}
