import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { Blueprint, Flagon, sendFile, type TestClient, urlFor } from '../src/index.js'

const root = fileURLToPath(new URL('./fixtures/static-app/', import.meta.url))
const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

describe("the app's static folder", () => {
  it('is served at /static with cache headers and a validator that gives 304', async () => {
    const client = clientOf(new Flagon('static', { rootPath: root }))
    const css = await client.get('/static/css/site.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe('public, max-age=43200')
    expect(await css.text()).toBe('body { color: teal; }\n')
    const again = await client.get('/static/css/site.css', {
      headers: { 'if-none-match': css.headers.get('etag')! },
    })
    expect(again.status).toBe(304)
  })

  const escapes = [
    '/static/../static-files.test.ts',
    '/static/%2e%2e/x',
    '/static/css/..%2f..%2fstatic-files.test.ts',
    '/static/missing.css',
  ]
  for (const path of escapes) {
    it(`answers 404 for ${path}`, async () => {
      expect((await clientOf(new Flagon('static', { rootPath: root })).get(path)).status).toBe(404)
    })
  }

  it('answers a range with 206', async () => {
    const range = await clientOf(new Flagon('static', { rootPath: root })).get('/static/css/site.css', {
      headers: { range: 'bytes=0-3' },
    })
    expect([range.status, await range.text()]).toEqual([206, 'body'])
  })

  it('can be moved or turned off', async () => {
    const moved = clientOf(new Flagon('moved', { rootPath: root, staticUrlPath: '/assets' }))
    expect((await moved.get('/assets/css/site.css')).status).toBe(200)
    const none = new Flagon('none', { rootPath: root, staticFolder: null })
    expect([...none.urlMap.endpoints()]).toEqual([])
  })

  it('builds URLs with urlFor("static")', async () => {
    const app = new Flagon('urls', { rootPath: root })
    expect(await app.testRequestContext('/').run(() => urlFor('static', { filename: 'css/site.css' }))).toBe(
      '/static/css/site.css',
    )
  })
})

describe("a blueprint's static folder", () => {
  it('is served under its prefix with the endpoint name.static', async () => {
    const app = new Flagon('bp-static', { rootPath: root })
    app.registerBlueprint(
      new Blueprint('admin', { urlPrefix: '/admin', staticFolder: 'admin-static', rootPath: root }),
    )
    const client = clientOf(app)
    expect(await (await client.get('/admin/admin-static/admin.txt')).text()).toBe('admin\n')
    expect(
      await app.testRequestContext('/').run(() => urlFor('admin.static', { filename: 'admin.txt' })),
    ).toBe('/admin/admin-static/admin.txt')
  })
})

describe('sendFile from a view', () => {
  it('resolves paths against the app root and sends a download', async () => {
    const app = new Flagon('download', { rootPath: root })
    app.get('/download', () =>
      sendFile('static/css/site.css', { asAttachment: true, downloadName: 'résumé.css' }),
    )
    const response = await clientOf(app).get('/download')
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="resume.css"; filename*=UTF-8''r%C3%A9sum%C3%A9.css`,
    )
  })
})
