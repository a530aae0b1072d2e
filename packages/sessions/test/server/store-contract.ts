/**
 * The contract every store keeps, run on each: `storeContract('redis', () => new RedisStore(url))`.
 * Expiry is tested with real seconds, because Redis and Memcached count them themselves.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../src/index.js'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function storeContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`the ${name} store keeps the Store contract`, () => {
    let store: Store
    const key = () => `contract:${randomUUID()}`
    beforeAll(async () => {
      store = await makeStore()
      await store.open?.()
    })
    afterAll(async () => {
      await store.close?.()
    })

    it('has a name', () => {
      expect(store.name).toBe(name)
    })

    it('gives null for a key it does not hold', async () => {
      expect(await store.get(key())).toBeNull()
    })

    it('gives back what was set', async () => {
      const k = key()
      await store.set(k, '{"user":"ann"}', 60)
      expect(await store.get(k)).toBe('{"user":"ann"}')
    })

    it('replaces a record on a second set', async () => {
      const k = key()
      await store.set(k, 'one', 60)
      await store.set(k, 'two', 60)
      expect(await store.get(k)).toBe('two')
    })

    it('forgets a deleted record, and deleting a missing one is no error', async () => {
      const k = key()
      await store.set(k, 'x', 60)
      await store.delete(k)
      expect(await store.get(k)).toBeNull()
      await expect(store.delete(key())).resolves.toBeUndefined()
    })

    const values: Array<[string, string]> = [
      ['unicode, astral planes included', 'Zoë · 東京 · 🍰 · \u00e9\u0301 · \u2028'],
      ['a record of 512 KiB', 'x'.repeat(512 * 1024)],
      ['an empty string', ''],
      ['JSON with escapes and quotes', JSON.stringify({ q: '"\\\n\t', n: null })],
    ]
    for (const [title, value] of values) {
      it(`keeps ${title} exactly`, async () => {
        const k = key()
        await store.set(k, value, 60)
        expect(await store.get(k)).toBe(value)
      })
    }

    it('lets a record expire after its TTL', async () => {
      const k = key()
      await store.set(k, 'short', 1)
      expect(await store.get(k)).toBe('short')
      await sleep(2100)
      expect(await store.get(k)).toBeNull()
    })

    it('touch restarts the TTL, and says whether the record was there', async () => {
      if (!store.touch) return
      const k = key()
      await store.set(k, 'kept', 1)
      expect(await store.touch(k, 10)).toBe(true)
      await sleep(2100)
      expect(await store.get(k)).toBe('kept')
      expect(await store.touch(key(), 10)).toBe(false)
    })

    it('keeps TTLs past 30 days (Memcached takes those as absolute times)', async () => {
      const k = key()
      await store.set(k, 'long', 31 * 24 * 60 * 60)
      expect(await store.get(k)).toBe('long')
      if (store.touch) expect(await store.touch(k, 40 * 24 * 60 * 60)).toBe(true)
      expect(await store.get(k)).toBe('long')
    })

    it('under concurrent writes to one key, the last write wins', async () => {
      const k = key()
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(k, `write ${i}`, 60)))
      expect(await store.get(k)).toBe('write 49')
    })

    it('concurrent writes to many keys all land', async () => {
      const keys = Array.from({ length: 100 }, () => key())
      await Promise.all(keys.map((k, i) => store.set(k, `value ${i}`, 60)))
      expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(keys.map((_, i) => `value ${i}`))
    })
  })
}
