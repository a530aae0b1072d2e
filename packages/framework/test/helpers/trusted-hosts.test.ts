import { afterEach, describe, expect, it } from 'vitest'
import { isTrustedHost } from '../../src/helpers/trusted-hosts.js'
import { Flagon, type TestClient } from '../../src/index.js'

describe('isTrustedHost (Werkzeug host_is_trusted)', () => {
  const rows: Array<[host: string, trusted: string[], expected: boolean]> = [
    ['example.com', ['example.com'], true],
    ['example.com:8080', ['example.com'], true],
    ['EXAMPLE.com', ['example.com'], true],
    ['www.example.com', ['example.com'], false],
    ['www.example.com', ['.example.com'], true],
    ['example.com', ['.example.com'], true],
    ['evil-example.com', ['.example.com'], false],
    ['evil.com', ['example.com', 'localhost'], false],
    ['[::1]:5000', ['[::1]'], true],
    ['', ['example.com'], false],
  ]
  for (const [host, trusted, expected] of rows) {
    it(`${JSON.stringify(host)} against ${trusted.join(', ')} is ${expected ? 'trusted' : 'refused'}`, () => {
      expect(isTrustedHost(host, trusted)).toBe(expected)
    })
  }
})

describe('TRUSTED_HOSTS on an app', () => {
  let client: TestClient
  afterEach(() => client?.close())

  it('refuses a request for another host with 400, and serves its own', async () => {
    const app = new Flagon('trusted')
    app.config.TRUSTED_HOSTS = ['localhost', '.example.com']
    app.get('/', () => 'ok')
    client = app.testClient()
    expect((await client.get('/')).status).toBe(200)
    expect((await client.get('/', { headers: { host: 'api.example.com' } })).status).toBe(200)
    const forged = await client.get('/', { headers: { host: 'evil.test' } })
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain('is not in TRUSTED_HOSTS')
  })
})
