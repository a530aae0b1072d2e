import { assert, describe, it } from 'vitest'
import {
  BuildError,
  type BuildOptions,
  Rule,
  type RuleOptions,
  UrlMap,
  type UrlMapOptions,
} from '../../src/routing/index.js'

type Spec = [path: string, options: RuleOptions]

function makeMap(rules: Spec[], options?: UrlMapOptions): UrlMap {
  const map = new UrlMap(options)
  for (const [path, ruleOptions] of rules) map.add(new Rule(path, ruleOptions))
  return map
}

const rules: Spec[] = [
  ['/urls/<int:n>', { endpoint: 'urls' }],
  ['/book', { endpoint: 'book', defaults: { page: 0 } }],
  ['/book/<int:page>', { endpoint: 'book' }],
  ['/items', { endpoint: 'items', methods: ['POST'] }],
  ['/items/all', { endpoint: 'items' }],
  ['/s/<v>', { endpoint: 'segment' }],
  ['/café/<int:n>', { endpoint: 'cafe' }],
  ['/n/<int(fixed_digits=3):n>', { endpoint: 'padded' }],
  ['/f/<path:p>', { endpoint: 'file' }],
  ['/live', { endpoint: 'live', websocket: true }],
  ['/live/poll', { endpoint: 'live' }],
  ['/price/<float:x>', { endpoint: 'price' }],
]

const cases: Array<
  [name: string, endpoint: string, values: Record<string, unknown>, options: BuildOptions, url: string]
> = [
  ['fills a variable', 'urls', { n: 5 }, {}, '/urls/5'],
  ['puts other values in the query', 'urls', { n: 5, q: 'x y', z: [1, 2] }, {}, '/urls/5?q=x+y&z=1&z=2'],
  ['encodes query keys and values', 'urls', { n: 1, 'a b': 'ü&=' }, {}, '/urls/1?a+b=%C3%BC%26%3D'],
  ['keeps query-safe characters', 'urls', { n: 1, next: '/a/b?c' }, {}, '/urls/1?next=/a/b?c'],
  ['leaves out null and undefined values', 'urls', { n: 5, a: null, b: undefined }, {}, '/urls/5'],
  ['leaves out a value equal to the default', 'book', { page: 0 }, {}, '/book'],
  ['uses the other rule for another value', 'book', { page: 2 }, {}, '/book/2'],
  ['uses the defaulted rule without a value', 'book', {}, {}, '/book'],
  ['prefers a GET rule without a method', 'items', {}, {}, '/items/all'],
  ['picks the rule for the method', 'items', {}, { method: 'POST' }, '/items'],
  ['the method is case-insensitive', 'items', {}, { method: 'post' }, '/items'],
  ['percent-encodes a value', 'segment', { v: 'a b' }, {}, '/s/a%20b'],
  ['keeps a slash in a value, as Werkzeug does', 'segment', { v: 'a/b' }, {}, '/s/a/b'],
  ['percent-encodes the rule text', 'cafe', { n: 1 }, {}, '/caf%C3%A9/1'],
  ['pads fixed digits', 'padded', { n: 7 }, {}, '/n/007'],
  ['puts a path with its slashes', 'file', { p: 'a/b c' }, {}, '/f/a/b%20c'],
  ['writes a float with its dot', 'price', { x: 2 }, {}, '/price/2.0'],
  ['takes the first rule without a kind', 'live', {}, {}, '/live'],
  ['prefers the kind asked for', 'live', {}, { websocket: false }, '/live/poll'],
]

describe('building a URL', () => {
  for (const [name, endpoint, values, options, url] of cases) {
    it(name, () => {
      assert.equal(makeMap(rules).build(endpoint, values, options).path, url)
    })
  }

  it('returns the rule it used', () => {
    const built = makeMap(rules).build('live', {})
    assert.equal(built.rule.websocket, true)
  })

  it('lets a converter refuse a value', () => {
    const map = makeMap([['/a/<any(x, y):v>', { endpoint: 'a' }]])
    assert.throws(() => map.build('a', { v: 'z' }), /"z" is not one of "x", "y"/)
  })
})

describe('building a URL with host matching', () => {
  const hosts: Spec[] = [
    ['/', { endpoint: 'home', host: 'a.com' }],
    ['/', { endpoint: 'home', host: 'b.com' }],
    ['/t', { endpoint: 'tenant', host: '<sub>.example.com' }],
  ]

  it('gives the host of the rule', () => {
    const built = makeMap(hosts, { hostMatching: true }).build('tenant', { sub: 'acme' })
    assert.deepEqual([built.host, built.path], ['acme.example.com', '/t'])
  })

  it('prefers the rule for the current host', () => {
    const built = makeMap(hosts, { hostMatching: true }).build('home', {}, { host: 'b.com' })
    assert.equal(built.host, 'b.com')
  })

  it('falls back to the first rule for another host', () => {
    const built = makeMap(hosts, { hostMatching: true }).build('home', {}, { host: 'c.com' })
    assert.equal(built.host, 'a.com')
  })
})

describe('a URL that cannot be built', () => {
  function failure(
    endpoint: string,
    values: Record<string, unknown>,
    options: BuildOptions = {},
  ): BuildError {
    try {
      makeMap([...rules, ['/users/<int:id>', { endpoint: 'user.show' }]]).build(endpoint, values, options)
    } catch (error) {
      if (error instanceof BuildError) return error
      throw error
    }
    throw new Error(`building ${endpoint} did not fail`)
  }

  it('suggests the closest endpoint for an unknown one', () => {
    const error = failure('user.sho', {})
    assert.equal(error.suggestion, 'user.show')
    assert.equal(
      error.message,
      'urlFor("user.sho"): there is no endpoint of that name. Did you mean "user.show"?',
    )
  })

  it('suggests nothing when no endpoint is close', () => {
    const error = failure('zzzzzzzz', {})
    assert.equal(error.suggestion, undefined)
    assert.match(error.message, /Check the name, or register a route for it/)
  })

  it('names the missing parameter', () => {
    const error = failure('user.show', { tab: 'x' })
    assert.deepEqual(error.missing, ['id'])
    assert.deepEqual(error.values, { tab: 'x' })
    assert.equal(
      error.message,
      'urlFor("user.show"): the rule "/users/<int:id>" needs a value for "id"; pass it in the values.',
    )
  })

  it('names the methods the endpoint accepts', () => {
    const error = failure('urls', { n: 1 }, { method: 'DELETE' })
    assert.equal(error.method, 'DELETE')
    assert.match(
      error.message,
      /no rule for this endpoint accepts DELETE; its rules accept GET, HEAD, OPTIONS/,
    )
  })

  it('says which default a value contradicts', () => {
    const map = makeMap([['/only', { endpoint: 'only', defaults: { page: 0 } }]])
    assert.throws(() => map.build('only', { page: 3 }), /fixes page=0, and the values differ/)
  })
})
