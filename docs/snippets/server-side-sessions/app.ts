import { Flagon, type ServerSideSession, type Store, session, useServerSessions } from '@flagon/framework'

/** Where the sessions are kept: the config's SESSION_TYPE, or a store of your own. */
export type Sessions =
  | { type: 'memory' }
  | { type: 'redis'; url: string }
  | { type: 'memcached'; servers: string }
  | { type: 'store'; store: Store }

export function createApp(sessions: Sessions = { type: 'memory' }): Flagon {
  const app = new Flagon('server-side-sessions')
  app.config.SECRET_KEY = 'dev only, not secret'

  // #region setup
  if (sessions.type === 'redis') {
    app.config.SESSION_TYPE = 'redis'
    app.config.SESSION_REDIS = sessions.url // 'redis://127.0.0.1:6379', or an ioredis client
  } else if (sessions.type === 'memcached') {
    app.config.SESSION_TYPE = 'memcached'
    app.config.SESSION_MEMCACHED = sessions.servers // '127.0.0.1:11211', or a memjs client
  } else if (sessions.type === 'store') {
    app.config.SESSION_TYPE = sessions.store // any Store, such as the SQL one below
  } // else 'memory', the default: this process only
  app.config.SESSION_USE_SIGNER = true // sign the id in the cookie with SECRET_KEY
  useServerSessions(app) // after the SESSION_* settings: it reads them once
  // #endregion setup

  // #region use
  app.post('/login/<name>', ({ name }) => {
    // A new id at login, so an id planted in the visitor's browser is worth nothing afterwards.
    ;(session as ServerSideSession).regenerate()
    session.set('user', name)
    return { user: name }
  })
  app.get('/me', () => ({ user: session.get('user') ?? null }))
  app.post('/logout', () => {
    session.clear() // deletes the record and the cookie
    return { user: null }
  })
  // #endregion use

  return app
}
