import { Response as UndiciResponse } from 'undici'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Response, type ResponseInit } from '../../src/wrappers/response.js'
import type { CookieOptions } from '../../src/wrappers/set-cookie.js'

describe('new Response()', () => {
  // [name, init, expected Content-Type]
  const types: Array<[name: string, init: ResponseInit, type: string | null]> = [
    ['defaults to HTML in UTF-8', {}, 'text/html; charset=utf-8'],
    ['adds the charset to a text mimetype', { mimetype: 'text/plain' }, 'text/plain; charset=utf-8'],
    [
      'adds the charset to JavaScript',
      { mimetype: 'application/javascript' },
      'application/javascript; charset=utf-8',
    ],
    ['adds the charset to an +xml type', { mimetype: 'image/svg+xml' }, 'image/svg+xml; charset=utf-8'],
    ['adds no charset to JSON', { mimetype: 'application/json' }, 'application/json'],
    ['adds no charset to bytes', { mimetype: 'application/octet-stream' }, 'application/octet-stream'],
    ['takes contentType as it is', { contentType: 'text/csv' }, 'text/csv'],
    ['prefers contentType to mimetype', { contentType: 'text/csv', mimetype: 'text/plain' }, 'text/csv'],
    [
      'keeps a Content-Type given in headers',
      { headers: { 'Content-Type': 'text/event-stream' } },
      'text/event-stream',
    ],
    [
      'lets mimetype win over headers',
      { headers: { 'Content-Type': 'text/event-stream' }, mimetype: 'text/plain' },
      'text/plain; charset=utf-8',
    ],
  ]
  for (const [name, init, type] of types) {
    it(name, () => {
      expect(new Response('x', init).headers.get('content-type')).toBe(type)
    })
  }

  it('has status 200 and no timeout override by default', () => {
    const response = new Response()
    expect(response.status).toBe(200)
    expect(response.timeout).toBeUndefined()
    expect(response.body).toBeNull()
  })

  // [name, headers init, header, expected value]
  const headerInits: Array<
    [name: string, headers: ResponseInit['headers'], name: string, value: string | null]
  > = [
    ['a record', { 'X-A': '1' }, 'x-a', '1'],
    ['a record with a list repeats the header', { 'X-A': ['1', '2'] }, 'x-a', '1, 2'],
    ['a Headers object', new Headers({ 'X-A': '1' }), 'x-a', '1'],
    ['a list of pairs', [['X-A', '1']], 'x-a', '1'],
  ]
  for (const [name, headers, header, value] of headerInits) {
    it(`takes headers as ${name}`, () => {
      expect(new Response('x', headers === undefined ? {} : { headers }).headers.get(header)).toBe(value)
    })
  }

  it('repeats Set-Cookie from a record list', () => {
    const response = new Response('x', { headers: { 'Set-Cookie': ['a=1', 'b=2'] } })
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it('copies a Headers object rather than sharing it', () => {
    const headers = new Headers()
    new Response('x', { headers }).headers.set('X-A', '1')
    expect(headers.has('x-a')).toBe(false)
  })
})

describe('contentLength', () => {
  async function* stream() {
    yield 'a'
  }
  // [name, response, expected]
  const rows: Array<[name: string, response: Response, length: number | undefined]> = [
    ['counts UTF-8 bytes of a string', new Response('héllo'), 6],
    ['counts bytes', new Response(new Uint8Array([1, 2, 3])), 3],
    ['is 0 without a body', new Response(null), 0],
    ['is unknown for a stream', new Response(stream()), undefined],
    ['reads the header for a stream', new Response(stream(), { headers: { 'Content-Length': '1' } }), 1],
  ]
  for (const [name, response, length] of rows) {
    it(name, () => {
      expect(response.contentLength).toBe(length)
    })
  }
})

describe('reading the body', () => {
  it('reads a string, bytes and JSON', async () => {
    expect(await new Response('héllo').text()).toBe('héllo')
    expect(await new Response('hé').bytes()).toEqual(new Uint8Array([0x68, 0xc3, 0xa9]))
    expect(await new Response('{"a":1}').json()).toEqual({ a: 1 })
    expect(await new Response(null).text()).toBe('')
  })

  it('consumes an async iterable once, keeping the bytes for a second read and for sending', async () => {
    let runs = 0
    async function* chunks() {
      runs++
      yield 'a'
      yield new Uint8Array([0x62])
    }
    const response = new Response(chunks())
    expect(await response.text()).toBe('ab')
    expect(await response.text()).toBe('ab')
    expect(runs).toBe(1)
    expect(response.body).toEqual(new Uint8Array([0x61, 0x62]))
  })

  it('streams a sync generator', async () => {
    function* chunks() {
      yield 'a'
      yield 'b'
    }
    const response = new Response(chunks())
    expect(Symbol.asyncIterator in (response.body as object)).toBe(true)
    expect(await response.text()).toBe('ab')
  })

  it('streams a WHATWG ReadableStream', async () => {
    const body = new globalThis.Response('from a stream').body!
    expect(await new Response(body as AsyncIterable<Uint8Array>).text()).toBe('from a stream')
  })
})

describe('headers helpers', () => {
  it('reads and sets the mimetype', () => {
    const response = new Response('x', { contentType: 'Text/Plain; charset=latin-1' })
    expect(response.mimetype).toBe('text/plain')
    response.mimetype = 'text/csv'
    expect(response.contentType).toBe('text/csv; charset=utf-8')
  })

  it('reads, sets and removes the location', () => {
    const response = new Response()
    expect(response.location).toBeNull()
    response.location = '/next'
    expect(response.headers.get('location')).toBe('/next')
    response.location = null
    expect(response.headers.has('location')).toBe(false)
  })

  // [name, existing Vary, names added, expected]
  const varies: Array<[name: string, existing: string | null, added: string[], expected: string]> = [
    ['adds to an empty Vary', null, ['Cookie'], 'Cookie'],
    ['appends a new name', 'Accept', ['Cookie'], 'Accept, Cookie'],
    ['skips a name already there, whatever its case', 'Cookie', ['cookie', 'Accept'], 'Cookie, Accept'],
    ['skips repeats within one call', null, ['Cookie', 'COOKIE'], 'Cookie'],
    ['skips the one name already there, whatever its case', 'Cookie', ['COOKIE'], 'Cookie'],
    ['appends one name that only starts like the one there', 'Cookie', ['Cookies'], 'Cookie, Cookies'],
  ]
  for (const [name, existing, added, expected] of varies) {
    it(`vary() ${name}`, () => {
      const response = new Response('x', existing === null ? {} : { headers: { Vary: existing } })
      response.vary(...added)
      expect(response.headers.get('vary')).toBe(expected)
    })
  }

  it('edits Cache-Control through a typed view', () => {
    const response = new Response('x', { headers: { 'Cache-Control': 'no-cache="Set-Cookie", max-age=10' } })
    expect(response.cacheControl.noCache).toBe(true)
    expect(response.cacheControl.maxAge).toBe(10)
    response.cacheControl.update({ public: true, maxAge: 60, noCache: false })
    expect(response.headers.get('cache-control')).toBe('max-age=60, public')
    response.cacheControl.noStore = true
    response.cacheControl.sMaxage = 5
    expect(String(response.cacheControl)).toBe('max-age=60, public, no-store, s-maxage=5')
    response.cacheControl.update({ maxAge: null, public: null, noStore: false, sMaxage: null })
    expect(response.headers.has('cache-control')).toBe(false)
    expect(response.cacheControl.maxAge).toBeNull()
  })
})

describe('Response.redirect()', () => {
  it("answers 302 with Werkzeug's page, the location as given", async () => {
    const response = Response.redirect('/target')
    expect(response.status).toBe(302)
    expect(response.location).toBe('/target')
    expect(await response.text()).toBe(
      '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
        '<p>You should be redirected automatically to the target URL: <a href="/target">/target</a>. If not, click the link.\n',
    )
  })

  it('takes another status', () => {
    expect(Response.redirect('/x', 303).status).toBe(303)
  })
})

describe('Response.fromWeb()', () => {
  const makers: Array<
    [
      name: string,
      make: (body: string, init: { status: number; headers: Array<[string, string]> }) => globalThis.Response,
    ]
  > = [
    ['the global Response', (body, init) => new globalThis.Response(body, init)],
    ["undici's Response", (body, init) => new UndiciResponse(body, init) as unknown as globalThis.Response],
  ]
  for (const [name, make] of makers) {
    it(`converts ${name}: status, headers, every Set-Cookie, and the streamed body`, async () => {
      const headers: Array<[string, string]> = [
        ['Content-Type', 'text/plain'],
        ['X-A', '1'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ]
      const response = Response.fromWeb(make('web body', { status: 201, headers }))
      expect(response.status).toBe(201)
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(response.headers.get('x-a')).toBe('1')
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
      expect(response.contentLength).toBeUndefined()
      expect(await response.text()).toBe('web body')
    })
  }

  it('keeps no Content-Type the web response did not have', () => {
    const response = Response.fromWeb(new globalThis.Response(null, { status: 204 }))
    expect(response.headers.has('content-type')).toBe(false)
    expect(response.body).toBeNull()
  })
})

describe('cookies', () => {
  const now = Date.UTC(2024, 0, 2, 3, 4, 5)
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(now)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  // [name, cookie name, value, options, expected Set-Cookie]
  const rows: Array<[name: string, cookie: string, value: string, options: CookieOptions, header: string]> = [
    ['a plain cookie has Path=/ and nothing else', 'plain', 'v', {}, 'plain=v; Path=/'],
    [
      'every attribute at once',
      'full',
      'a b;c',
      {
        maxAge: 60,
        domain: '.example.com',
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
        partitioned: true,
        path: '/p',
      },
      'full=a%20b%3Bc; Max-Age=60; Domain=example.com; Path=/p; Expires=Tue, 02 Jan 2024 03:05:05 GMT; HttpOnly; Secure; Partitioned; SameSite=Lax',
    ],
    [
      'maxAge also sets Expires',
      'm',
      '1',
      { maxAge: 3600 },
      'm=1; Max-Age=3600; Path=/; Expires=Tue, 02 Jan 2024 04:04:05 GMT',
    ],
    [
      'a fractional maxAge is truncated',
      'm',
      '1',
      { maxAge: 1.9 },
      'm=1; Max-Age=1; Path=/; Expires=Tue, 02 Jan 2024 03:04:06 GMT',
    ],
    [
      'an explicit expires wins over the one maxAge implies',
      'e',
      '1',
      { maxAge: 60, expires: new Date(Date.UTC(2030, 0, 1)) },
      'e=1; Max-Age=60; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT',
    ],
    ['partitioned forces Secure', 'p', '1', { partitioned: true }, 'p=1; Path=/; Secure; Partitioned'],
    [
      'a leading dot is stripped from the domain',
      'd',
      '1',
      { domain: '.example.com' },
      'd=1; Domain=example.com; Path=/',
    ],
    [
      'a port is stripped from the domain',
      'd',
      '1',
      { domain: 'example.com:8080' },
      'd=1; Domain=example.com; Path=/',
    ],
    [
      'an IDN domain is sent as punycode',
      'd',
      '1',
      { domain: 'münchen.de' },
      'd=1; Domain=xn--mnchen-3ya.de; Path=/',
    ],
    ['a path is percent-encoded as Werkzeug does', 'p', '1', { path: '/a b/ü' }, 'p=1; Path=/a%20b/%C3%BC'],
    ['sameSite true means Strict', 's', '1', { sameSite: true }, 's=1; Path=/; SameSite=Strict'],
    [
      'sameSite none in lower case',
      's',
      '1',
      { sameSite: 'none', secure: true },
      's=1; Path=/; Secure; SameSite=None',
    ],
    ['sameSite false sends none', 's', '1', { sameSite: false }, 's=1; Path=/'],
    [
      'a signed session value passes unchanged',
      'session',
      'eyJ1c2VyIjoiYW5uIn0.ZmFrZQ.a-b_c',
      { httpOnly: true },
      'session=eyJ1c2VyIjoiYW5uIn0.ZmFrZQ.a-b_c; Path=/; HttpOnly',
    ],
    ['other cookie-safe characters pass unchanged', 'c', 'a=b&c:d/e', {}, 'c=a=b&c:d/e; Path=/'],
    ['a % is encoded, so the value reads back as written', 'c', 'a%41', {}, 'c=a%2541; Path=/'],
    ['non-ASCII is percent-encoded', 'c', 'é', {}, 'c=%C3%A9; Path=/'],
    ['an empty value', 'c', '', {}, 'c=; Path=/'],
  ]
  for (const [name, cookie, value, options, header] of rows) {
    it(name, () => {
      const response = new Response()
      response.setCookie(cookie, value, options)
      expect(response.headers.getSetCookie()).toEqual([header])
    })
  }

  // [name, options, expected Set-Cookie]
  const deletes: Array<[name: string, options: Parameters<Response['deleteCookie']>[1], header: string]> = [
    [
      'deleteCookie expires the cookie now and in 1970',
      {},
      'gone=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ],
    [
      'deleteCookie keeps the path and domain it must match',
      { path: '/app', domain: '.example.com', secure: true, httpOnly: true, sameSite: 'Lax' },
      'gone=; Max-Age=0; Domain=example.com; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    ],
  ]
  for (const [name, options, header] of deletes) {
    it(name, () => {
      const response = new Response()
      response.deleteCookie('gone', options)
      expect(response.headers.getSetCookie()).toEqual([header])
    })
  }

  it('sends several cookies as several headers', () => {
    const response = new Response()
    response.setCookie('a', '1')
    response.setCookie('b', '2')
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  const invalid: Array<[name: string, cookie: string, options: CookieOptions]> = [
    ['a name with a space', 'a b', {}],
    ['a name with =', 'a=b', {}],
    ['an unknown sameSite', 'c', { sameSite: 'sideways' as 'lax' }],
    ['a domain with a space', 'c', { domain: 'exa mple.com' }],
  ]
  for (const [name, cookie, options] of invalid) {
    it(`refuses ${name} with a TypeError`, () => {
      expect(() => new Response().setCookie(cookie, 'v', options)).toThrow(TypeError)
    })
  }

  it('warns when a Set-Cookie header is larger than maxCookieSize', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    const response = new Response()
    response.setCookie('big', 'x'.repeat(5000))
    response.maxCookieSize = 0
    response.setCookie('big2', 'x'.repeat(5000))
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('The "big" cookie is too large')
    expect(response.headers.getSetCookie()).toHaveLength(2)
    warn.mockRestore()
  })
})
