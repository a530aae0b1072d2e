import { describe, expect, it } from 'vitest'
import { BreakerOpen, CircuitBreaker, MemoryStore, type Store, StoreUnavailable } from '../../src/index.js'
import { serverSessions } from './host.js'

const clocked = (options: { threshold?: number; cooldown?: number; maxCooldown?: number } = {}) => {
  let now = 1_000_000
  const breaker = new CircuitBreaker({ ...options, now: () => now })
  const advance = (seconds: number) => {
    now += seconds * 1000
  }
  return { breaker, advance }
}
const fail = () => Promise.reject(new Error('ECONNREFUSED'))
const succeed = () => Promise.resolve('ok')

describe('the circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', async () => {
    const { breaker } = clocked({ threshold: 3 })
    await expect(breaker.run(fail)).rejects.toThrow('ECONNREFUSED')
    await expect(breaker.run(fail)).rejects.toThrow('ECONNREFUSED')
    await breaker.run(succeed)
    await expect(breaker.run(fail)).rejects.toThrow('ECONNREFUSED')
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 1 })
  })

  it('opens after `threshold` failures in a row: calls fail at once, without running', async () => {
    const { breaker } = clocked({ threshold: 2, cooldown: 1 })
    await breaker.run(fail).catch(() => {})
    await breaker.run(fail).catch(() => {})
    let ran = false
    const refused = await breaker
      .run(async () => {
        ran = true
      })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BreakerOpen)
    expect((refused as BreakerOpen).retryIn).toBe(1)
    expect(ran).toBe(false)
    expect(breaker.snapshot()).toMatchObject({ state: 'open', lastError: 'ECONNREFUSED', retryIn: 1 })
  })

  it('after the cooldown, one probe goes through while the others still fail at once', async () => {
    const { breaker, advance } = clocked({ threshold: 1, cooldown: 1 })
    await breaker.run(fail).catch(() => {})
    advance(1)
    expect(breaker.state).toBe('half-open')
    let release!: () => void
    const probe = breaker.run(() => new Promise<void>((resolve) => (release = resolve)))
    await expect(breaker.run(succeed)).rejects.toBeInstanceOf(BreakerOpen)
    release()
    await probe
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0, openSince: null })
    await expect(breaker.run(succeed)).resolves.toBe('ok')
  })

  it('a failed probe opens it again for twice as long, up to maxCooldown', async () => {
    const { breaker, advance } = clocked({ threshold: 1, cooldown: 0.25, maxCooldown: 1 })
    await breaker.run(fail).catch(() => {})
    const cooldowns: number[] = []
    for (let i = 0; i < 4; i++) {
      advance(breaker.snapshot().retryIn)
      await breaker.run(fail).catch(() => {})
      cooldowns.push(breaker.snapshot().retryIn)
    }
    expect(cooldowns).toEqual([0.5, 1, 1, 1])
    advance(1)
    await breaker.run(succeed)
    await breaker.run(fail).catch(() => {})
    expect(breaker.snapshot().retryIn).toBe(0.25)
  })

  it('tells a listener when it opens and closes, once each', async () => {
    const { breaker, advance } = clocked({ threshold: 2, cooldown: 1 })
    const changes: string[] = []
    breaker.onChange = (state, previous) => void changes.push(`${previous}→${state}`)
    for (let i = 0; i < 4; i++) await breaker.run(fail).catch(() => {})
    advance(1)
    await breaker.run(succeed)
    expect(changes).toEqual(['closed→open', 'half-open→closed'])
  })

  it('refuses a threshold that is not a positive integer', () => {
    expect(() => new CircuitBreaker({ threshold: 0 })).toThrow(RangeError)
  })
})

