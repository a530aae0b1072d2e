import { describe, expect, it } from 'vitest'
import { BuildError, Flagon, urlFor } from '../../src/index.js'

function app(): Flagon {
  const app = new Flagon('urls')
  app.get('/', function index() {
    return ''
  })
  app.get('/urls/<int:n>', function urls() {
    return ''
  })
  return app
}

describe('urlFor inside a request', () => {
  const rows: Array<[name: string, endpoint: string, values: Record<string, unknown>, url: string]> = [
    ['fills parameters', 'urls', { n: 5 }, '/urls/5'],
    ['puts extra values in the query string', 'urls', { n: 5, q: 'x y', z: [1, 2] }, '/urls/5?q=x+y&z=1&z=2'],
    ['makes an absolute URL with _external', 'urls', { n: 5, _external: true }, 'http://localhost/urls/5'],
    ['uses _scheme and implies _external', 'index', { _scheme: 'https' }, 'https://localhost/'],
    ['adds an encoded _anchor', 'index', { _anchor: 'a b' }, '/#a%20b'],
  ]
  for (const [name, endpoint, values, url] of rows) {
    it(name, async () => {
      expect(
        await app()
          .testRequestContext('/')
          .run(() => urlFor(endpoint, values)),
      ).toBe(url)
    })
  }

  it('throws a BuildError for an unknown endpoint, with a suggestion', async () => {
    const error = await app()
      .testRequestContext('/')
      .run(() => {
        try {
          urlFor('url')
        } catch (err) {
          return err
        }
      })
    expect(error).toBeInstanceOf(BuildError)
    expect((error as BuildError).endpoint).toBe('url')
    expect((error as Error).message).toContain('urls')
  })

  it('throws a BuildError for a missing parameter', async () => {
    await expect(
      app()
        .testRequestContext('/')
        .run(() => urlFor('urls')),
    ).rejects.toBeInstanceOf(BuildError)
  })

  it('applies urlDefaults functions', async () => {
    const a = app()
    a.urlDefaults((endpoint, values) => {
      if (endpoint === 'urls' && values.n === undefined) values.n = 42
    })
    expect(await a.testRequestContext('/').run(() => urlFor('urls'))).toBe('/urls/42')
  })
})

describe('urlFor outside a request', () => {
  it('needs SERVER_NAME, and says so', async () => {
    await expect(
      app()
        .appContext()
        .run(() => urlFor('index')),
    ).rejects.toThrow(/SERVER_NAME/)
  })

  it('builds absolute URLs from SERVER_NAME, https with PREFER_SECURE_URLS', async () => {
    const a = app()
    a.config.SERVER_NAME = 'example.com:8080'
    expect(await a.appContext().run(() => urlFor('urls', { n: 1 }))).toBe('http://example.com:8080/urls/1')
    a.config.PREFER_SECURE_URLS = true
    expect(await a.appContext().run(() => urlFor('index'))).toBe('https://example.com:8080/')
  })
})

describe("Flask's PREFERRED_URL_SCHEME (which Quart ignores)", () => {
  it('makes URLs built outside a request https', async () => {
    const a = new Flagon('preferred')
    a.get('/', function index() {
      return ''
    })
    a.config.SERVER_NAME = 'example.com'
    a.config.PREFERRED_URL_SCHEME = 'https'
    expect(await a.appContext().run(() => urlFor('index'))).toBe('https://example.com/')
  })
})
