import { afterEach, describe, expect, it } from 'vitest'
import { Blueprint, Flagon, type TestClient, urlFor } from '../src/index.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function appWithSubdomains(): Flagon {
  const app = new Flagon('subdomains', { subdomainMatching: true, staticFolder: null })
  app.config.SERVER_NAME = 'example.com'
  app.get('/', function home() {
    return `home, ${urlFor('profile', { user: 'bob' })}`
  })
  app.get(
    '/',
    function profile({ user }: Record<string, unknown>) {
      return `profile of ${user}, home at ${urlFor('home')}`
    },
    { subdomain: '<user>' },
  )
  const api = new Blueprint('api', { subdomain: 'api' })
  api.get('/status', function status() {
    return `api ok, ${urlFor('.status')}`
  })
  app.registerBlueprint(api)
  return app
}

function get(app: Flagon, host: string, path = '/') {
  const client = app.testClient()
  clients.push(client)
  return client.get(path, { headers: { host } })
}

describe('subdomain matching', () => {
  const rows: Array<[name: string, host: string, path: string, status: number, body?: string]> = [
    [
      'SERVER_NAME itself serves the rules without a subdomain',
      'example.com',
      '/',
      200,
      'home, http://bob.example.com/',
    ],
    [
      'a subdomain fills the rule variable',
      'ann.example.com',
      '/',
      200,
      'profile of ann, home at http://example.com/',
    ],
    ['a blueprint with a subdomain serves it there', 'api.example.com', '/status', 200, 'api ok, /status'],
    ['the blueprint is not served on SERVER_NAME', 'example.com', '/status', 404],
    ['a host outside SERVER_NAME matches nothing', 'example.org', '/', 404],
    ['the port is ignored', 'ann.example.com:8080', '/', 200, 'profile of ann, home at http://example.com/'],
  ]
  for (const [name, host, path, status, body] of rows) {
    it(name, async () => {
      const response = await get(appWithSubdomains(), host, path)
      expect(response.status).toBe(status)
      if (body !== undefined) expect(await response.text()).toBe(body)
    })
  }
})
