import { assert, describe, it } from 'vitest'
import { Rule, UrlMap } from '../../src/routing/index.js'

describe('the methods of a rule', () => {
  const cases: Array<
    [name: string, options: Partial<ConstructorParameters<typeof Rule>[1]>, methods: string[]]
  > = [
    ['default to GET, with HEAD and automatic OPTIONS', {}, ['GET', 'HEAD', 'OPTIONS']],
    ['are upper-cased', { methods: ['post'] }, ['OPTIONS', 'POST']],
    ['gain HEAD only when GET is listed', { methods: ['GET', 'POST'] }, ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ['lose OPTIONS when automatic options are off', { provideAutomaticOptions: false }, ['GET', 'HEAD']],
    ['keep an explicit OPTIONS', { methods: ['OPTIONS'] }, ['OPTIONS']],
    ['of a websocket rule have no automatic OPTIONS', { websocket: true }, ['GET', 'HEAD']],
  ]
  for (const [name, options, methods] of cases) {
    it(name, () => {
      const rule = new Rule('/x', { endpoint: 'x', ...options })
      assert.deepEqual([...rule.methods].sort(), methods)
    })
  }

  it('turn automatic options off when the rule lists OPTIONS itself', () => {
    assert.equal(
      new Rule('/x', { endpoint: 'x', methods: ['GET', 'OPTIONS'] }).provideAutomaticOptions,
      false,
    )
  })
})

describe('a rule', () => {
  it('knows its arguments: variables and defaults', () => {
    const rule = new Rule('/u/<int:id>', { endpoint: 'u', defaults: { tab: 'main' } })
    assert.deepEqual([...rule.arguments].sort(), ['id', 'tab'])
  })

  it('takes strict and merge slashes from its map when it has none', () => {
    const rule = new Rule('/x/', { endpoint: 'x' })
    new UrlMap({ strictSlashes: false, mergeSlashes: false }).add(rule)
    assert.equal(rule.strictSlashes, false)
    assert.equal(rule.mergeSlashes, false)
  })

  it('keeps its own strict slashes over the map', () => {
    const rule = new Rule('/x/', { endpoint: 'x', strictSlashes: true })
    new UrlMap({ strictSlashes: false }).add(rule)
    assert.equal(rule.strictSlashes, true)
  })

  const invalid: Array<[name: string, make: () => unknown, message: RegExp]> = [
    [
      'not starting with a slash',
      () => new Rule('users', { endpoint: 'u' }),
      /must start with a slash: write "\/users"/,
    ],
    [
      'with methods as a string',
      () => new Rule('/x', { endpoint: 'x', methods: 'GET' as never }),
      /list of strings/,
    ],
    [
      'a websocket rule with POST',
      () => new Rule('/ws', { endpoint: 'ws', websocket: true, methods: ['POST'] }),
      /websocket rules accept only GET, HEAD and OPTIONS/,
    ],
    [
      'the same name in host and path',
      () => new Rule('/<sub>', { endpoint: 'x', host: '<sub>.example.com' }),
      /"sub" in both its host and its path/,
    ],
  ]
  for (const [name, make, message] of invalid) {
    it(`is refused ${name}`, () => {
      assert.throws(make, message)
    })
  }
})

describe('adding a rule to a map', () => {
  const invalid: Array<[name: string, path: string, message: RegExp]> = [
    [
      'an unknown converter',
      '/x/<money:v>',
      /converter "money", which is not registered .*map\.converters\.set\('money'/,
    ],
    [
      'an unknown converter argument',
      '/x/<int(base=2):v>',
      /no argument "base" \(keyword arguments: fixedDigits, min, max, signed\)/,
    ],
    ['a wrongly typed argument', '/x/<int(signed=1):v>', /signed must be True or False/],
    ['two adjacent variables', '/x/<a><b>', /Put some text between two variables/],
    ['any without items', '/x/<any:v>', /any\(\) needs at least one item/],
  ]
  for (const [name, path, message] of invalid) {
    it(`fails at registration for ${name}`, () => {
      assert.throws(() => new UrlMap().add(new Rule(path, { endpoint: 'x' })), message)
    })
  }

  it('fails for a rule already in another map', () => {
    const rule = new Rule('/x', { endpoint: 'x' })
    new UrlMap().add(rule)
    assert.throws(() => new UrlMap().add(rule), /already in a map; create a new Rule/)
  })

  it('lists rules in order and endpoints once', () => {
    const map = new UrlMap()
    map.add(new Rule('/a', { endpoint: 'a' }))
    map.add(new Rule('/b', { endpoint: 'b' }))
    map.add(new Rule('/a/<int:n>', { endpoint: 'a' }))
    assert.deepEqual(
      [...map.iterRules()].map((rule) => rule.path),
      ['/a', '/b', '/a/<int:n>'],
    )
    assert.deepEqual([...map.endpoints()], ['a', 'b'])
  })
})
