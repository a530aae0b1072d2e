import { describe, expect, it } from 'vitest'
import { checkPasswordHash, generatePasswordHash } from '../passwords.js'

describe('password hashes', () => {
  it('are salted: the same password hashes differently each time', async () => {
    const [one, two] = [await generatePasswordHash('pw'), await generatePasswordHash('pw')]
    expect(one).toMatch(/^scrypt\$[^$]+\$[^$]+$/)
    expect(one).not.toBe(two)
  })

  const checks: Array<[name: string, stored: () => Promise<string>, password: string, ok: boolean]> = [
    ['accepts the password', () => generatePasswordHash('pässword'), 'pässword', true],
    ['refuses another password', () => generatePasswordHash('password'), 'Password', false],
    ['refuses an empty password', () => generatePasswordHash('password'), '', false],
    ['refuses a hash of another method', async () => 'md5$salt$hash', 'password', false],
    ['refuses a malformed hash', async () => 'scrypt$salt', 'password', false],
  ]
  for (const [name, stored, password, ok] of checks) {
    it(name, async () => {
      expect(await checkPasswordHash(await stored(), password)).toBe(ok)
    })
  }
})
