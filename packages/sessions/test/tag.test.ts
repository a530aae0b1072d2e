import { describe, expect, it } from 'vitest'
import {
  JSONTag,
  Markup,
  PassDict,
  sessionJsonSerializer,
  TaggedJSONSerializer,
  Tuple,
  tuple,
  UUID,
} from '../src/index.js'

const s = sessionJsonSerializer

describe('each tag, as Flask writes it (behaviour §3.5)', () => {
  const rows: Array<[name: string, value: unknown, json: string]> = [
    ['a tuple is " t"', tuple('info', 'hi'), '{" t":["info","hi"]}'],
    ['a list passes through', ['info', 'hi'], '["info","hi"]'],
    ['bytes are " b", standard base64 with padding', new Uint8Array([0, 1, 255]), '{" b":"AAH/"}'],
    ['a Buffer is bytes too', Buffer.from([0xfb, 0xff]), '{" b":"+/8="}'],
    ['markup is " m"', new Markup('<b>hi</b>'), '{" m":"<b>hi</b>"}'],
    [
      'a UUID is " u", 32 hex digits',
      new UUID('12345678-1234-5678-1234-567812345678'),
      '{" u":"12345678123456781234567812345678"}',
    ],
    [
      'a Date is " d", an HTTP date',
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      '{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}',
    ],
    ['an object whose one key is a tag is " di"', { ' t': [1, 2] }, '{" di":{" t__":[1,2]}}'],
    ['an object with a tag key among others passes through', { ' t': 1, x: 2 }, '{" t":1,"x":2}'],
    ['an object whose one key is not a tag passes through', { t: 1 }, '{"t":1}'],
    ['tags nest inside lists and objects', { a: [{ b: tuple(1) }] }, '{"a":[{"b":{" t":[1]}}]}'],
    ['a value inside " di" is tagged', { ' u': tuple() }, '{" di":{" u__":{" t":[]}}}'],
    ['scalars pass through', [null, true, 1, 'x'], '[null,true,1,"x"]'],
  ]
  for (const [name, value, json] of rows) {
    it(name, () => {
      expect(s.dumps(value)).toBe(json)
    })
  }
})

describe('reading tagged JSON back', () => {
  const rows: Array<[name: string, value: unknown]> = [
    ['a tuple stays a Tuple, distinct from a list', { t: tuple('a', 1), l: ['a', 1] }],
    ['an empty tuple', tuple()],
    ['bytes', new Uint8Array([0, 1, 255])],
    ['markup', new Markup('<i>')],
    ['a UUID', new UUID('{12345678-1234-5678-1234-567812345678}')],
    ['a Date, whole seconds', new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
    ['an object that looks tagged', { ' t': [1, 2] }],
    ['nested tags', { a: [tuple(tuple(1), new Uint8Array([1]))] }],
  ]
  for (const [name, value] of rows) {
    it(`${name} round-trips`, () => {
      expect(s.loads(s.dumps(value))).toStrictEqual(value)
    })
  }

  it('keeps a list a plain Array', () => {
    expect(Object.getPrototypeOf(s.loads('[1]'))).toBe(Array.prototype)
    expect(s.loads('{" t":[1]}')).toBeInstanceOf(Tuple)
  })

  it('loses milliseconds, as Flask loses microseconds', () => {
    expect(s.loads(s.dumps(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))))).toEqual(
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    )
  })

  it('reads an unparseable date as null, as Werkzeug', () => {
    expect(s.loads('{" d":"yesterday"}')).toBeNull()
  })

  it('keeps "__proto__" keys as data', () => {
    const value = s.loads('{"__proto__":{"polluted":true}}') as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(Object.keys(value)).toEqual(['__proto__'])
  })

  const bad: Array<[name: string, json: string]> = [
    ['a UUID that is not hex', '{" u":"nope"}'],
    ['bytes that are not a string', '{" b":1}'],
    ['a tuple that is not a list', '{" t":1}'],
  ]
  for (const [name, json] of bad) {
    it(`throws a TypeError for ${name}`, () => {
      expect(() => s.loads(json)).toThrow(TypeError)
    })
  }
})

