import { describe, expect, it } from 'vitest'
import {
  MemoryStore,
  ServerSideSessionInterface,
  Session,
  type Store,
  StoreUnavailable,
} from '../../src/index.js'
import { serverSessions } from './host.js'
import { sleep } from './store-contract.js'

/** A user's store that never answers, or fails, or has no touch: the interface must cope with each. */
const hanging: Store = {
  name: 'hanging',
  get: () => new Promise(() => {}),
  set: () => new Promise(() => {}),
  delete: () => new Promise(() => {}),
}

describe('every store call is bounded by SESSION_STORE_TIMEOUT', () => {
  it('a store that never answers fails the open with a 503 after the timeout', async () => {
    const { browser } = serverSessions(hanging, { SESSION_STORE_TIMEOUT: 0.2 })
    const b = browser()
    b.jar.set('session', 'a'.repeat(43))
    const started = Date.now()
    const error = (await b.request().catch((e: unknown) => e)) as StoreUnavailable
    expect(error).toBeInstanceOf(StoreUnavailable)
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(error).toMatchObject({
      status: 503,
      retryAfter: 1,
      timeout: 0.2,
      store: 'hanging',
      operation: 'get',
    })
    expect(error.message).toBe(
      'The session store "hanging" did not answer a get within 0.2 s (SESSION_STORE_TIMEOUT). ' +
        'The session could not be read; the request is answered with 503. ' +
        'Check that the store is running and reachable; service resumes on its own when it is.',
    )
  })

  it('a new session opens without asking the store, but its save times out', async () => {
    const { browser } = serverSessions(hanging, { SESSION_STORE_TIMEOUT: 0.1 })
    const error = await browser()
      .request((s) => s.set('x', 1))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ operation: 'set', timeout: 0.1 })
  })

  it('Retry-After follows the timeout, rounded up', async () => {
    const { browser } = serverSessions(hanging, { SESSION_STORE_TIMEOUT: 1.2 })
    const b = browser()
    b.jar.set('session', 'a'.repeat(43))
    const error = (await Promise.race([
      b.request().catch((e: unknown) => e),
      sleep(3000),
    ])) as StoreUnavailable
    expect(error.retryAfter).toBe(2)
  })

  it("a store's own failure becomes a StoreUnavailable carrying it as the cause", async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379')
    const failing: Store = { ...hanging, name: 'failing', get: () => Promise.reject(cause) }
    const b = serverSessions(failing).browser()
    b.jar.set('session', 'a'.repeat(43))
    const error = (await b.request().catch((e: unknown) => e)) as StoreUnavailable
    expect(error.cause).toBe(cause)
    expect(error.timeout).toBeUndefined()
    expect(error.message).toMatch(/^The session store "failing" failed a get \(connect ECONNREFUSED/)
  })
})

describe('a store without touch', () => {
  it('is refreshed by writing the record it was opened from again', async () => {
    const memory = new MemoryStore()
    const writes: number[] = []
    const store: Store = {
      name: 'plain',
      get: (key) => memory.get(key),
      set: (key, value, ttl) => {
        writes.push(ttl)
        return memory.set(key, value, ttl)
      },
      delete: (key) => memory.delete(key),
    }
    const { iface, browser } = serverSessions(store, { PERMANENT_SESSION_LIFETIME: 100 })
    const b = browser()
    const { session } = await b.request((s) => s.set('user', 'ann'))
    const before = await memory.get(iface.keyFor(session.sid))
    const read = await b.request((s) => s.get('user'))
    expect(writes).toEqual([100, 100])
    expect(await memory.get(iface.keyFor(session.sid))).toBe(before)
    expect(read.response.cookies).toHaveLength(1)
  })
})

describe('the interface on its own', () => {
  it('takes its settings as options, each a public field', () => {
    const iface = new ServerSideSessionInterface(new MemoryStore(), { keyPrefix: 'x:', explicit: true })
    expect(iface.keyPrefix).toBe('x:')
    expect(iface.explicit).toBe(true)
    expect(iface.permanent).toBe(true)
    expect(iface.keyFor('abc')).toBe('x:abc')
  })

  it('refuses to adopt a session of another interface', async () => {
    const { app, iface } = serverSessions(new MemoryStore())
    await expect(iface.saveSession(app, new Session({ a: 1 }), null)).rejects.toThrow(
      /cannot save a Session; it saves the sessions it opens/,
    )
  })
})
