import { afterEach, assert, describe, expect, it, vi } from 'vitest'
import { TestClient, type TestClientOptions } from '../../src/testing/client.js'
import { CookieJar } from '../../src/testing/cookie-jar.js'
import { type Echo, type FakeRoute, fakeApp } from './fake-app.js'

const clients: TestClient[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(clients.splice(0).map((client) => client.close()))
})

/** Any path ending in /set answers with the Set-Cookie headers given as JSON in the request body. */
const setCookies: FakeRoute = (_req, res, body) => {
  res.setHeader('set-cookie', JSON.parse(body.toString()) as string[])
  res.end()
}

function clientFor(config: Record<string, unknown> = {}, options?: TestClientOptions) {
  const routes = new Proxy({} as Record<string, FakeRoute>, {
    get: (_target, path) => (typeof path === 'string' && path.endsWith('/set') ? setCookies : undefined),
  })
  const client = new TestClient(fakeApp(routes, config), options)
  clients.push(client)
  return client
}

async function cookieSentTo(client: TestClient, path: string, headers?: Record<string, string>) {
  const res = await client.get(path, headers === undefined ? {} : { headers })
  return (await res.json<Echo>()).headers.cookie
}

describe('cookies set by the app', () => {
  const rows: Array<
    [name: string, setAt: string, setCookie: string[], requestPath: string, sent: string | undefined]
  > = [
    ['are sent back', '/set', ['a=1'], '/', 'a=1'],
    ['from one response are all kept', '/set', ['a=1', 'b=2'], '/', 'a=1; b=2'],
    ['keep their value verbatim', '/set', ['a="x%20y"'], '/', 'a="x%20y"'],
    ['are sent below their Path', '/set', ['a=1; Path=/admin'], '/admin/users', 'a=1'],
    ['are sent to their Path itself', '/set', ['a=1; Path=/admin'], '/admin', 'a=1'],
    ['are not sent outside their Path', '/set', ['a=1; Path=/admin'], '/', undefined],
    [
      'are not sent to a path that only starts like theirs',
      '/set',
      ['a=1; Path=/admin'],
      '/administrator',
      undefined,
    ],
    [
      'without Path, are scoped to the directory they were set from',
      '/account/set',
      ['a=1'],
      '/account/x',
      'a=1',
    ],
    ['without Path, are not sent outside that directory', '/account/set', ['a=1'], '/other', undefined],
    ['are overwritten by a later cookie of the same name and path', '/set', ['a=1', 'a=2'], '/', 'a=2'],
    [
      'of one name and two paths are both sent, longest path first',
      '/set',
      ['a=r; Path=/', 'a=d; Path=/x'],
      '/x/y',
      'a=d; a=r',
    ],
    ['are deleted by Max-Age=0', '/set', ['a=1', 'a=; Max-Age=0'], '/', undefined],
    ['are deleted by a negative Max-Age', '/set', ['a=1', 'a=; Max-Age=-1'], '/', undefined],
    [
      'are deleted by an Expires in the past',
      '/set',
      ['a=1', 'a=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      '/',
      undefined,
    ],
    [
      'are kept by a Max-Age, whatever Expires says',
      '/set',
      ['a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
      '/',
      'a=1',
    ],
    [
      'are kept until an Expires in the future',
      '/set',
      ['a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT'],
      '/',
      'a=1',
    ],
    ['are deleted only at their own path', '/set', ['a=1; Path=/x', 'a=; Path=/; Max-Age=0'], '/x', 'a=1'],
    ['with the Domain of the host are kept', '/set', ['a=1; Domain=localhost'], '/', 'a=1'],
    ['with the Domain of another site are ignored', '/set', ['a=1; Domain=example.com'], '/', undefined],
    [
      "marked Secure are sent over the test client's plain HTTP",
      '/set',
      ['a=1; Secure; HttpOnly'],
      '/',
      'a=1',
    ],
  ]
  for (const [name, setAt, setCookie, requestPath, sent] of rows) {
    it(name, async () => {
      const client = clientFor()
      await client.post(setAt, { json: setCookie })
      assert.equal(await cookieSentTo(client, requestPath), sent)
    })
  }

  it('expire after their Max-Age', async () => {
    const client = clientFor()
    await client.post('/set', { json: ['a=1; Max-Age=60'] })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 61_000)
    assert.equal(await cookieSentTo(client, '/'), undefined)
    assert.equal(client.cookies.get('a'), undefined)
  })

  it('are listed in client.cookies with their attributes', async () => {
    const client = clientFor()
    await client.post('/set', { json: ['a=1; Path=/p; Max-Age=60; Secure; HttpOnly; SameSite=Lax'] })
    const cookie = client.cookies.get('a')
    assert.include(cookie, {
      name: 'a',
      value: '1',
      domain: 'localhost',
      hostOnly: true,
      path: '/p',
      secure: true,
      httpOnly: true,
      sameSite: 'lax',
    })
    assert.approximately(cookie?.expires?.getTime() ?? 0, Date.now() + 60_000, 2_000)
    assert.equal(client.cookies.size, 1)
  })

  it('are appended to a Cookie header given by the test', async () => {
    const client = clientFor()
    await client.post('/set', { json: ['a=1'] })
    assert.equal(await cookieSentTo(client, '/', { cookie: 'mine=0' }), 'mine=0; a=1')
  })
})

describe('cookies and the host', () => {
  it('a host-only cookie is not sent to a subdomain', async () => {
    const client = clientFor({ SERVER_NAME: 'example.test' })
    await client.post('/set', { json: ['a=1'] })
    assert.equal(await cookieSentTo(client, '/'), 'a=1')
    assert.equal(await cookieSentTo(client, '/', { host: 'api.example.test' }), undefined)
  })

  it('a Domain cookie is sent to the domain and its subdomains', async () => {
    const client = clientFor({ SERVER_NAME: 'example.test' })
    await client.post('/set', { json: ['a=1; Domain=.Example.test'] })
    assert.equal(client.cookies.get('a')?.domain, 'example.test')
    assert.equal(await cookieSentTo(client, '/', { host: 'api.example.test' }), 'a=1')
    assert.equal(await cookieSentTo(client, '/', { host: 'other.test' }), undefined)
  })

  it('a cookie for a subdomain is refused from the parent domain', async () => {
    const client = clientFor({ SERVER_NAME: 'example.test' })
    await client.post('/set', { json: ['a=1; Domain=api.example.test'] })
    assert.equal(client.cookies.size, 0)
  })
})

describe('cookies set by the test', () => {
  it('client.setCookie() sends the cookie to the app', async () => {
    const client = clientFor()
    client.setCookie('token', 'abc')
    assert.equal(await cookieSentTo(client, '/anything'), 'token=abc')
  })

  it('client.setCookie() honours path and domain', async () => {
    const client = clientFor({ SERVER_NAME: 'example.test' })
    client.setCookie('a', '1', { path: '/admin' })
    client.setCookie('b', '2', { domain: 'example.test' })
    assert.equal(await cookieSentTo(client, '/'), 'b=2')
    assert.equal(await cookieSentTo(client, '/admin'), 'a=1; b=2')
    assert.equal(await cookieSentTo(client, '/', { host: 'www.example.test' }), 'b=2')
  })

  it('client.setCookie() with maxAge 0 deletes', async () => {
    const client = clientFor()
    client.setCookie('a', '1')
    client.setCookie('a', '', { maxAge: 0 })
    assert.equal(await cookieSentTo(client, '/'), undefined)
  })

  it('client.deleteCookie() deletes the cookie at / by default', async () => {
    const client = clientFor()
    await client.post('/set', { json: ['a=1', 'b=2; Path=/x'] })
    client.deleteCookie('a')
    client.deleteCookie('b')
    assert.equal(await cookieSentTo(client, '/x'), 'b=2')
    client.deleteCookie('b', { path: '/x' })
    assert.equal(await cookieSentTo(client, '/x'), undefined)
  })

  it('an app cookie overwrites one the test set', async () => {
    const client = clientFor()
    client.setCookie('a', 'test')
    await client.post('/set', { json: ['a=app; Path=/'] })
    assert.equal(await cookieSentTo(client, '/'), 'a=app')
  })
})

describe('a client with useCookies: false', () => {
  it('neither keeps nor sends cookies', async () => {
    const client = clientFor({}, { useCookies: false })
    await client.post('/set', { json: ['a=1'] })
    assert.equal(client.cookies.size, 0)
    assert.equal(await cookieSentTo(client, '/'), undefined)
  })

  it('refuses client.setCookie() and client.deleteCookie()', () => {
    const client = clientFor({}, { useCookies: false })
    expect(() => client.setCookie('a', '1')).toThrow(/useCookies: false/)
    expect(() => client.deleteCookie('a')).toThrow(/useCookies: false/)
  })
})

describe('CookieJar.get', () => {
  const jar = new CookieJar()
  jar.receive(new URL('http://localhost/'), ['a=root; Path=/', 'a=deep; Path=/x/y', 'a=mid; Path=/x'])

  const rows: Array<[name: string, filter: { path?: string } | undefined, value: string | undefined]> = [
    ['without a path, finds the longest path', undefined, 'deep'],
    ['with a path, finds exactly that path', { path: '/x' }, 'mid'],
    ['with a path nothing has, finds nothing', { path: '/z' }, undefined],
  ]
  for (const [name, filter, value] of rows) {
    it(name, () => {
      assert.equal(jar.get('a', filter)?.value, value)
    })
  }
})