describe('key order', () => {
  it('is insertion order by default (Quart)', () => {
    expect(s.dumps({ user_id: 42, _permanent: true })).toBe('{"user_id":42,"_permanent":true}')
  })

  it('is sorted with sortKeys (Flask)', () => {
    const flask = new TaggedJSONSerializer({ sortKeys: true })
    expect(flask.dumps({ user_id: 42, _permanent: true })).toBe('{"_permanent":true,"user_id":42}')
  })
})

describe('registering a tag', () => {
  class TagURL extends JSONTag {
    override readonly key = ' url'
    check(value: unknown) {
      return value instanceof URL
    }
    toJson(value: URL) {
      return value.href
    }
    override toValue(value: string) {
      return new URL(value)
    }
  }

  it('adds a type that round-trips', () => {
    const custom = new TaggedJSONSerializer()
    custom.register(TagURL)
    expect(custom.dumps({ u: new URL('https://x.test/') })).toBe('{"u":{" url":"https://x.test/"}}')
    expect(custom.loads('{"u":{" url":"https://x.test/"}}')).toEqual({ u: new URL('https://x.test/') })
  })

  it('makes an object whose one key is the new tag a " di"', () => {
    const custom = new TaggedJSONSerializer()
    custom.register(TagURL)
    expect(custom.dumps({ ' url': 1 })).toBe('{" di":{" url__":1}}')
  })

  it('refuses a duplicate key unless forced', () => {
    class OtherTuple extends JSONTag {
      override readonly key = ' t'
      check(value: unknown) {
        return value instanceof Tuple
      }
      toJson(value: Tuple) {
        return value.length
      }
    }
    const custom = new TaggedJSONSerializer()
    expect(() => custom.register(OtherTuple)).toThrow(/already registered/)
    custom.register(OtherTuple, { force: true, index: 0 })
    expect(custom.dumps(tuple(1, 2))).toBe('{" t":2}')
    expect(custom.order.filter((tag) => tag.key === ' t')).toHaveLength(1)
  })

  it('puts a tag at an index in the order', () => {
    const custom = new TaggedJSONSerializer()
    custom.register(PassDict, { index: 0 })
    expect(custom.order[0]).toBeInstanceOf(PassDict)
    // A PassDict first means objects are never " di"-wrapped.
    expect(custom.dumps({ ' t': 1 })).toBe('{" t":1}')
  })
})

describe('the fast paths (no value needing a tag)', () => {
  // A serializer with one more tag, which never applies, takes the full tag-and-scan path every time.
  class TagNever extends JSONTag {
    override readonly key = ' never'
    check() {
      return false
    }
    toJson(value: unknown) {
      return value
    }
  }
  const slow = (sortKeys: boolean) => {
    const s = new TaggedJSONSerializer({ sortKeys })
    s.register(TagNever)
    return s
  }

  it('write the same text as the full path', () => {
    const values: unknown[] = [
      new Map<string, unknown>([['count', 2]]),
      new Map<string, unknown>([
        ['b', 'x'],
        ['a', null],
        ['u', undefined],
        ['n', Number.NaN],
        ['t', true],
      ]),
      new Map([[' t', 1]]),
      new Map([
        [' t', 1],
        ['b', 2],
      ]),
      new Map([[' di', 'x']]),
      { ' t': 1 },
      { ' m': 'x', y: 1 },
      { 2: 'two', 1: 'one', z: 'Zoë\n"' },
      Object.assign(Object.create(null), { a: 1 }),
      {},
      new Map(),
      { a: [1, 2] },
      { a: new Date(0) },
      'text',
      [1, 2],
    ]
    for (const sortKeys of [false, true]) {
      const fast = new TaggedJSONSerializer({ sortKeys })
      for (const value of values) expect(fast.dumps(value)).toBe(slow(sortKeys).dumps(value))
    }
  })

  it('read the same values as the full path', () => {
    const texts = [
      '{"count":2}',
      '{"a":{"b":[1,{"c":null}]},"__proto__":{"x":1}}',
      '{" t":[1,2]}',
      '{"a":{" t":[1,2]}}',
      '{"\\u0020t":[1,2]}',
      '{" di":{" t__":1}}',
      '{" t":[1],"b":2}',
      '[{" b":"AAE="}]',
      '"text"',
      '12',
    ]
    const fast = new TaggedJSONSerializer()
    for (const text of texts) expect(fast.loads(text)).toEqual(slow(false).loads(text))
  })
})
