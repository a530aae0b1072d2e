/**
 * The colour preference of Quart's session guide with the sessions kept in Redis, as Quart-Session
 * keeps them: the cookie holds only a random id, so any number of processes on any number of
 * machines can serve the same user, as long as they share the Redis.
 */
import {
  currentObject,
  escape as escapeHtml,
  Flagon,
  redirect,
  request,
  type ServerSideSession,
  session,
  urlFor,
  useServerSessions,
  websocket,
} from '@flagon/framework'

declare module '@flagon/sessions' {
  interface SessionData {
    colour: string
    user: string
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
  // The user's sessions can be listed and revoked; logging in gives the session a new id.
  app.config.SESSION_IDENTITY_KEY = 'user'
  app.config.SESSION_REGENERATE_ON = ['user']
  const sessions = useServerSessions(app)

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

  app.post('/login', async function login() {
    const form = await request.form()
    session.set('user', form.get('user') ?? 'anonymous')
    return redirect(urlFor('devices'))
  })

  app.post('/logout', function logout() {
    session.clear()
    return redirect(urlFor('index'))
  })

  // "Your devices": every session of the user, on any process sharing the Redis.
  app.get('/devices', async function devices() {
    const user = session.get('user')
    if (!user) return redirect(urlFor('index'))
    const mine = sessions.idHash(currentSession())
    const rows = (await sessions.listSessions(user))
      .map(
        (s) =>
          `<li>${escapeHtml(s.userAgent ?? 'unknown browser')}, last seen ${s.lastSeen.toISOString()}${s.idHash === mine ? ' (this one)' : ''}</li>`,
      )
      .join('')
    return `<!doctype html><title>Your devices</title><h1>${escapeHtml(user)}'s devices</h1><ul>${rows}</ul>
<form method="post" action="${urlFor('logOutOthers')}"><button>Log out other devices</button></form>`
  })

  app.post('/devices/log-out-others', async function logOutOthers() {
    const user = session.get('user')
    if (user) await sessions.revokeAllSessions(user, { except: sessions.idHash(currentSession()) })
    return redirect(urlFor('devices'))
  })

  // A live connection: it is closed with SESSION_REVOKED_CLOSE_CODE when its session ends anywhere.
  app.websocket('/live', async function live() {
    await websocket.accept()
    for await (const message of websocket)
      await websocket.send(`${session.get('user') ?? 'anonymous'}: ${message}`)
  })

  return app
}

/** The session behind the proxy: with useServerSessions, a ServerSideSession. */
function currentSession(): ServerSideSession {
  return currentObject(session) as ServerSideSession
}
