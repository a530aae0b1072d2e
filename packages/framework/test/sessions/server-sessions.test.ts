import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Flagon,
  MemoryStore,
  request,
  SESSION_REVOKED_CLOSE_CODE,
  type Store,
  session,
  type TestClient,
  useServerSessions,
  websocket,
} from '../../src/index.js'
import { recordLogs } from '../fixtures/logs.js'

const root = fileURLToPath(new URL('../fixtures/static-app/', import.meta.url))
const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

function appWith(store: Store, configure?: (app: Flagon) => void): Flagon & { logged: string[] } {
  const app = recordLogs(new Flagon('server-sessions', { rootPath: root }))
  app.secretKey = 'dev-secret-key'
  app.config.SESSION_STORE_TIMEOUT = 0.1
  app.get('/read', () => String(session.get('user') ?? 'nobody'))
  app.post('/login', () => {
    session.set('user', request.args.get('user') ?? '')
    return 'ok'
  })
  configure?.(app)
  useServerSessions(app, { store })
  return app
}

function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

/** A store of the user's own that has stopped answering. */
class HangingStore implements Store {
  readonly name = 'hanging'
  get() {
    return new Promise<string | null>(() => {})
  }
  set() {
    return new Promise<void>(() => {})
  }
  delete() {
    return new Promise<void>(() => {})
  }
}

describe('server-side sessions in the request lifecycle', () => {
  it('read the store once per request', async () => {
    const store = new MemoryStore()
    let reads = 0
    const get = store.get.bind(store)
    store.get = (key: string) => {
      reads++
      return get(key)
    }
    const client = clientOf(appWith(store))
    await client.post('/login?user=ann')
    reads = 0
    expect(await (await client.get('/read')).text()).toBe('ann')
    expect(reads).toBe(1)
  })

  it('keep the data in the store and only an id in the cookie', async () => {
    const store = new MemoryStore()
    const client = clientOf(appWith(store))
    const login = await client.post('/login?user=ann')
    const cookie = login.headers.getSetCookie()[0]!
    expect(cookie).toMatch(/^session=[\w-]{43}; Path=\/; Expires=[^;]+; HttpOnly$/)
    expect(cookie).not.toContain('ann')
    expect(await (await client.get('/read')).text()).toBe('ann')
  })

  it('send no cookie for a static file', async () => {
    const client = clientOf(appWith(new MemoryStore()))
    await client.post('/login?user=ann')
    const css = await client.get('/static/css/site.css')
    expect(css.status).toBe(200)
    expect(css.headers.getSetCookie()).toEqual([])
  })

  it('persist changes made on an accepted websocket, unlike cookie sessions', async () => {
    const app = appWith(new MemoryStore(), (a) => {
      a.websocket('/ws', async () => {
        await websocket.accept()
        session.set('user', 'changed on the socket')
      })
    })
    const client = clientOf(app)
    await client.post('/login?user=ann')
    const ws = await client.websocket('/ws')
    await ws.waitClosed()
    await new Promise((r) => setTimeout(r, 20))
    expect(await (await client.get('/read')).text()).toBe('changed on the socket')
  })

  it('answer 503 with Retry-After and no stack when the store does not answer, and log no exception', async () => {
    const app = appWith(new HangingStore())
    const client = clientOf(app)
    client.setCookie('session', 'a'.repeat(43))
    const started = Date.now()
    const read = await client.get('/read')
    expect(read.status).toBe(503)
    expect(read.headers.get('retry-after')).toBe('1')
    expect(await read.text()).not.toContain('at ')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(app.logged.join('\n')).not.toContain('Exception on request')
  })

  it('let an app answer the 503 itself', async () => {
    const app = appWith(new HangingStore(), (a) => {
      a.errorHandler(503, () => ['Sessions are down; try again in a minute.', 503])
    })
    const client = clientOf(app)
    const write = await client.post('/login?user=ann')
    expect([write.status, await write.text()]).toEqual([503, 'Sessions are down; try again in a minute.'])
  })
})

describe('a websocket under a server-side session', () => {
  it('is closed with SESSION_REVOKED_CLOSE_CODE when the session ends in another request', async () => {
    const app = appWith(new MemoryStore(), (a) => {
      a.post('/logout', () => {
        session.clear()
        return 'bye'
      })
      a.websocket('/live', async () => {
        await websocket.accept()
        for await (const message of websocket) await websocket.send(String(message))
      })
    })
    await app.testApp(async (client) => {
      await client.post('/login?user=ann')
      const ws = await client.websocket('/live')
      await ws.send('ping')
      expect(await ws.receive()).toBe('ping')
      await client.post('/logout')
      const closed = await ws.waitClosed()
      expect([closed.code, closed.reason]).toEqual([SESSION_REVOKED_CLOSE_CODE, 'session ended'])
    })
  })
})
