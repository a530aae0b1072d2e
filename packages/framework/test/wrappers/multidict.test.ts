import { describe, expect, it } from 'vitest'
import { MultiDict } from '../../src/wrappers/multidict.js'

describe('a MultiDict with a repeated key', () => {
  const dict = new MultiDict([
    ['tag', 'a'],
    ['name', 'x'],
    ['tag', 'b'],
  ])

  const reads: Array<[name: string, read: () => unknown, expected: unknown]> = [
    ['get gives the first value', () => dict.get('tag'), 'a'],
    ['get gives null for a missing key', () => dict.get('nope'), null],
    ['getAll gives every value in order', () => dict.getAll('tag'), ['a', 'b']],
    ['getAll gives [] for a missing key', () => dict.getAll('nope'), []],
    ['has is true for a present key', () => dict.has('name'), true],
    ['has is false for a missing key', () => dict.has('nope'), false],
    ['size counts pairs, as URLSearchParams', () => dict.size, 3],
    ['keys repeat per pair, as URLSearchParams', () => [...dict.keys()], ['tag', 'name', 'tag']],
    ['values come in order', () => [...dict.values()], ['a', 'x', 'b']],
    [
      'iteration gives pairs in order',
      () => [...dict],
      [
        ['tag', 'a'],
        ['name', 'x'],
        ['tag', 'b'],
      ],
    ],
    ['toObject keeps first values', () => dict.toObject(), { tag: 'a', name: 'x' }],
    ['JSON.stringify uses the first values', () => JSON.stringify(dict), '{"tag":"a","name":"x"}'],
  ]
  for (const [name, read, expected] of reads) it(name, () => expect(read()).toEqual(expected))

  it('getAll returns a copy, so the dict stays read-only', () => {
    dict.getAll('tag').push('c')
    expect(dict.getAll('tag')).toEqual(['a', 'b'])
  })

  it('is not changed when its source array is', () => {
    const source: Array<[string, string]> = [['a', '1']]
    const copy = new MultiDict(source)
    source.push(['b', '2'])
    expect(copy.has('b')).toBe(false)
  })

  it('holds other value types', () => {
    expect(new MultiDict<number>([['n', 1]]).get('n')).toBe(1)
  })

  it('is empty by default', () => {
    expect(new MultiDict().size).toBe(0)
  })
})
