import { describe, expect, it } from 'vitest'
import { compactJson, compareCodePoints } from '../../src/index.js'

describe('compactJson writes as Python json.dumps(separators=(",", ":"))', () => {
  const rows: Array<[name: string, value: unknown, text: string]> = [
    ['compact separators', { a: [1, 2], b: { c: null } }, '{"a":[1,2],"b":{"c":null}}'],
    ['keys in insertion order', { z: 1, a: 2 }, '{"z":1,"a":2}'],
    ['non-ASCII as lowercase \\u escapes', 'Zoë', '"Zo\\u00eb"'],
    ['characters beyond the BMP as a surrogate pair', '😀', '"\\ud83d\\ude00"'],
    ['the short escapes', '"\\\b\f\n\r\t', '"\\"\\\\\\b\\f\\n\\r\\t"'],
    ['other control characters and DEL as \\u00XX', '\u0001\u001f\u007f', '"\\u0001\\u001f\\u007f"'],
    ['a slash unescaped', '</script>', '"</script>"'],
    ['numbers as JavaScript writes them', [1, 2.5, -0, 1e21, 1e-7], '[1,2.5,0,1e+21,1e-7]'],
    ['non-finite numbers as null', [Number.NaN, Number.POSITIVE_INFINITY], '[null,null]'],
    ['undefined left out of objects and null in arrays', { a: undefined, b: [undefined] }, '{"b":[null]}'],
    ['toJSON() called', { d: new Date(0) }, '{"d":"1970-01-01T00:00:00.000Z"}'],
    [
      'a Map with string keys as an object, in its order',
      new Map([
        ['2', 1],
        ['1', 2],
      ]),
      '{"2":1,"1":2}',
    ],
    ['a "__proto__" key as data', JSON.parse('{"__proto__":1}'), '{"__proto__":1}'],
  ]
  for (const [name, value, text] of rows) {
    it(name, () => {
      expect(compactJson(value)).toBe(text)
    })
  }

  it('sorts keys by code point at every depth when asked (Flask)', () => {
    expect(compactJson({ b: 1, a: { d: 1, c: 2 } }, { sortKeys: true })).toBe('{"a":{"c":2,"d":1},"b":1}')
  })

  it('sorts by code point, not UTF-16 unit', () => {
    expect(['\uffff', '😀'].sort(compareCodePoints)).toEqual(['\uffff', '😀'])
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0)
    expect(compareCodePoints('b', 'b')).toBe(0)
  })

  const bad: Array<[name: string, value: unknown]> = [
    ['a bigint', 1n],
    ['a Set', new Set([1])],
    ['a Map with a number key', new Map([[1, 1]])],
    ['undefined at the top', undefined],
    [
      'a circular structure',
      (() => {
        const a: Record<string, unknown> = {}
        a.self = a
        return a
      })(),
    ],
  ]
  for (const [name, value] of bad) {
    it(`refuses ${name} with a TypeError`, () => {
      expect(() => compactJson(value)).toThrow(TypeError)
    })
  }

  it('writes a repeated (not circular) object twice', () => {
    const shared = { x: 1 }
    expect(compactJson([shared, shared])).toBe('[{"x":1},{"x":1}]')
  })
})
