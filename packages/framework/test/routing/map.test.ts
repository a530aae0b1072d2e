import { assert, describe, it } from 'vitest'
import {
  type MatchOptions,
  type MatchOutcome,
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

/** The outcome in a comparable shape: the endpoint and params of a match, or the outcome itself. */
function summary(outcome: MatchOutcome): unknown {
  if (outcome.kind !== 'match') return outcome
  return { endpoint: outcome.rule.endpoint, params: outcome.params }
}

type Case = [name: string, path: string, options: Partial<MatchOptions>, expected: unknown]

function table(rules: Spec[], cases: Case[], mapOptions?: UrlMapOptions): void {
  for (const [name, path, options, expected] of cases) {
    it(name, () => {
      const outcome = makeMap(rules, mapOptions).match(path, { method: 'GET', ...options })
      assert.deepEqual(summary(outcome), expected)
    })
  }
}

const match = (endpoint: string, params: Record<string, unknown> = {}) => ({ endpoint, params })
const redirect = (path: string) => ({ kind: 'redirect', path })
const notFound = { kind: 'notFound' }

describe('rules that could both match (Werkzeug order, whatever the registration order)', () => {
  table(
    [
      ['/users/<id>', { endpoint: 'user' }],
      ['/users/new', { endpoint: 'newUser' }],
      ['/n/<name>', { endpoint: 'name' }],
      ['/n/<int:id>', { endpoint: 'id' }],
      ['/p/<path:rest>', { endpoint: 'rest' }],
      ['/p/<a>/<b>', { endpoint: 'pair' }],
      ['/s/<slug>', { endpoint: 'slug' }],
      ['/s/page-<int:n>', { endpoint: 'page' }],
      ['/f/<path:p>', { endpoint: 'file' }],
      ['/f/<path:p>/edit', { endpoint: 'edit' }],
      ['/a/b/c', { endpoint: 'abc' }],
      ['/<x>/b/d', { endpoint: 'xbd' }],
    ],
    [
      ['a static segment beats a converter', '/users/new', {}, match('newUser')],
      ['the converter takes the rest', '/users/ann', {}, match('user', { id: 'ann' })],
      ['int (weight 50) is tried before string', '/n/5', {}, match('id', { id: 5 })],
      ['string takes what int refuses', '/n/five', {}, match('name', { name: 'five' })],
      ['path is tried after segment converters', '/p/x/y', {}, match('pair', { a: 'x', b: 'y' })],
      ['path takes what they cannot', '/p/x/y/z', {}, match('rest', { rest: 'x/y/z' })],
      ['a segment with more text is tried first', '/s/page-3', {}, match('page', { n: 3 })],
      ['the plainer segment takes the rest', '/s/page-x', {}, match('slug', { slug: 'page-x' })],
      ['a path rule with more text is tried first', '/f/a/b/edit', {}, match('edit', { p: 'a/b' })],
      ['a failed static branch backtracks to a converter', '/a/b/d', {}, match('xbd', { x: 'a' })],
    ],
  )
})

describe('a request whose method a rule lacks', () => {
  const rules: Spec[] = [
    ['/x', { endpoint: 'read' }],
    ['/x', { endpoint: 'write', methods: ['POST'] }],
    ['/only-post', { endpoint: 'onlyPost', methods: ['POST'], provideAutomaticOptions: false }],
    ['/own-options', { endpoint: 'own', methods: ['GET', 'OPTIONS'] }],
  ]
  table(rules, [
    ['GET goes to the GET rule', '/x', {}, match('read')],
    ['POST goes to the POST rule', '/x', { method: 'POST' }, match('write')],
    ['HEAD goes to the GET rule', '/x', { method: 'HEAD' }, match('read')],
    ['the method is case-insensitive', '/x', { method: 'post' }, match('write')],
    [
      'another method is 405 with every method of the path',
      '/x',
      { method: 'PUT' },
      { kind: 'methodNotAllowed', allowedMethods: ['GET', 'HEAD', 'OPTIONS', 'POST'] },
    ],
    [
      'OPTIONS without automatic options is 405',
      '/only-post',
      { method: 'OPTIONS' },
      { kind: 'methodNotAllowed', allowedMethods: ['POST'] },
    ],
  ])

  it('answers OPTIONS automatically with the methods of every rule for the path', () => {
    const outcome = makeMap(rules).match('/x', { method: 'OPTIONS' })
    assert.equal(outcome.kind, 'match')
    assert.equal(outcome.kind === 'match' && outcome.automaticOptions, true)
    assert.deepEqual(outcome.kind === 'match' && outcome.allowedMethods, ['GET', 'HEAD', 'OPTIONS', 'POST'])
  })

  it('leaves OPTIONS to a rule that lists it', () => {
    const outcome = makeMap(rules).match('/own-options', { method: 'OPTIONS' })
    assert.equal(outcome.kind === 'match' && outcome.automaticOptions, false)
  })

  it('gives a normal match its own rule methods', () => {
    const outcome = makeMap(rules).match('/x', { method: 'POST' })
    assert.deepEqual(outcome.kind === 'match' && outcome.allowedMethods, ['OPTIONS', 'POST'])
  })

  it('lists the allowed methods of a path', () => {
    assert.deepEqual(makeMap(rules).allowedMethods('/x'), ['GET', 'HEAD', 'OPTIONS', 'POST'])
    assert.deepEqual(makeMap(rules).allowedMethods('/nothing'), [])
  })
})

describe('trailing slashes', () => {
  table(
    [
      ['/slash/', { endpoint: 'slash' }],
      ['/a/b', { endpoint: 'leaf' }],
      ['/nostrict', { endpoint: 'nostrict', strictSlashes: false }],
      ['/lax/', { endpoint: 'lax', strictSlashes: false }],
      ['/café/', { endpoint: 'cafe' }],
      ['/u/<name>/', { endpoint: 'user' }],
      ['/files/<path:p>/', { endpoint: 'files' }],
      ['/post-only/', { endpoint: 'postOnly', methods: ['POST'] }],
      ['/foo/', { endpoint: 'foo' }],
      ['/<name>', { endpoint: 'any' }],
    ],
    [
      ['a rule ending in / redirects the path without it', '/slash', {}, redirect('/slash/')],
      ['a rule ending in / matches the path with it', '/slash/', {}, match('slash')],
      ['a rule without / does not match the path with one', '/a/b/', {}, notFound],
      ['strictSlashes false matches without the slash', '/nostrict', {}, match('nostrict')],
      ['strictSlashes false matches with the slash', '/nostrict/', {}, match('nostrict')],
      ['strictSlashes false on a rule ending in / matches without it', '/lax', {}, match('lax')],
      ['the redirect is percent-encoded', '/café', {}, redirect('/caf%C3%A9/')],
      ['a dynamic rule ending in / redirects too', '/u/ann', {}, redirect('/u/ann/')],
      ['a path rule ending in / redirects', '/files/a/b', {}, redirect('/files/a/b/')],
      ['a path rule ending in / matches with it', '/files/a/b/', {}, match('files', { p: 'a/b' })],
      ['no redirect for a method the rule lacks', '/post-only', {}, match('any', { name: 'post-only' })],
      ['a redirect for a method the rule has', '/post-only', { method: 'POST' }, redirect('/post-only/')],
      ['the redirect wins over a converter that would match', '/foo', {}, redirect('/foo/')],
    ],
  )

  describe('on a map with strictSlashes false', () => {
    table(
      [['/slash/', { endpoint: 'slash' }]],
      [
        ['the path without / matches', '/slash', {}, match('slash')],
        ['the path with / matches', '/slash/', {}, match('slash')],
      ],
      { strictSlashes: false },
    )
  })
})

describe('duplicate slashes', () => {
  const rules: Spec[] = [
    ['/a/b', { endpoint: 'ab' }],
    ['/slash/', { endpoint: 'slash' }],
    ['/raw/x', { endpoint: 'raw', mergeSlashes: false }],
    ['/files/<path:p>', { endpoint: 'files' }],
    ['/users/<int:id>', { endpoint: 'user' }],
  ]
  table(rules, [
    ['inside the path redirect to the merged path', '//a//b', {}, redirect('/a/b')],
    ['at the start collapse silently', '//slash/', {}, match('slash')],
    ['at the end redirect to one', '/slash//', {}, redirect('/slash/')],
    ['around a converter redirect', '/users//7', {}, redirect('/users/7')],
    ['inside a path value are kept', '/files/a//b', {}, match('files', { p: 'a//b' })],
    ['on a rule that does not merge give 404', '/raw//x', {}, notFound],
  ])

  it('redirect to the merged path plus a slash when the rule ends in /', () => {
    const map = makeMap([['/x/y/', { endpoint: 'xy' }]])
    assert.deepEqual(summary(map.match('/x//y', { method: 'GET' })), redirect('/x/y/'))
  })

  describe('on a map with mergeSlashes false', () => {
    table(rules, [['inside the path give 404', '/a//b', {}, notFound]], { mergeSlashes: false })
  })
})

describe('a rule with defaults', () => {
  const rules: Spec[] = [
    ['/book', { endpoint: 'book', defaults: { page: 0 } }],
    ['/book/<int:page>', { endpoint: 'book' }],
    ['/fixed/<int:n>', { endpoint: 'fixed', defaults: { extra: 'x' } }],
  ]
  table(rules, [
    ['gives the default to the view', '/book', {}, match('book', { page: 0 })],
    ['redirects a URL that spells out the default', '/book/0', {}, redirect('/book')],
    ['matches other values', '/book/2', {}, match('book', { page: 2 })],
    ['adds defaults to the converted values', '/fixed/3', {}, match('fixed', { n: 3, extra: 'x' })],
  ])

  describe('on a map with redirectDefaults false', () => {
    table(rules, [['matches the spelled-out default', '/book/0', {}, match('book', { page: 0 })]], {
      redirectDefaults: false,
    })
  })
})

describe('websocket and HTTP rules', () => {
  table(
    [
      ['/ws', { endpoint: 'ws', websocket: true }],
      ['/http', { endpoint: 'http' }],
      ['/both', { endpoint: 'bothHttp' }],
      ['/both', { endpoint: 'bothWs', websocket: true }],
    ],
    [
      ['an HTTP request to a websocket rule is a mismatch', '/ws', {}, { kind: 'websocketMismatch' }],
      [
        'a websocket to an HTTP rule is a mismatch',
        '/http',
        { websocket: true },
        { kind: 'websocketMismatch' },
      ],
      ['a websocket matches a websocket rule', '/ws', { websocket: true }, match('ws')],
      ['HTTP takes the HTTP rule of a shared path', '/both', {}, match('bothHttp')],
      [
        'a websocket takes the websocket rule of a shared path',
        '/both',
        { websocket: true },
        match('bothWs'),
      ],
      [
        'an HTTP method a websocket rule lacks is 405 (Werkzeug checks methods first)',
        '/ws',
        { method: 'POST' },
        { kind: 'methodNotAllowed', allowedMethods: ['GET', 'HEAD'] },
      ],
      ['an unknown path is 404', '/nope', { websocket: true }, notFound],
    ],
  )
})

describe('host matching', () => {
  const rules: Spec[] = [
    ['/', { endpoint: 'main', host: 'quart.com' }],
    ['/', { endpoint: 'tenant', host: '<sub>.example.com' }],
    ['/x', { endpoint: 'hostless' }],
  ]
  table(
    rules,
    [
      ['a request for the rule host matches', '/', { host: 'quart.com' }, match('main')],
      ['the host is case-insensitive', '/', { host: 'Quart.COM' }, match('main')],
      ['another host is 404', '/', { host: 'other.com' }, notFound],
      [
        'a converter in the host gives a param',
        '/',
        { host: 'acme.example.com' },
        match('tenant', { sub: 'acme' }),
      ],
      ['a rule without host never matches (as in Werkzeug)', '/x', { host: 'quart.com' }, notFound],
    ],
    { hostMatching: true },
  )

  describe('when the map does not match hosts', () => {
    table(rules, [['the host is ignored', '/x', { host: 'anything.org' }, match('hostless')]])
  })
})

describe('request paths', () => {
  table(
    [
      ['/a/b', { endpoint: 'ab' }],
      ['/Case', { endpoint: 'case' }],
      ['/', { endpoint: 'root' }],
    ],
    [
      ['are already decoded: an encoded slash is a slash', '/a/b', {}, match('ab')],
      ['are case-sensitive', '/case', {}, notFound],
      ['"/" matches the root rule', '/', {}, match('root')],
      ['an empty path redirects to the root', '', {}, redirect('/')],
    ],
  )
})
