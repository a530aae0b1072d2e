import { describe, expect, it } from 'vitest'
import { UUID } from '../src/index.js'

describe('UUID', () => {
  const forms = [
    '12345678-1234-5678-1234-567812345678',
    '12345678123456781234567812345678',
    '{12345678-1234-5678-1234-567812345678}',
    'urn:uuid:12345678-1234-5678-1234-567812345678',
    '12345678-1234-5678-1234-567812345678'.toUpperCase(),
  ]
  for (const form of forms) {
    it(`reads ${form}`, () => {
      expect(new UUID(form).hex).toBe('12345678123456781234567812345678')
    })
  }

  it('writes the dashed form', () => {
    expect(String(new UUID('12345678123456781234567812345678'))).toBe('12345678-1234-5678-1234-567812345678')
  })

  it('refuses text that is not 32 hex digits', () => {
    expect(() => new UUID('1234')).toThrow(TypeError)
  })

  it('makes random ones that compare by value', () => {
    const id = UUID.random()
    expect(id.equals(new UUID(id.hex))).toBe(true)
    expect(id.equals(UUID.random())).toBe(false)
  })
})
