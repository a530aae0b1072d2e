/**
 * dumpCookie's fast path (cached attributes) against the way it wrote every header before: the `cookie`
 * package's serialize, given every attribute each time. Same bytes, same errors.
 */
import { serialize } from 'cookie'
import { describe, expect, it } from 'vitest'
import { Response } from '../../src/wrappers/response.js'
import { type CookieOptions, dumpCookie } from '../../src/wrappers/set-cookie.js'

// The reference: dumpCookie as it was, without maxAge (the fast path's case), through serialize.
function reference(name: string, value: string, options: CookieOptions = {}): string {
  const { expires, path = '/', domain, partitioned, sameSite, secure, httpOnly } = options
  return serialize(name, value, {
    encode: (v) =>
      /^[\x21\x23\x24\x26-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(v) ? v : encodeURIComponent(v),
    ...(expires !== undefined && { expires }),
    ...(path && { path: path.replace(/[^A-Za-z0-9_.\-~%!$&'()*+,/:=@]/gu, (c) => encodeURIComponent(c)) }),
    ...(domain && { domain: domain.split(':')[0]!.replace(/^\.+/, '') }),
    ...(sameSite !== undefined && {
      sameSite: typeof sameSite === 'string' ? (sameSite.toLowerCase() as 'lax') : sameSite,
    }),
    ...((secure || partitioned) && { secure: true }),
    ...(httpOnly && { httpOnly: true }),
    ...(partitioned && { partitioned: true }),
  })
}

function outcome(write: () => string): string {
  try {
    return write()
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`
  }
}

describe('dumpCookie without maxAge', () => {
  const names = ['session', 'bad name', '']
  const values = ['', 'abc.DEF-_', '%41 Zoë']
  const paths = [undefined, '/', '', '/app', '/a b', '/ü']
  const domains = [undefined, '', 'example.com', '.Example.com:8080', 'undefined', 'bad domain']
  const sameSites = [undefined, 'Lax', 'strict', 'None', true, false, 'bogus'] as const
  const expiries = [undefined, new Date(0), new Date(1_700_000_000_123), new Date(Number.NaN)]
  const flags = [{}, { httpOnly: true }, { secure: true, httpOnly: true, partitioned: true }]

  it('writes what serialize wrote, attribute by attribute, and fails as it failed', () => {
    let cases = 0
    const wrong: unknown[] = []
    for (const name of names)
      for (const value of values)
        for (const path of paths)
          for (const domain of domains)
            for (const sameSite of sameSites)
              for (const expires of expiries)
                for (const flag of flags) {
                  const options: CookieOptions = {
                    ...(path !== undefined && { path }),
                    ...(domain !== undefined && { domain }),
                    ...(sameSite !== undefined && {
                      sameSite: sameSite as NonNullable<CookieOptions['sameSite']>,
                    }),
                    ...(expires !== undefined && { expires }),
                    ...flag,
                  }
                  const expected = outcome(() => reference(name, value, options))
                  // Twice: the first call may fill the cache, the second reads it.
                  for (const got of [dumpCookie, dumpCookie].map((f) =>
                    outcome(() => f(name, value, options)),
                  ))
                    if (got !== expected) wrong.push({ name, value, options, got, expected })
                  cases++
                }
    expect(wrong.slice(0, 5)).toEqual([])
    expect(cases).toBeGreaterThan(5_000)
  })
})

describe('a Response setting cookies and Vary before its headers are built', () => {
  // Lazy (kept aside) and eager (Headers built first) must write and read back the same.
  const steps: Array<(r: Response) => void> = [
    (r) => r.setCookie('session', 'abc.DEF', { httpOnly: true }),
    (r) => r.vary('Cookie'),
    (r) => r.vary('cookie', 'Accept-Encoding'),
    (r) => r.setCookie('theme', 'dark mode', { sameSite: 'Lax', expires: new Date(0) }),
    (r) => r.deleteCookie('old'),
    (r) => r.vary(' Origin '),
  ]
  const build = (eager: boolean, count: number) => {
    const r = new Response('{}', { mimetype: 'application/json' })
    if (eager) void r.headers
    for (const step of steps.slice(0, count)) step(r)
    return r
  }

  it('lists the same fields, and the same Headers, after every step', () => {
    for (let count = 0; count <= steps.length; count++) {
      const [lazy, eager] = [build(false, count), build(true, count)]
      expect(lazy.headerFields()).toEqual(eager.headerFields())
      expect([...lazy.headers]).toEqual([...eager.headers])
      expect(lazy.headers.getSetCookie()).toEqual(eager.headers.getSetCookie())
    }
  })
})
