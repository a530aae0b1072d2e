import { Flagon, session } from '@flagon/framework'

// #region data
// Declare your session's keys once, and `session.get('cart')` is typed everywhere.
declare module '@flagon/sessions' {
  interface SessionData {
    cart: string[]
    user: string
  }
}
// #endregion data

export function createApp(config: { secretKey: string; fallbacks?: string[] }): Flagon {
  const app = new Flagon('sessions')
  // #region config
  app.config.SECRET_KEY = config.secretKey // in production: process.env.SECRET_KEY
  app.config.SECRET_KEY_FALLBACKS = config.fallbacks ?? null // old keys, still accepted when reading
  // #endregion config

  // #region use
  app.post('/cart/<item>', ({ item }) => {
    const cart = session.get('cart') ?? []
    session.set('cart', [...cart, item]) // set a new value: the session is now modified
    return { cart: session.get('cart') }
  })

  app.get('/cart', () => ({ cart: session.get('cart') ?? [] }))

  app.post('/login/<user>', ({ user }) => {
    session.set('user', user)
    session.permanent = true // the cookie gets Expires: now + PERMANENT_SESSION_LIFETIME
    return 'logged in'
  })

  app.post('/logout', () => {
    session.clear() // an emptied session deletes the cookie
    return 'logged out'
  })
  // #endregion use

  return app
}
