/**
 * Password hashes, as flaskr gets them from Werkzeug's `generate_password_hash` and
 * `check_password_hash`: scrypt with a random salt per password, stored as `scrypt$salt$hash`.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const KEY_LENGTH = 64

/** A hash of `password` to store instead of the password. */
export async function generatePasswordHash(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await derive(password, salt)
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Whether `password` is the one `stored` (from generatePasswordHash) was made from. */
export async function checkPasswordHash(stored: string, password: string): Promise<boolean> {
  const [method, salt, hash] = stored.split('$')
  if (method !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await derive(password, Buffer.from(salt, 'base64'))
  // Compare in constant time, so the time taken doesn't tell how much of the hash matched.
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}
