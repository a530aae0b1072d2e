import { describe, expect, it } from 'vitest'
import {
  DefaultJSONProvider,
  type DumpsOptions,
  defaultJSONProvider,
  jsonify,
  jsonResponse,
} from '../src/json.js'

describe('defaultJSONProvider.dumps()', () => {
  const markup = { __html__: () => '<b>x</b>' }
  // [name, value, options, expected] — the expected strings are what Flask 3.1.3's provider writes.
  const rows: Array<[name: string, value: unknown, options: DumpsOptions, json: string]> = [
    [
      'sorts keys and escapes non-ASCII, with Python spacing',
      { b: 1, a: [1, 2], é: 'ü' },
      {},
      '{"a": [1, 2], "b": 1, "\\u00e9": "\\u00fc"}',
    ],
    [
      'sorts numeric-looking keys as strings',
      { 10: 1, 2: 2, B: 3, a: 4 },
      {},
      '{"10": 1, "2": 2, "B": 3, "a": 4}',
    ],
    ['writes compactly', { b: 1, a: [1, 2] }, { compact: true }, '{"a":[1,2],"b":1}'],
    [
      'indents nested values as Python does',
      { b: { d: 1, c: [1, { z: 0, y: null }] }, a: [] },
      { indent: 2 },
      '{\n  "a": [],\n  "b": {\n    "c": [\n      1,\n      {\n        "y": null,\n        "z": 0\n      }\n    ],\n    "d": 1\n  }\n}',
    ],
    [
      'escapes DEL, separators, astral characters and controls',
      'a\u007f\u2028😀\n"\\',
      {},
      '"a\\u007f\\u2028\\ud83d\\ude00\\n\\"\\\\"',
    ],
    ['keeps insertion order when asked', { b: 1, a: 2 }, { sortKeys: false }, '{"b": 1, "a": 2}'],
    ['keeps non-ASCII when asked', { é: 'ü' }, { asciiOnly: false }, '{"é": "ü"}'],
    [
      'writes a Date as an HTTP date',
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      {},
      '"Tue, 02 Jan 2024 03:04:05 GMT"',
    ],
    ['writes an invalid Date as null', new Date(Number.NaN), {}, 'null'],
    ['writes a bigint as a string', 12345678901234567890n, {}, '"12345678901234567890"'],
    ['writes markup as its HTML', markup, {}, '"<b>x</b>"'],
    ['honours toJSON', { toJSON: () => ({ z: 1, y: 2 }) }, {}, '{"y": 2, "z": 1}'],
    ['writes a URL as its href', new URL('http://x.test/a'), {}, '"http://x.test/a"'],
    [
      'writes a Map as an object',
      new Map<unknown, unknown>([
        ['b', 1],
        [2, 'two'],
      ]),
      {},
      '{"2": "two", "b": 1}',
    ],
    ['writes a Set as a list', new Set([3, 1]), {}, '[3, 1]'],
    ['unboxes boxed primitives', [new String('s'), new Number(1), new Boolean(false)], {}, '["s", 1, false]'],
    ['drops undefined and functions from objects', { a: undefined, b: () => 1, c: 1 }, {}, '{"c": 1}'],
    ['writes undefined in a list as null', [undefined, () => 1], {}, '[null, null]'],
    ['writes NaN and Infinity as null', [Number.NaN, Number.POSITIVE_INFINITY], {}, '[null, null]'],
    ['writes undefined at the top as null', undefined, {}, 'null'],
    [
      'writes empty containers with an indent as Python does',
      { a: {}, b: [] },
      { indent: 2 },
      '{\n  "a": {},\n  "b": []\n}',
    ],
  ]
  for (const [name, value, options, json] of rows) {
    it(name, () => {
      expect(defaultJSONProvider.dumps(value, options)).toBe(json)
    })
  }

  it('refuses a circular structure with a TypeError', () => {
    const loop: Record<string, unknown> = {}
    loop.self = loop
    expect(() => defaultJSONProvider.dumps(loop)).toThrow(TypeError)
  })

  it('writes an object that appears twice, not in a cycle', () => {
    const shared = { a: 1 }
    expect(defaultJSONProvider.dumps([shared, shared], { compact: true })).toBe('[{"a":1},{"a":1}]')
  })

  it('takes its defaults from the provider', () => {
    const provider = new DefaultJSONProvider({ sortKeys: false, asciiOnly: false })
    expect(provider.dumps({ b: 'é', a: 1 })).toBe('{"b": "é", "a": 1}')
  })
})

describe('defaultJSONProvider.loads()', () => {
  it('parses JSON', () => {
    expect(defaultJSONProvider.loads('{"a": [1, "\\u00e9"]}')).toEqual({ a: [1, 'é'] })
  })

  it('throws a SyntaxError for text that is not JSON', () => {
    expect(() => defaultJSONProvider.loads('{')).toThrow(SyntaxError)
  })
})

describe('jsonify()', () => {
  // [name, arguments, expected body] — as Quart's app.json.response writes them.
  const rows: Array<[name: string, args: unknown[], body: string]> = [
    ['no argument is null', [], 'null\n'],
    ['one argument is itself', [{ a: [1, 2], b: 1, é: 'ü' }], '{"a":[1,2],"b":1,"\\u00e9":"\\u00fc"}\n'],
    ['several arguments are a list', [1, 2], '[1,2]\n'],
    ['a list that looks like a tuple stays a list', [['made', 201]], '["made",201]\n'],
  ]
  for (const [name, args, body] of rows) {
    it(name, async () => {
      const response = jsonify(...args)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(await response.text()).toBe(body)
    })
  }
})

describe('jsonResponse()', () => {
  it('indents by 2 in debug mode, as Quart', async () => {
    const response = jsonResponse({ b: {}, a: [1, 2] }, { debug: true })
    expect(await response.text()).toBe('{\n  "a": [\n    1,\n    2\n  ],\n  "b": {}\n}\n')
  })

  it('follows the sortKeys, asciiOnly and mimetype it is given', async () => {
    const response = jsonResponse(
      { b: 'é', a: 1 },
      { sortKeys: false, asciiOnly: false, mimetype: 'application/vnd.api+json' },
    )
    expect(response.headers.get('content-type')).toBe('application/vnd.api+json')
    expect(await response.text()).toBe('{"b":"é","a":1}\n')
  })

  it('uses the provider it is given', async () => {
    const provider = { dumps: () => '"custom"', loads: JSON.parse }
    expect(await jsonResponse(1, { provider }).text()).toBe('"custom"\n')
  })
})
