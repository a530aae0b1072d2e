import { Blueprint, Flagon, urlFor } from '@flagon/framework'

export function createApp(): Flagon {
  // #region subdomains
  // Rules match the part of the Host before SERVER_NAME: example.com, ann.example.com, api.example.com.
  const app = new Flagon('subdomains', { subdomainMatching: true })
  app.config.SERVER_NAME = 'example.com'

  // No subdomain: example.com itself.
  app.get('/', function home() {
    return `home; Ann's page is ${urlFor('profile', { user: 'ann' })}`
  })

  // A subdomain takes converters too: ann.example.com gives { user: 'ann' }.
  app.get(
    '/',
    function profile({ user }) {
      return `${user}'s page; home is ${urlFor('home')}`
    },
    { subdomain: '<user>' },
  )
  // #endregion subdomains

  // #region blueprints
  // Every rule of a blueprint on one subdomain: api.example.com/status.
  const api = new Blueprint('api', { subdomain: 'api' })
  api.get('/status', function status() {
    return `ok; v1 is at ${urlFor('api.v1.users')}`
  })

  // Nested subdomains chain as child.parent: v1.api.example.com/users.
  const v1 = new Blueprint('v1')
  v1.get('/users', function users() {
    return ['ann', 'bo']
  })
  api.registerBlueprint(v1, { subdomain: 'v1' })
  app.registerBlueprint(api)
  // #endregion blueprints

  return app
}
