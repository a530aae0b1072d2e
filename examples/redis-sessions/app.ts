/**
 * The colour preference of Quart's session guide with the sessions kept in Redis, as Quart-Session
 * keeps them: the cookie holds only a random id, so any number of processes on any number of
 * machines can serve the same user, as long as they share the Redis.
 */
import {
  escape as escapeHtml,
  Flagon,
  redirect,
  request,
  session,
  urlFor,
  useServerSessions,
} from '@flagon/framework'

declare module '@flagon/sessions' {
  interface SessionData {
    colour: string
  }
}

export interface Options {
  redisUrl?: string
  secretKey?: string
}

export function createApp(options: Options = {}): Flagon {
  const app = new Flagon(import.meta.url)
  app.secretKey = options.secretKey ?? process.env.SECRET_KEY ?? 'change-me-in-production'
  app.config.SESSION_TYPE = 'redis'
  app.config.SESSION_REDIS = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  useServerSessions(app)

  app.get('/', function index() {
    const colour = session.get('colour', 'black')
    return `<!doctype html>
<title>Colour</title>
<h1 style="color: ${escapeHtml(colour)}">Your colour is ${escapeHtml(colour)}</h1>
<p>Served by process ${process.pid}.</p>
<form method="post" action="${urlFor('setColour')}">
  <input name="colour" value="${escapeHtml(colour)}" aria-label="colour">
  <button>Save</button>
</form>`
  })

  app.post('/colour/', async function setColour() {
    const form = await request.form()
    session.set('colour', form.get('colour') ?? 'black')
    return redirect(urlFor('index'))
  })

  return app
}
