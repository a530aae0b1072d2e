import { Flagon, g, request, urlFor } from '@flagon/framework'

export const app = new Flagon('scripts')
app.get('/users/<int:id>', function user({ id }) {
  return { id }
})

// #region outside
// In a script or a test: an app context gives `currentApp`, `g` and urlFor …
app.config.SERVER_NAME = 'example.com'
export const built = await app.appContext().run(() => {
  g.started = Date.now()
  return urlFor('user', { id: 3 }) // 'http://example.com/users/3'
})

// … and a test request context gives `request` too (beforeRequest hooks do not run).
export const path = await app.testRequestContext('/users/3?tab=posts').run(() => {
  return `${request.path} ${request.args.get('tab')}` // '/users/3 posts'
})
// #endregion outside
