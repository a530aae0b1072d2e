import { describe, expect, expectTypeOf, it } from 'vitest'
import { NullSession, Session, SessionUnavailableError } from '../src/index.js'

declare module '../src/index.js' {
  interface SessionData {
    testColour: string
  }
}

describe('a new Session', () => {
  it('is empty, unmodified, unaccessed, not new and not permanent', () => {
    const session = new Session()
    expect([session.modified, session.accessed, session.new]).toEqual([false, false, false])
    expect(session.permanent).toBe(false)
    expect(session.size).toBe(0)
  })

  it('keeps the initial data in order, from entries or an object', () => {
    expect([
      ...new Session([
        ['b', 1],
        ['a', 2],
      ]).keys(),
    ]).toEqual(['b', 'a'])
    expect(new Session({ x: 1 }).toJSON()).toEqual({ x: 1 })
  })
})

describe('Map-like use', () => {
  it('gets with and without a default', () => {
    const session = new Session({ colour: 'blue' })
    expect(session.get('colour')).toBe('blue')
    expect(session.get('missing')).toBeUndefined()
    expect(session.get('missing', 'black')).toBe('black')
  })

  it('is iterable in insertion order', () => {
    const session = new Session().set('b', 1).set('a', 2)
    expect([...session]).toEqual([
      ['b', 1],
      ['a', 2],
    ])
    expect([...session.values()]).toEqual([1, 2])
    const seen: string[] = []
    session.forEach((value, key) => {
      seen.push(`${key}=${value}`)
    })
    expect(seen).toEqual(['b=1', 'a=2'])
    expect(JSON.stringify(session)).toBe('{"b":1,"a":2}')
    expect(Object.prototype.toString.call(session)).toBe('[object Session]')
  })

  it('setDefault returns the existing value, or sets and returns the default', () => {
    const session = new Session({ a: 1 })
    expect(session.setDefault('a', 2)).toBe(1)
    expect(session.setDefault('b', 3)).toBe(3)
    expect(session.get('b')).toBe(3)
  })

  it('pop removes and returns, or returns the default', () => {
    const session = new Session({ a: 1 })
    expect(session.pop('a')).toBe(1)
    expect(session.has('a')).toBe(false)
    expect(session.pop('a', 'gone')).toBe('gone')
    expect(session.pop('a')).toBeUndefined()
  })

  it('update sets every key from entries or an object', () => {
    const session = new Session({ a: 1 })
    session.update({ b: 2 })
    session.update([['c', 3]])
    expect(session.toJSON()).toEqual({ a: 1, b: 2, c: 3 })
  })

  it('types declared keys through SessionData', () => {
    const session = new Session()
    expectTypeOf(session.get('testColour')).toEqualTypeOf<string | undefined>()
    expectTypeOf(session.get('testColour', 'black')).toEqualTypeOf<string>()
    expectTypeOf(session.get('other')).toEqualTypeOf<unknown>()
    // @ts-expect-error a declared key takes only its declared type
    session.set('testColour', 3)
  })
})

describe('the flags after each operation', () => {
  const rows: Array<[name: string, act: (s: Session) => unknown, modified: boolean, accessed: boolean]> = [
    ['get reads', (s) => s.get('a'), false, true],
    ['has reads', (s) => s.has('a'), false, true],
    ['size reads', (s) => s.size, false, true],
    ['iteration reads', (s) => [...s], false, true],
    ['keys reads', (s) => s.keys(), false, true],
    ['toJSON reads', (s) => s.toJSON(), false, true],
    ['permanent reads', (s) => s.permanent, false, true],
    ['set writes', (s) => s.set('b', 1), true, true],
    ['delete of a present key writes', (s) => s.delete('a'), true, true],
    ['delete of an absent key only reads', (s) => s.delete('zz'), false, true],
    ['clear writes', (s) => s.clear(), true, true],
    ['setDefault of an absent key writes', (s) => s.setDefault('b', 1), true, true],
    ['setDefault of a present key only reads', (s) => s.setDefault('a', 2), false, true],
    ['pop of a present key writes', (s) => s.pop('a'), true, true],
    ['pop of an absent key only reads', (s) => s.pop('zz', 0), false, true],
    ['update writes, even with nothing', (s) => s.update({}), true, true],
    [
      'setting permanent writes',
      (s) => {
        s.permanent = true
      },
      true,
      true,
    ],
  ]
  for (const [name, act, modified, accessed] of rows) {
    it(name, () => {
      const session = new Session({ a: 1 })
      act(session)
      expect({ modified: session.modified, accessed: session.accessed }).toEqual({ modified, accessed })
    })
  }

  it('stores permanent under "_permanent", as Flask', () => {
    const session = new Session()
    session.permanent = true
    expect(session.toJSON()).toEqual({ _permanent: true })
    expect(new Session({ _permanent: true }).permanent).toBe(true)
    session.permanent = false
    expect(session.get('_permanent')).toBe(false)
  })

  it('lets modified be set by hand after an in-place change', () => {
    const session = new Session({ cart: [] })
    ;(session.get('cart') as string[]).push('apple')
    expect(session.modified).toBe(false)
    session.modified = true
    expect(session.modified).toBe(true)
  })
})

describe('a NullSession', () => {
  it('reads as empty', () => {
    const session = new NullSession()
    expect(session.get('a', 1)).toBe(1)
    expect(session.size).toBe(0)
    expect(session.permanent).toBe(false)
    expect([...session]).toEqual([])
  })

  const writes: Array<[action: string, act: (s: Session) => unknown]> = [
    ['session.set("colour", …)', (s) => s.set('colour', 'blue')],
    ['session.delete("colour")', (s) => s.delete('colour')],
    ['session.clear()', (s) => s.clear()],
    ['session.setDefault("colour", …)', (s) => s.setDefault('colour', 'blue')],
    ['session.pop("colour")', (s) => s.pop('colour')],
    ['session.update(…)', (s) => s.update({})],
    [
      'session.permanent = true',
      (s) => {
        s.permanent = true
      },
    ],
  ]
  for (const [action, act] of writes) {
    it(`refuses ${action}, naming it and saying to set SECRET_KEY`, () => {
      try {
        act(new NullSession())
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(SessionUnavailableError)
        expect((error as SessionUnavailableError).action).toBe(action)
        expect((error as Error).message).toBe(
          `${action} failed. The session is unavailable because no SECRET_KEY was set. ` +
            'Set app.config.SECRET_KEY to a long random string.',
        )
      }
    })
  }
})
