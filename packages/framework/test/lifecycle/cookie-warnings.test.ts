import { describe, expect, it } from 'vitest'
import { Flagon } from '../../src/index.js'
import { whyDropped } from '../../src/lifecycle/cookie-warnings.js'
import { Request } from '../../src/wrappers/request.js'

function requestFor(host: string, scheme: 'http' | 'https' = 'http'): Request {
  return new Request({
    method: 'GET',
    scheme,
    host,
    path: '/',
    queryString: '',
    headers: new Headers(),
    remoteAddr: null,
    body: null,
  })
}

describe('cookies browsers would drop', () => {
  const rows: Array<
    [name: string, cookie: string, host: string, scheme: 'http' | 'https', reason: RegExp | undefined]
  > = [
    ['a plain cookie is kept', 'a=1; Path=/', 'example.com', 'http', undefined],
    ['Secure over plain HTTP off localhost is dropped', 'a=1; Secure', 'example.com', 'http', /plain HTTP/],
    ['Secure over plain HTTP on localhost is kept', 'a=1; Secure', 'localhost:5000', 'http', undefined],
    [
      'SameSite=None without Secure is dropped',
      'a=1; SameSite=None',
      'example.com',
      'https',
      /SameSite=None needs Secure/,
    ],
    [
      'Partitioned without Secure is dropped',
      'a=1; Partitioned',
      'example.com',
      'https',
      /Partitioned needs Secure/,
    ],
    ['a cookie over 4096 bytes is dropped', `a=${'x'.repeat(5000)}`, 'example.com', 'https', /over the 4096/],
    [
      'a Domain of another site is dropped',
      'a=1; Domain=other.com',
      'example.com',
      'https',
      /does not match/,
    ],
    [
      'a Domain of the parent domain is kept',
      'a=1; Domain=example.com',
      'www.example.com',
      'https',
      undefined,
    ],
  ]
  for (const [name, cookie, host, scheme, reason] of rows) {
    it(name, () => {
      const why = whyDropped(cookie, requestFor(host, scheme))
      if (reason) expect(why).toMatch(reason)
      else expect(why).toBeUndefined()
    })
  }

  it('are named in a warning in DEBUG, and only then', async () => {
    for (const debug of [true, false]) {
      const app = new Flagon('cookie-warnings')
      app.config.DEBUG = debug
      const warned: string[] = []
      app.logger = { debug() {}, info() {}, warn: (m: string) => void warned.push(m), error() {} }
      app.get('/', () => 'ok')
      app.afterRequest((response) => {
        response.setCookie('pref', 'dark', { sameSite: 'none' })
        return response
      })
      await app.fetch(new globalThis.Request('http://example.com/'))
      expect(warned).toEqual(
        debug ? ['Browsers will ignore the cookie "pref" set by GET /: SameSite=None needs Secure.'] : [],
      )
    }
  })
})
