/**
 * The `auth` blueprint: register, log in and log out. A logged-in user's id is kept in the session;
 * before every request of the app, `loadLoggedInUser` turns it into `g.user` for views and templates.
 */
import {
  Blueprint,
  flash,
  g,
  redirect,
  renderTemplate,
  request,
  session,
  urlFor,
  type ViewFunction,
} from '@flagon/framework'
import { checkPasswordHash, generatePasswordHash } from './passwords.js'
import { getStore, nextId, type User } from './store.js'

declare module '@flagon/sessions' {
  interface SessionData {
    /** The logged-in user's id. */
    userId: number
  }
}

declare module '@flagon/framework' {
  interface Globals {
    /** The logged-in user, loaded before each request; undefined for a visitor. */
    user?: User | undefined
  }
}

export const bp = new Blueprint('auth', { urlPrefix: '/auth' })

bp.route(
  '/register',
  async function register() {
    if (request.method === 'POST') {
      const { username = '', password = '' } = (await request.form()).toObject()
      if (!username) await flash('Username is required.')
      else if (!password) await flash('Password is required.')
      else if (await addUser(username, password)) return redirect(urlFor('auth.login'))
      else await flash(`User ${username} is already registered.`)
    }
    return renderTemplate('auth/register.html')
  },
  { methods: ['GET', 'POST'] },
)

bp.route(
  '/login',
  async function login() {
    if (request.method === 'POST') {
      const { username = '', password = '' } = (await request.form()).toObject()
      const user = (await getStore().read()).users.find((user) => user.username === username)
      if (!user) await flash('Incorrect username.')
      else if (!(await checkPasswordHash(user.password, password))) await flash('Incorrect password.')
      else {
        // A new session for the new user: nothing from before the login is carried over.
        session.clear()
        session.set('userId', user.id)
        return redirect(urlFor('blog.index'))
      }
    }
    return renderTemplate('auth/login.html')
  },
  { methods: ['GET', 'POST'] },
)

bp.get('/logout', function logout() {
  session.clear()
  return redirect(urlFor('blog.index'))
})

bp.beforeAppRequest(async function loadLoggedInUser() {
  const userId = session.get('userId')
  g.user = userId === undefined ? undefined : (await getStore().read()).users.find(({ id }) => id === userId)
})

/**
 * Wraps a view so that a visitor who is not logged in is sent to the login page instead.
 * @example bp.route('/create', loginRequired(async function create() { … }))
 */
export function loginRequired<P>(view: ViewFunction<P>): ViewFunction<P> {
  const wrapped: ViewFunction<P> = (params) => (g.user ? view(params) : redirect(urlFor('auth.login')))
  // The endpoint is named after the view function, so the wrapper takes its name (Flask's functools.wraps).
  return Object.defineProperty(wrapped, 'name', { value: view.name })
}

/** Adds a user; false when the name is taken. */
async function addUser(username: string, password: string): Promise<boolean> {
  const hash = await generatePasswordHash(password)
  return getStore().update((data) => {
    if (data.users.some((user) => user.username === username)) return false
    data.users.push({ id: nextId(data), username, password: hash })
    return true
  })
}
