import { assert, describe, it } from 'vitest'
import {
  AnyConverter,
  BaseConverter,
  FloatConverter,
  IntConverter,
  Rule,
  UrlMap,
  UuidConverter,
  ValidationError,
} from '../../src/routing/index.js'

/** Matches one path against a map holding one rule; returns the params, or the outcome's kind. */
function matchOne(rule: string, path: string): Record<string, unknown> | string {
  const map = new UrlMap()
  map.add(new Rule(rule, { endpoint: 'view' }))
  const outcome = map.match(path, { method: 'GET' })
  return outcome.kind === 'match' ? outcome.params : outcome.kind
}

const UUID = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'

const cases: Array<[name: string, rule: string, path: string, expected: Record<string, unknown> | string]> = [
  ['a bare variable is a string', '/s/<v>', '/s/hello', { v: 'hello' }],
  ['a bare variable is one segment only', '/s/<v>', '/s/a/b', 'notFound'],
  ['string(length=2) takes exactly two characters', '/s/<string(length=2):v>', '/s/ab', { v: 'ab' }],
  ['string(length=2) refuses three', '/s/<string(length=2):v>', '/s/abc', 'notFound'],
  ['string(minlength=3) refuses two', '/s/<string(minlength=3):v>', '/s/ab', 'notFound'],
  ['string(maxlength=2) refuses three', '/s/<string(maxlength=2):v>', '/s/abc', 'notFound'],
  ['string length counts code points', '/s/<string(length=2):v>', '/s/😀é', { v: '😀é' }],
  ['int gives a number', '/int/<int:v>', '/int/42', { v: 42 }],
  ['int drops leading zeros', '/int/<int:v>', '/int/007', { v: 7 }],
  ['int refuses a minus sign unless signed', '/int/<int:v>', '/int/-1', 'notFound'],
  ['int(signed=True) takes a minus sign', '/int/<int(signed=True):v>', '/int/-1', { v: -1 }],
  ['int refuses letters', '/int/<int:v>', '/int/4a', 'notFound'],
  ['int refuses a decimal', '/int/<int:v>', '/int/4.5', 'notFound'],
  ['int(min=5) refuses 4', '/int/<int(min=5):v>', '/int/4', 'notFound'],
  ['int(max=5) takes 5', '/int/<int(max=5):v>', '/int/5', { v: 5 }],
  ['int(max=5) refuses 6', '/int/<int(max=5):v>', '/int/6', 'notFound'],
  ['int(fixed_digits=3) takes 007', '/int/<int(fixed_digits=3):v>', '/int/007', { v: 7 }],
  ['int(fixedDigits=3) refuses 7', '/int/<int(fixedDigits=3):v>', '/int/7', 'notFound'],
  ['int(signed=True, min=0) refuses -1', '/int/<int(signed=True, min=0):v>', '/int/-1', 'notFound'],
  ['int refuses a number beyond 2^53', '/int/<int:v>', '/int/99999999999999999999', 'notFound'],
  ['float gives a number', '/f/<float:v>', '/f/1.5', { v: 1.5 }],
  ['float refuses an integer', '/f/<float:v>', '/f/1', 'notFound'],
  ['float refuses a minus sign unless signed', '/f/<float:v>', '/f/-1.5', 'notFound'],
  ['float(signed=True) takes a minus sign', '/f/<float(signed=True):v>', '/f/-1.5', { v: -1.5 }],
  ['float(max=1.0) refuses 1.5', '/f/<float(max=1.0):v>', '/f/1.5', 'notFound'],
  ['path takes slashes', '/p/<path:v>', '/p/a/b/c', { v: 'a/b/c' }],
  ['path keeps a trailing slash', '/p/<path:v>', '/p/a/b/', { v: 'a/b/' }],
  ['path followed by text', '/p/<path:v>/edit', '/p/a/b/edit', { v: 'a/b' }],
  ['path needs at least one character', '/p/<path:v>', '/p/', 'notFound'],
  ['any takes a listed item', '/a/<any(about, help):v>', '/a/help', { v: 'help' }],
  ['any takes a quoted item with a comma', '/a/<any(about, "c,d"):v>', '/a/c,d', { v: 'c,d' }],
  ['any refuses other words', '/a/<any(about, help):v>', '/a/other', 'notFound'],
  ['uuid gives the lowercase string', '/u/<uuid:v>', `/u/${UUID}`, { v: UUID.toLowerCase() }],
  ['uuid refuses a short id', '/u/<uuid:v>', '/u/a0eebc99-9c0b-4ef8-bb6d', 'notFound'],
  ['two converters in one segment', '/v/<int:a>-<int:b>', '/v/3-4', { a: 3, b: 4 }],
  ['a converter with a suffix', '/v/<name>.json', '/v/report.json', { name: 'report' }],
]

