import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../src/index.js'
import { serverInterfaceContract } from './interface-contract.js'
import { storeContract } from './store-contract.js'

storeContract('memory', () => new MemoryStore())
serverInterfaceContract('memory', () => new MemoryStore())

describe('the memory store, on its own clock', () => {
  const clocked = (options: { maxEntries?: number } = {}) => {
    let now = 1_000_000
    const store = new MemoryStore({ ...options, now: () => now })
    const advance = (seconds: number) => {
      now += seconds * 1000
    }
    return { store, advance }
  }

  it('a record expires exactly at its TTL', async () => {
    const { store, advance } = clocked()
    await store.set('k', 'v', 10)
    advance(9.999)
    expect(await store.get('k')).toBe('v')
    advance(0.001)
    expect(await store.get('k')).toBeNull()
  })

  it('past maxEntries, the least recently used record goes first', async () => {
    const { store } = clocked({ maxEntries: 3 })
    await store.set('a', '1', 60)
    await store.set('b', '2', 60)
    await store.set('c', '3', 60)
    await store.get('a') // a is now the most recently used
    await store.set('d', '4', 60)
    expect(store.size).toBe(3)
    expect(await store.get('b')).toBeNull()
    expect(await store.get('a')).toBe('1')
    expect(await store.get('d')).toBe('4')
  })

  it('sweep() drops expired records, which otherwise wait to be read', async () => {
    const { store, advance } = clocked()
    await store.set('old', 'x', 1)
    await store.set('new', 'y', 100)
    advance(2)
    expect(store.size).toBe(2)
    store.sweep()
    expect(store.size).toBe(1)
  })

  it('touch on an expired record says false and revives nothing', async () => {
    const { store, advance } = clocked()
    await store.set('k', 'v', 1)
    advance(1)
    expect(await store.touch('k', 60)).toBe(false)
    expect(await store.get('k')).toBeNull()
  })

  it('its sweeper never keeps the process alive, and close() stops it', async () => {
    const store = new MemoryStore({ sweepInterval: 1 })
    await store.set('k', 'v', 60)
    const timers = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo()
    expect(timers).toContain('Timeout')
    await store.close()
    expect(store.size).toBe(0)
  })

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => new MemoryStore({ maxEntries: 0 })).toThrow(RangeError)
  })
})
