import { describe, expect, it } from 'vitest'
import { isSessionId, newSessionId, ServerSideSession, Session } from '../../src/index.js'

describe('session ids', () => {
  it('are 43 base64url characters of 32 random bytes', () => {
    const id = newSessionId()
    expect(id).toMatch(/^[\w-]{43}$/)
    expect(Buffer.from(id, 'base64url')).toHaveLength(32)
    expect(newSessionId()).not.toBe(id)
  })

  const shapes: Array<[string, string, boolean]> = [
    ['one of ours', newSessionId(), true],
    ['a Quart-Session uuid4', 'e773ee67-551a-48bb-913d-36067490f755', true],
    ['empty', '', false],
    ['with a space', 'abcdefgh ijklmnopq', false],
    ['with a colon', 'session:abcdefghijklmnop', false],
  ]
  for (const [name, value, ok] of shapes) {
    it(`isSessionId: ${name} → ${ok}`, () => expect(isSessionId(value)).toBe(ok))
  }
})

describe('a ServerSideSession', () => {
  it('is a Session with an id, new or loaded', () => {
    const loaded = new ServerSideSession('a'.repeat(43), { user: 'ann' })
    expect(loaded).toBeInstanceOf(Session)
    expect(loaded.new).toBe(false)
    expect(loaded.modified).toBe(false)
    expect(new ServerSideSession('b'.repeat(43), null, true).new).toBe(true)
    expect(Object.prototype.toString.call(loaded)).toBe('[object ServerSideSession]')
  })

  it('regenerate() gives a new id, keeps the data, remembers the first id to retire, and marks it modified', () => {
    const session = new ServerSideSession('a'.repeat(43), { user: 'ann' })
    session.regenerate()
    const second = session.sid
    session.regenerate()
    expect(session.sid).not.toBe(second)
    expect(session.retiredSid).toBe('a'.repeat(43))
    expect(session.get('user')).toBe('ann')
    expect(session.modified).toBe(true)
  })

  it('a new session regenerated has nothing to retire', () => {
    const session = new ServerSideSession('a'.repeat(43), null, true)
    session.regenerate()
    expect(session.retiredSid).toBeNull()
  })

  it('dirty() marks it to be saved', () => {
    const session = new ServerSideSession('a'.repeat(43))
    session.dirty()
    expect(session.isDirty).toBe(true)
    expect(session.modified).toBe(true)
  })
})