describe('the interface behind its breaker', () => {
  /** A store that fails while `down`, counting the calls that reach it. */
  const flaky = () => {
    const memory = new MemoryStore()
    const state = { down: false, calls: 0 }
    const gate = <T>(fn: () => Promise<T>) => {
      state.calls++
      return state.down ? Promise.reject(new Error('connection refused')) : fn()
    }
    const store: Store = {
      name: 'flaky',
      get: (key) => gate(() => memory.get(key)),
      set: (key, value, ttl) => gate(() => memory.set(key, value, ttl)),
      delete: (key) => gate(() => memory.delete(key)),
      update: (key, fn, ttl) => gate(() => memory.update(key, fn, ttl)),
    }
    return { store, state }
  }

  it('a dead store is asked `threshold` times, then requests fail at once with a 503 (breakerOpen)', async () => {
    const { store, state } = flaky()
    const { app, iface, browser } = serverSessions(store, { SESSION_STORE_TIMEOUT: 0.5 })
    const b = browser()
    await b.request((s) => s.set('user', 'ann'))
    state.down = true
    state.calls = 0
    const errors: StoreUnavailable[] = []
    for (let i = 0; i < 10; i++) errors.push((await b.request().catch((e: unknown) => e)) as StoreUnavailable)
    expect(state.calls).toBe(3)
    for (const error of errors) expect(error).toBeInstanceOf(StoreUnavailable)
    expect(errors.slice(3).every((e) => e.breakerOpen && e.retryAfter === 1)).toBe(true)
    expect(errors[9]!.message).toMatch(/was not asked to get: it failed repeatedly/)
    expect(app.logs.map(([, m]) => m)).toEqual([
      expect.stringMatching(/^The session store "flaky" failed 3 times in a row \(connection refused\)/),
    ])
    expect(await iface.health()).toMatchObject({ ok: false, store: 'flaky', state: 'open', latency: null })
  })

  it('recovers with no restart: a probe after the cooldown closes it, and health() says so', async () => {
    const { store, state } = flaky()
    const { app, iface, browser } = serverSessions(store)
    const b = browser()
    await b.request((s) => s.set('user', 'ann'))
    state.down = true
    for (let i = 0; i < 3; i++) await b.request().catch(() => {})
    state.down = false
    await expect(b.request()).rejects.toBeInstanceOf(StoreUnavailable)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await b.request()).session.get('user')).toBe('ann')
    const health = await iface.health()
    expect(health).toMatchObject({ ok: true, state: 'closed', consecutiveFailures: 0, lastError: null })
    expect(health.latency).toBeGreaterThanOrEqual(0)
    expect(app.logs.map(([, m]) => m)).toEqual([
      expect.stringMatching(/circuit breaker is open/),
      'The session store "flaky" answers again; its circuit breaker is closed.',
    ])
  })
})

describe("SESSION_STORE_FAILURE = 'anonymous'", () => {
  const down: Store = {
    name: 'down',
    get: () => Promise.reject(new Error('ECONNREFUSED')),
    set: () => Promise.reject(new Error('ECONNREFUSED')),
    delete: () => Promise.reject(new Error('ECONNREFUSED')),
  }

  it('a request that only reads goes on with an empty session, sets no cookie, and is warned about once', async () => {
    const { app, browser } = serverSessions(down, { SESSION_STORE_FAILURE: 'anonymous' })
    const b = browser()
    b.jar.set('session', 'a'.repeat(43))
    for (let i = 0; i < 5; i++) {
      const { session, response } = await b.request((s) => s.get('user'))
      expect(session.unavailable).toBe(true)
      expect(session.get('user')).toBeUndefined()
      expect(response.cookies).toEqual([])
    }
    expect(b.cookie).toBe('a'.repeat(43))
    const warnings = app.logs.filter(([, m]) => m.includes('anonymous'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]![1]).toMatch(
      /^The session store "down" cannot be read \(ECONNREFUSED\)\. SESSION_STORE_FAILURE is "anonymous"/,
    )
  })

  it('a write still answers 503, and the store is not asked', async () => {
    const { browser } = serverSessions(down, { SESSION_STORE_FAILURE: 'anonymous' })
    const b = browser()
    b.jar.set('session', 'a'.repeat(43))
    const error = (await b.request((s) => s.set('cart', 1)).catch((e: unknown) => e)) as StoreUnavailable
    expect(error).toBeInstanceOf(StoreUnavailable)
    expect(error).toMatchObject({ status: 503, operation: 'set' })
  })

  it("with 'error' (the default) the read itself answers 503", async () => {
    const b = serverSessions(down).browser()
    b.jar.set('session', 'a'.repeat(43))
    await expect(b.request()).rejects.toMatchObject({ status: 503, operation: 'get' })
  })
})
