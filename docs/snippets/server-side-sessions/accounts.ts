import {
  abort,
  Flagon,
  type ServerSideSession,
  type Store,
  session,
  useServerSessions,
  websocket,
} from '@flagon/framework'

/** An app whose users see and end their sessions; the sessions in memory, in Redis, or in `store`. */
export function createApp(where: { redis?: string; store?: Store } = {}): Flagon {
  const app = new Flagon('accounts')
  app.config.SECRET_KEY = 'dev only, not secret'
  if (where.redis) app.config.fromMapping({ SESSION_TYPE: 'redis', SESSION_REDIS: where.redis })
  if (where.store) app.config.SESSION_TYPE = where.store

  // #region settings
  app.config.fromMapping({
    SESSION_STORE_FAILURE: 'anonymous', // the store is down: pages that only read the session still work
    SESSION_REGENERATE_ON: ['user_id'], // a new session id whenever user_id is set or deleted
    SESSION_IDENTITY_KEY: 'user_id', // index each user's sessions, to list and revoke them
  })
  const sessions = useServerSessions(app) // the ServerSideSessionInterface
  // #endregion settings

  // #region health
  // For the load balancer: 503 while the session store does not answer.
  app.get('/healthz', async () => {
    const health = await sessions.health() // { ok, store, latency, state, consecutiveFailures, … }
    return [health, health.ok ? 200 : 503]
  })
  // #endregion health

  // #region login
  app.post('/login/<int:id>', ({ id }) => {
    session.set('user_id', id) // in SESSION_REGENERATE_ON: the id changes, the old one ends
    return { user: id }
  })
  app.get('/me', () => ({ user: session.get('user_id') ?? null }))
  app.post('/logout', () => {
    session.clear() // ends the session, and closes its websockets
    return { user: null }
  })
  // #endregion login

  // #region merge
  // Two requests at once, each setting its own key: both are kept (last write wins per key).
  app.post('/prefs/<key>/<value>', async ({ key, value }) => {
    await new Promise((resolve) => setTimeout(resolve, 50)) // e.g. a call to another service
    session.set(key, value)
    return { [key]: value }
  })
  app.get('/prefs/<key>', ({ key }) => ({ [key]: session.get(key) ?? null }))
  // #endregion merge

  // #region devices
  function userId(): number {
    return (session.get('user_id') as number | undefined) ?? abort(401)
  }
  const here = () => sessions.idHash(session as ServerSideSession) // this session's name in the list

  // "Your devices": every session of the user, most recently used first.
  app.get('/devices', async () => {
    const devices = await sessions.listSessions(userId())
    return devices.map(({ idHash, lastSeen, userAgent }) => ({
      idHash, // names the session; cannot be used as one
      lastSeen,
      userAgent,
      current: idHash === here(),
    }))
  })
  app.post('/devices/<idHash>/revoke', async ({ idHash }) => ({
    revoked: await sessions.revokeSession(userId(), idHash),
  }))
  app.post('/devices/revoke-others', async () => ({
    revoked: await sessions.revokeAllSessions(userId(), { except: here() }),
  }))
  // #endregion devices

  // #region live
  // Closed with SESSION_REVOKED_CLOSE_CODE (4001) when its session ends, in any process.
  app.websocket('/live', async () => {
    userId()
    await websocket.accept()
    for await (const message of websocket) await websocket.send(`${message}`)
  })
  // #endregion live

  return app
}
