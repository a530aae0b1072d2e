import { Flagon, Response, request } from '@flagon/framework'

/** `tick` is the milliseconds between two events of the /clock stream. */
export function createApp(secretKey: string, tick = 1000): Flagon {
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

  // #region hosts
  // The names the site answers to; a leading dot trusts every subdomain too. Any other Host gets a 400.
  app.config.TRUSTED_HOSTS = ['example.com', '.example.com']
  // #endregion hosts

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

  // #region timeouts
  // RESPONSE_TIMEOUT (60 s) bounds the view, and then the sending of its response.
  app.config.RESPONSE_TIMEOUT = 30

  // A view still working after it gets a 503, and the connection is closed.
  app.get('/report', () => new Promise<string>(() => {})) // a bug: it never answers

  // A stream of server-sent events may take as long as it likes to send.
  app.get('/clock', () => {
    const response = new Response(ticks(), { mimetype: 'text/event-stream' })
    response.timeout = null // no limit on sending this response
    return response
  })
  async function* ticks() {
    for (let i = 1; i <= 3; i++) {
      yield `data: tick ${i}\n\n`
      await new Promise((resolve) => setTimeout(resolve, tick))
    }
  }
  // #endregion timeouts
  return app
}
