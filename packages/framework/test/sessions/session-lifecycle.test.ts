import { afterEach, describe, expect, it } from 'vitest'
import {
  ContextError,
  Flagon,
  request,
  session,
  type TestClient,
  type WebsocketResponseError,
  websocket,
} from '../../src/index.js'
import { recordLogs } from '../fixtures/logs.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function appWithSessions(configure?: (app: Flagon) => void): Flagon & { logged: string[] } {
  const app = recordLogs(new Flagon('sessions'))
  app.secretKey = 'dev-secret-key'
  app.get('/read', () => String(session.get('user') ?? 'nobody'))
  app.post('/login', () => {
    session.set('user', request.args.get('user') ?? '')
    return 'ok'
  })
  app.post('/logout', () => {
    session.clear()
    return 'bye'
  })
  configure?.(app)
  return app
}

function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

describe('cookie sessions through the request lifecycle', () => {
  it('a write sets a signed cookie with Vary: Cookie, and the next request reads it', async () => {
    const client = clientOf(appWithSessions())
    const login = await client.post('/login?user=ann')
    const cookie = login.headers.getSetCookie()
    expect(cookie).toHaveLength(1)
    expect(cookie[0]).toMatch(/^session=eyJ1c2VyIjoiYW5uIn0\.[\w-]+\.[\w-]{27}; Path=\/; HttpOnly$/)
    expect(login.headers.get('vary')).toBe('Cookie')
    expect(await (await client.get('/read')).text()).toBe('ann')
  })

  it('a read-only request varies on Cookie and sets no cookie (Flask 3.1.3)', async () => {
    const client = clientOf(appWithSessions())
    await client.post('/login?user=ann')
    const read = await client.get('/read')
    expect(read.headers.get('vary')).toBe('Cookie')
    expect(read.headers.getSetCookie()).toEqual([])
  })

  it('a request that never touches the session has no Vary and no cookie', async () => {
    const client = clientOf(appWithSessions((app) => app.get('/plain', () => 'plain')))
    const plain = await client.get('/plain')
    expect(plain.headers.get('vary')).toBeNull()
    expect(plain.headers.getSetCookie()).toEqual([])
  })

  it('clearing the session deletes the cookie', async () => {
    const client = clientOf(appWithSessions())
    await client.post('/login?user=ann')
    const logout = await client.post('/logout')
    expect(logout.headers.getSetCookie()[0]).toMatch(
      /^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly$/,
    )
    expect(await (await client.get('/read')).text()).toBe('nobody')
  })

  it('a permanent session gets Expires and is re-sent on every request', async () => {
    const client = clientOf(
      appWithSessions((app) => {
        app.beforeRequest(() => {
          session.permanent = true
        })
      }),
    )
    const login = await client.post('/login?user=ann')
    const expires = /Expires=([^;]+)/.exec(login.headers.getSetCookie()[0]!)![1]!
    const days = (Date.parse(expires) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(30.9)
    expect(days).toBeLessThan(31.1)
    expect((await client.get('/read')).headers.getSetCookie()).toHaveLength(1)
  })

  it('a tampered cookie opens an empty session, never an error', async () => {
    const client = clientOf(appWithSessions())
    client.setCookie('session', 'eyJ1c2VyIjoibWFsbG9yeSJ9.ZVPxAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA')
    const read = await client.get('/read')
    expect([read.status, await read.text()]).toEqual([200, 'nobody'])
  })

  it('without SECRET_KEY, reads see an empty session and a write is a logged 500 that names the fix', async () => {
    const app = appWithSessions()
    app.secretKey = null
    const client = clientOf(app)
    expect(await (await client.get('/read')).text()).toBe('nobody')
    expect((await client.post('/login?user=ann')).status).toBe(500)
    expect(app.logged.join('\n')).toContain('Exception on request POST /login')
  })

  it('sessionTransaction sets what the next request sees, and reads what it stored', async () => {
    const client = clientOf(appWithSessions())
    await client.sessionTransaction((s) => {
      s.set('user', 'bob')
    })
    expect(await (await client.get('/read')).text()).toBe('bob')
    await client.post('/login?user=cy')
    let seen: unknown
    await client.sessionTransaction((s) => {
      seen = s.get('user')
    })
    expect(seen).toBe('cy')
  })

  it('the session proxy outside a context throws a ContextError', () => {
    expect(() => session.get('x')).toThrow(ContextError)
  })
})

describe('sessions on websockets', () => {
  it('a handler reads the cookie’s values; a change after accept is lost and logged with the route', async () => {
    const app = appWithSessions((a) => {
      a.websocket('/ws', async () => {
        await websocket.send(String(session.get('user')))
        session.set('user', 'changed')
      })
    })
    const client = clientOf(app)
    await client.post('/login?user=ann')
    const ws = await client.websocket('/ws')
    expect(await ws.receive()).toBe('ann')
    await ws.waitClosed()
    await new Promise((r) => setTimeout(r, 20))
    expect(await (await client.get('/read')).text()).toBe('ann')
    expect(app.logged).toEqual([
      'Secure Cookie Session modified during websocket handling. These modifications will be lost as a cookie cannot be set. (websocket /ws)',
    ])
  })

  it('a rejected handshake carries the Set-Cookie of a changed session', async () => {
    const app = appWithSessions((a) => {
      a.websocket('/ws', () => {
        session.set('user', 'rejected')
        return ['no', 403]
      })
    })
    const client = clientOf(app)
    let rejected: WebsocketResponseError | undefined
    try {
      await client.websocket('/ws')
    } catch (error) {
      rejected = error as WebsocketResponseError
    }
    expect(rejected?.response.status).toBe(403)
    expect(rejected?.response.headers.getSetCookie()[0]).toMatch(/^session=/)
    expect(await (await client.get('/read')).text()).toBe('rejected')
  })
})
