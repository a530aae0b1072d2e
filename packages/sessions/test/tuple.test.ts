import { describe, expect, it } from 'vitest'
import { Tuple, tuple } from '../src/index.js'

describe('Tuple', () => {
  it('is an array marked as a tuple', () => {
    const t = tuple('a', 1)
    expect(t).toBeInstanceOf(Tuple)
    expect(Array.isArray(t)).toBe(true)
    expect([...t]).toEqual(['a', 1])
  })

  it('gives ordinary arrays from map and slice', () => {
    expect(tuple(1, 2).map((n) => n * 2)).not.toBeInstanceOf(Tuple)
    expect(tuple(1, 2).slice(1)).not.toBeInstanceOf(Tuple)
  })

  it('holds a single number item (not an array length)', () => {
    expect([...tuple(3)]).toEqual([3])
    expect([...Tuple.fromItems([3])]).toEqual([3])
  })
})
