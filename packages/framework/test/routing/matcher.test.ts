import { assert, describe, it } from 'vitest'
import { Rule, UrlMap } from '../../src/routing/index.js'

/** How many converter/regex runs one match costs, and what it found. */
function cost(map: UrlMap, path: string): { tests: number; endpoint: string | undefined } {
  const before = map.dynamicTests
  const outcome = map.match(path, { method: 'GET' })
  return {
    tests: map.dynamicTests - before,
    endpoint: outcome.kind === 'match' ? outcome.rule.endpoint : undefined,
  }
}

describe('a map with 1,000 dynamic routes under distinct prefixes', () => {
  const map = new UrlMap()
  for (let i = 0; i < 1000; i++) {
    map.add(new Rule(`/r${i}/<int:id>`, { endpoint: `r${i}` }))
    map.add(new Rule(`/r${i}/<int:id>/items/<slug>`, { endpoint: `items${i}` }))
    map.add(new Rule(`/static${i}/page`, { endpoint: `static${i}` }))
  }

  it('tries only the dynamic part under the request prefix', () => {
    assert.deepEqual(cost(map, '/r500/7'), { tests: 1, endpoint: 'r500' })
  })

  it('tries one part per dynamic segment of a deeper route', () => {
    assert.deepEqual(cost(map, '/r999/7/items/shoe'), { tests: 2, endpoint: 'items999' })
  })

  it('finds a static route without running any converter', () => {
    assert.deepEqual(cost(map, '/static321/page'), { tests: 0, endpoint: 'static321' })
  })

  it('rejects an unknown prefix without running any converter', () => {
    assert.deepEqual(cost(map, '/nowhere/7'), { tests: 0, endpoint: undefined })
  })
})

describe('a map with 1,000 routes sharing a converter shape', () => {
  const map = new UrlMap()
  for (let i = 0; i < 1000; i++) map.add(new Rule(`/u/<int:id>/a${i}`, { endpoint: `a${i}` }))

  it('runs the shared converter once, then finds the literal tail by lookup', () => {
    assert.deepEqual(cost(map, '/u/5/a777'), { tests: 1, endpoint: 'a777' })
  })
})
