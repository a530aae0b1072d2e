import { Flagon, request } from '@flagon/framework'

export function createApp(secretKey: string): Flagon {
  const app = new Flagon('security')
  // #region config
  app.config.fromMapping({
    SECRET_KEY: secretKey, // from the environment: FLAGON_SECRET_KEY
    SESSION_COOKIE_SECURE: true, // HTTPS only
    SESSION_COOKIE_HTTPONLY: true, // out of reach of page scripts (the default)
    SESSION_COOKIE_SAMESITE: 'Lax', // not sent on cross-site POSTs
    MAX_CONTENT_LENGTH: 1024 * 1024, // 413 for a body over 1 MiB
    BODY_TIMEOUT: 30, // 408 for a body that takes longer
  })
  // #endregion config

  // #region limits
  // One route may take more than the rest: an upload of up to 50 MiB, given 5 minutes.
  app.post(
    '/upload',
    async () => {
      const files = await request.files()
      return { received: files.get('file')?.size ?? 0 }
    },
    { maxContentLength: 50 * 1024 * 1024, bodyTimeout: 300 },
  )
  app.post('/comment', async () => ({ length: (await request.text()).length }))
  // #endregion limits
  return app
}