describe('a rule with a converter', () => {
  for (const [name, rule, path, expected] of cases) {
    it(name, () => {
      assert.deepEqual(matchOne(rule, path), expected)
    })
  }
})

const toUrl: Array<
  [name: string, make: () => { toUrl(value: unknown): string }, value: unknown, url: string]
> = [
  ['int pads to fixed digits', () => new IntConverter(3), 7, '007'],
  ['int pads after the sign', () => new IntConverter(3), -7, '-07'],
  ['int accepts a numeric string', () => new IntConverter(), '12', '12'],
  ['float keeps a dot for whole numbers', () => new FloatConverter(), 1, '1.0'],
  ['float never uses exponents', () => new FloatConverter(), 1e21, '1000000000000000000000.0'],
  ['uuid is lowercase', () => new UuidConverter(), UUID, UUID.toLowerCase()],
  ['any gives a listed item', () => new AnyConverter('a', 'b'), 'b', 'b'],
]

describe('a converter building a URL', () => {
  for (const [name, make, value, url] of toUrl) {
    it(name, () => {
      assert.equal(make().toUrl(value), url)
    })
  }

  it('any refuses an unlisted item, naming the items', () => {
    assert.throws(() => new AnyConverter('a', 'b').toUrl('c'), /"c" is not one of "a", "b"/)
  })

  it('int refuses what is not a number', () => {
    assert.throws(() => new IntConverter().toUrl('abc'), TypeError)
  })
})

describe('a custom converter', () => {
  class ListConverter extends BaseConverter {
    override toValue(raw: string): string[] {
      return raw.split(',')
    }
    override toUrl(value: unknown): string {
      return (value as string[]).join(',')
    }
  }

  class EvenConverter extends BaseConverter {
    static readonly argumentNames = ['offset']
    readonly #offset: number
    constructor(offset: string | number | boolean | null = 0) {
      super()
      this.#offset = Number(offset)
    }
    override toValue(raw: string): number {
      const value = Number(raw) + this.#offset
      if (!Number.isInteger(value) || value % 2 !== 0) throw new ValidationError()
      return value
    }
  }

  it('converts the matched value', () => {
    const map = new UrlMap()
    map.converters.set('list', ListConverter)
    map.add(new Rule('/tags/<list:tags>', { endpoint: 'tags' }))
    const outcome = map.match('/tags/a,b', { method: 'GET' })
    assert.deepEqual(outcome.kind === 'match' && outcome.params, { tags: ['a', 'b'] })
  })

  it('builds with its toUrl, percent-encoded by the map', () => {
    const map = new UrlMap()
    map.converters.set('list', ListConverter)
    map.add(new Rule('/tags/<list:tags>', { endpoint: 'tags' }))
    assert.equal(map.build('tags', { tags: ['a b', 'c'] }).path, '/tags/a%20b,c')
  })

  it('says no match with ValidationError, so the next rule is tried', () => {
    const map = new UrlMap()
    map.converters.set('even', EvenConverter)
    map.add(new Rule('/n/<even:n>', { endpoint: 'even' }))
    map.add(new Rule('/n/<int:n>', { endpoint: 'odd' }))
    const outcome = map.match('/n/3', { method: 'GET' })
    assert.equal(outcome.kind === 'match' && outcome.rule.endpoint, 'odd')
  })

  it('receives keyword arguments by its argumentNames', () => {
    const map = new UrlMap()
    map.converters.set('even', EvenConverter)
    map.add(new Rule('/n/<even(offset=1):n>', { endpoint: 'even' }))
    const outcome = map.match('/n/3', { method: 'GET' })
    assert.deepEqual(outcome.kind === 'match' && outcome.params, { n: 4 })
  })

  it('can replace a default converter', () => {
    const map = new UrlMap()
    map.converters.set('default', ListConverter)
    map.add(new Rule('/x/<v>', { endpoint: 'x' }))
    const outcome = map.match('/x/a,b', { method: 'GET' })
    assert.deepEqual(outcome.kind === 'match' && outcome.params, { v: ['a', 'b'] })
  })
})
