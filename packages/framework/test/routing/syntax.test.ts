import { assert, describe, it } from 'vitest'
import { parseConverterArgs, parseRule } from '../../src/routing/index.js'

describe('reading a rule', () => {
  it('splits slashes, text and variables', () => {
    assert.deepEqual(parseRule('/u/<int(min=1):id>.json'), [
      { kind: 'slash' },
      { kind: 'static', text: 'u' },
      { kind: 'slash' },
      { kind: 'variable', name: 'id', converter: 'int', args: 'min=1' },
      { kind: 'static', text: '.json' },
    ])
  })

  it('gives a bare variable the default converter', () => {
    assert.deepEqual(parseRule('<name>'), [
      { kind: 'variable', name: 'name', converter: 'default', args: '' },
    ])
  })

  const malformed: Array<[name: string, rule: string, message: RegExp]> = [
    ['an unclosed variable', '/u/<id', /malformed at "<id"/],
    ['a variable name starting with a digit', '/u/<1d>', /malformed/],
    ['an empty variable', '/u/<>', /malformed/],
    ['the same name twice', '/<a>/<a>', /uses the variable name "a" twice/],
  ]
  for (const [name, rule, message] of malformed) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseRule(rule), message)
    })
  }
})

describe("reading a converter's arguments", () => {
  const cases: Array<
    [text: string, positional: Array<string | number | boolean | null>, keyword: Record<string, unknown>]
  > = [
    ['', [], {}],
    ['2', [2], {}],
    ['length=2', [], { length: 2 }],
    ['signed=True, min=0', [], { signed: true, min: 0 }],
    ['max=None', [], { max: null }],
    ['min=1.5', [], { min: 1.5 }],
    ['a, b, "c,d"', ['a', 'b', 'c,d'], {}],
    ['\'x y\', u"z"', ['x y', 'z'], {}],
  ]
  for (const [text, positional, keyword] of cases) {
    it(`reads ${JSON.stringify(text)}`, () => {
      const args = parseConverterArgs(text)
      assert.deepEqual(args.positional, positional)
      assert.deepEqual(Object.fromEntries(args.keyword), keyword)
    })
  }

  it('refuses what it cannot read', () => {
    assert.throws(() => parseConverterArgs('a b'), /Cannot read the converter argument/)
  })
})
