/**
 * The contract every store keeps, run on each: `storeContract('redis', () => new RedisStore(url))`.
 * Expiry is tested with real seconds, because Redis and Memcached count them themselves.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../src/index.js'

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `events` once `count` have arrived, or as they are after a second. */
export async function received<T>(events: T[], count: number): Promise<T[]> {
  const deadline = Date.now() + 1000
  while (events.length < count && Date.now() < deadline) await sleep(2)
  return events
}

/** How many writers the concurrency tests run at once, on every store. */
export const CONCURRENT = 100

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

    describe('update: compare-and-set', () => {
      it('passes null for a missing record; what fn returns is stored, null stores nothing', async () => {
        const k = key()
        const seen: Array<string | null> = []
        const seeing = (next: (current: string | null) => string | null) => (current: string | null) => {
          seen.push(current)
          return next(current)
        }
        expect(
          await store.update!(
            k,
            seeing(() => null),
            60,
          ),
        ).toBeNull()
        expect(await store.get(k)).toBeNull()
        expect(
          await store.update!(
            k,
            seeing(() => 'first'),
            60,
          ),
        ).toBe('first')
        expect(
          await store.update!(
            k,
            seeing((current) => `${current}+second`),
            60,
          ),
        ).toBe('first+second')
        expect(seen).toEqual([null, null, 'first'])
        expect(await store.get(k)).toBe('first+second')
      })

      it('stores with the TTL given', async () => {
        const k = key()
        await store.update!(k, () => 'brief', 1)
        await sleep(2100)
        expect(await store.get(k)).toBeNull()
      })

      it(`loses no write under real concurrency: ${CONCURRENT} parallel merges of one record, each its own key`, async () => {
        const k = key()
        await store.set(k, '{}', 60)
        const started = performance.now()
        await Promise.all(
          Array.from({ length: CONCURRENT }, (_, i) =>
            store.update!(k, (current) => JSON.stringify({ ...JSON.parse(current!), [`k${i}`]: i }), 60),
          ),
        )
        const ms = Math.round(performance.now() - started)
        console.info(`[measure] ${name}: ${CONCURRENT} concurrent merges into one record in ${ms} ms`)
        const merged = JSON.parse((await store.get(k))!)
        expect(Object.keys(merged)).toHaveLength(CONCURRENT)
        for (let i = 0; i < CONCURRENT; i++) expect(merged[`k${i}`]).toBe(i)
      })

      it('a record deleted meanwhile is seen as gone: fn gets null and may decline', async () => {
        const k = key()
        await store.set(k, 'alive', 60)
        await store.delete(k)
        expect(await store.update!(k, (current) => (current === null ? null : 'resurrected'), 60)).toBeNull()
        expect(await store.get(k)).toBeNull()
      })
    })

    it('replace moves a record to a new key and removes the old one', async () => {
      const [from, to] = [key(), key()]
      await store.set(from, 'old', 60)
      await store.replace!(from, to, 'moved', 60)
      expect(await store.get(from)).toBeNull()
      expect(await store.get(to)).toBe('moved')
    })

    it('under concurrent reads, replace never shows both keys at once', async () => {
      for (let round = 0; round < 20; round++) {
        const [from, to] = [key(), key()]
        await store.set(from, 'v', 60)
        let both = false
        let done = false
        const reader = (async () => {
          // The new key first: once it exists, the old one must already be gone.
          while (!done) {
            const moved = await store.get(to)
            if (moved !== null && (await store.get(from)) !== null) both = true
          }
        })()
        await store.replace!(from, to, 'v', 60)
        done = true
        await reader
        expect(both).toBe(false)
      }
    })

    it('concurrent writes to many keys all land', async () => {
      const keys = Array.from({ length: 100 }, () => key())
      await Promise.all(keys.map((k, i) => store.set(k, `value ${i}`, 60)))
      expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(keys.map((_, i) => `value ${i}`))
    })
  })
}
