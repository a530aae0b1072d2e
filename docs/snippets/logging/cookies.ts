import { Flagon, type Logger, Response } from '@flagon/framework'

export function createApp(logger: Logger): Flagon {
  const app = new Flagon('cookies')
  app.logger = logger
  // #region cookies
  app.config.DEBUG = true // while developing: warn about cookies browsers would drop

  app.get('/embed', () => {
    const response = new Response('embedded')
    // For a cross-site iframe, but without secure: true. Browsers ignore it, and say nothing.
    response.setCookie('widget', 'on', { sameSite: 'none' })
    return response
  })
  // #endregion cookies
  return app
}
