import { describe, expect, it } from 'vitest'
import { type ByteRangeSpec, parseRangeHeader, resolveRanges } from '../../src/files/range.js'

describe('parseRangeHeader', () => {
  const headers: Array<[name: string, header: string | null, specs: ByteRangeSpec[] | null]> = [
    ['a closed range', 'bytes=2-5', [{ first: 2, last: 5 }]],
    ['an open range', 'bytes=10-', [{ first: 10, last: null }]],
    ['a suffix range', 'bytes=-3', [{ suffix: 3 }]],
    [
      'several ranges, with spaces and an empty element',
      'bytes=0-1, 3-4,, -2',
      [{ first: 0, last: 1 }, { first: 3, last: 4 }, { suffix: 2 }],
    ],
    ['the unit in any case', 'Bytes=0-0', [{ first: 0, last: 0 }]],
    ['no header', null, null],
    ['another unit', 'items=0-5', null],
    ['a range that ends before it starts', 'bytes=5-2', null],
    ['a malformed range among good ones', 'bytes=0-1,x-3', null],
    ['a negative start', 'bytes=-3-5', null],
    ['no ranges at all', 'bytes=', null],
    ['nothing after the dash of a suffix', 'bytes=-', null],
  ]
  for (const [name, header, specs] of headers) {
    it(`reads ${name}`, () => {
      expect(parseRangeHeader(header)).toEqual(specs)
    })
  }
})

describe('resolveRanges against 16 bytes', () => {
  const cases: Array<[name: string, header: string, ranges: Array<[number, number]>]> = [
    ['a range inside', 'bytes=2-5', [[2, 6]]],
    ['a range past the end is cut to it', 'bytes=10-99', [[10, 16]]],
    ['an open range runs to the end', 'bytes=4-', [[4, 16]]],
    ['a suffix is the last bytes', 'bytes=-3', [[13, 16]]],
    ['a suffix longer than the body is all of it', 'bytes=-99', [[0, 16]]],
    ['a range starting past the end is dropped', 'bytes=20-30', []],
    ['a zero suffix is unsatisfiable', 'bytes=-0', []],
    [
      'only the satisfiable ranges stay',
      'bytes=0-1,20-30,-2',
      [
        [0, 2],
        [14, 16],
      ],
    ],
  ]
  for (const [name, header, ranges] of cases) {
    it(name, () => {
      const resolved = resolveRanges(parseRangeHeader(header)!, 16)
      expect(resolved.map(({ start, end }) => [start, end])).toEqual(ranges)
    })
  }
})
