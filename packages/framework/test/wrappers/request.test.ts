import { describe, expect, it } from 'vitest'
import { BadRequest, RequestEntityTooLarge, UnsupportedMediaType } from '../../src/exceptions.js'
import { LanguageAccept, MIMEAccept } from '../../src/wrappers/accept.js'
import { Request, type RequestInit } from '../../src/wrappers/request.js'

type Options = Partial<Omit<RequestInit, 'body'>> & {
  header?: Record<string, string>
  body?: string | Uint8Array
}

/** A request as the node adapter would build it; `body` is sent as one chunk, and `reads` counts pulls. */
function build(options: Options = {}) {
  const { header, body, ...rest } = options
  const state = { reads: 0 }
  async function* chunks(data: Uint8Array) {
    state.reads++
    yield data
  }
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const request = new Request({
    method: 'GET',
    scheme: 'http',
    host: 'example.com',
    path: '/',
    queryString: '',
    headers: new Headers(header),
    remoteAddr: '203.0.113.9',
    body: bytes === undefined ? null : chunks(bytes),
    ...rest,
  })
  return Object.assign(request, { state })
}

describe('the URL', () => {
  const paths: Array<[name: string, raw: string, path: string]> = [
    ['an escaped path is decoded', '/caf%C3%A9/%E2%82%AC', '/café/€'],
    ['an encoded slash is decoded, as ASGI servers do', '/a%2Fb', '/a/b'],
    ['a broken escape stays as sent (no URIError)', '/100%/%zz', '/100%/%zz'],
    ['bytes that are not UTF-8 become U+FFFD', '/%FF%FE', '/\uFFFD\uFFFD'],
    ['a truncated UTF-8 sequence does not throw', '/%E2%82', '/\uFFFD'],
    ['leading slashes collapse to one (Werkzeug)', '//evil.example/x', '/evil.example/x'],
    ['an empty path is /', '', '/'],
  ]
  for (const [name, raw, path] of paths) {
    it(name, () => {
      const request = build({ path: raw })
      expect(request.path).toBe(path)
    })
  }

  it('keeps the raw path, still encoded', () => {
    expect(build({ path: '/caf%C3%A9' }).rawPath).toBe('/caf%C3%A9')
  })

  it('upper-cases the method', () => {
    expect(build({ method: 'post' }).method).toBe('POST')
  })

  const urls: Array<[name: string, init: Options, read: (request: Request) => unknown, expected: unknown]> = [
    ['fullPath always has a ? (Werkzeug)', { path: '/a' }, (r) => r.fullPath, '/a?'],
    [
      'fullPath joins the decoded path and the raw query',
      { path: '/%C3%A9', queryString: 'x=%20' },
      (r) => r.fullPath,
      '/é?x=%20',
    ],
    [
      'url has scheme, host, path and query',
      { path: '/a', queryString: 'b=1' },
      (r) => r.url,
      'http://example.com/a?b=1',
    ],
    ['url leaves out an empty query', { path: '/a' }, (r) => r.url, 'http://example.com/a'],
    ['url stays percent-encoded', { path: '/caf%C3%A9' }, (r) => r.url, 'http://example.com/caf%C3%A9'],
    ['baseUrl has no query', { path: '/a', queryString: 'b=1' }, (r) => r.baseUrl, 'http://example.com/a'],
    ['hostUrl is scheme and host', { scheme: 'https', path: '/a' }, (r) => r.hostUrl, 'https://example.com/'],
    [
      'urlRoot includes the root path',
      { rootPath: '/api/', path: '/api/users' },
      (r) => r.urlRoot,
      'http://example.com/api/',
    ],
    ['the root path is cut from the path', { rootPath: '/api', path: '/api/users' }, (r) => r.path, '/users'],
    [
      'url includes the root path once',
      { rootPath: '/api', path: '/api/users' },
      (r) => r.url,
      'http://example.com/api/users',
    ],
    [
      'a path already without the root path is kept',
      { rootPath: '/api', path: '/users' },
      (r) => r.path,
      '/users',
    ],
    ['a root path is not cut mid-segment', { rootPath: '/api', path: '/apiary' }, (r) => r.path, '/apiary'],
    ['isSecure is true over https', { scheme: 'https' }, (r) => r.isSecure, true],
    ['isSecure is false over http', {}, (r) => r.isSecure, false],
    ['httpVersion defaults to 1.1', {}, (r) => r.httpVersion, '1.1'],
    ['remoteAddr is kept', {}, (r) => r.remoteAddr, '203.0.113.9'],
  ]
  for (const [name, init, read, expected] of urls) it(name, () => expect(read(build(init))).toEqual(expected))
})

describe('request.args', () => {
  const cases: Array<[name: string, query: string, expected: Array<[string, string]>]> = [
    [
      'repeated keys keep every value',
      'a=1&a=2',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
    ['+ is a space', 'q=a+b', [['q', 'a b']]],
    ['escapes decode as UTF-8', 'q=%E2%82%AC', [['q', '€']]],
    ['a key without = is blank', 'flag', [['flag', '']]],
    ['a broken escape stays as sent', 'q=%zz', [['q', '%zz']]],
    ['bytes that are not UTF-8 stay percent-encoded (Werkzeug 2.3)', 'q=%FFa%C3%A9', [['q', '%FFaé']]],
    ['empty pieces are skipped', '&&a=1&', [['a', '1']]],
  ]
  for (const [name, query, expected] of cases)
    it(name, () => expect([...build({ queryString: query }).args]).toEqual(expected))

  it('is parsed once', () => {
    const request = build({ queryString: 'a=1' })
    expect(request.args).toBe(request.args)
  })
})

describe("headers from a server's raw list", () => {
  const fromRaw = (raw: string[]) => build({ headers: raw })
  const lists: Array<[name: string, raw: string[], field: string]> = [
    ['a name in any case is found', ['Content-Type', 'text/plain', 'X-A', '1'], 'content-type'],
    ['repeated fields are joined as Headers joins them', ['Accept', 'a', 'x', '1', 'ACCEPT', 'b'], 'accept'],
    ['repeated Cookie fields are joined with ;', ['Cookie', 'a=1', 'cookie', 'b=2'], 'cookie'],
    ['surrounding whitespace is trimmed', ['Cookie', '  a=1 \t'], 'cookie'],
    ['a missing field is null', ['Host', 'example.com'], 'cookie'],
    ['a field whose name only starts like it is not it', ['Cookies', 'a=1'], 'cookie'],
  ]
  for (const [name, raw, field] of lists) {
    it(name, () => {
      const expected = new Headers()
      for (let i = 0; i < raw.length; i += 2) expected.append(raw[i]!, raw[i + 1]!)
      expect(fromRaw(raw).header(field)).toBe(expected.get(field))
    })
  }

  it('gives the same Headers as one built from the list', () => {
    const request = fromRaw(['Host', 'example.com', 'Cookie', 'a=1', 'cookie', 'b=2'])
    expect([...request.headers]).toEqual([
      ['cookie', 'a=1; b=2'],
      ['host', 'example.com'],
    ])
    expect(request.cookies.get('a')).toBe('1')
  })

  it('reads the body length and cookies without building the Headers', () => {
    const request = fromRaw(['Content-Length', '3', 'Cookie', 'a=1'])
    expect(request.contentLength).toBe(3)
    expect(request.cookies.get('a')).toBe('1')
  })

  it('is a 400 when a header a lenient parser let through is not valid HTTP', () => {
    const request = fromRaw(['X-Bad', 'a\u0000b'])
    expect(() => request.headers).toThrow(BadRequest)
  })
})

describe('request.cookies', () => {
  const cases: Array<[name: string, header: string | undefined, expected: Record<string, string>]> = [
    ['no header is an empty map', undefined, {}],
    ['pairs are read', 'a=1; b=2', { a: '1', b: '2' }],
    ['the first of a repeated name wins', 'a=1; a=2', { a: '1' }],
    ['a percent-encoded value is decoded', 'a=caf%C3%A9', { a: 'café' }],
    ['a bad escape is kept as sent', 'a=%E0%A4%A', { a: '%E0%A4%A' }],
    ['a Werkzeug-quoted value is unquoted', 'a="x\\054y\\"z"', { a: 'x,y"z' }],
    ['a pair without = is skipped', 'garbage; a=1', { a: '1' }],
    ['garbage gives an empty map', ';;;===;', {}],
    [
      'a Flask session cookie passes unchanged',
      'session=eyJhIjoxfQ.Z1.abc-_',
      { session: 'eyJhIjoxfQ.Z1.abc-_' },
    ],
  ]
  for (const [name, header, expected] of cases) {
    it(name, () => {
      const request = build(header === undefined ? {} : { header: { cookie: header } })
      expect(Object.fromEntries(request.cookies)).toEqual(expected)
    })
  }
})

describe('content headers', () => {
  const cases: Array<
    [name: string, header: Record<string, string>, read: (r: Request) => unknown, expected: unknown]
  > = [
    [
      'contentType is the header as sent',
      { 'content-type': 'Text/HTML; Charset=UTF-8' },
      (r) => r.contentType,
      'Text/HTML; Charset=UTF-8',
    ],
    ['contentType is null when absent', {}, (r) => r.contentType, null],
    [
      'mimetype is lower-cased, without parameters',
      { 'content-type': 'Text/HTML; charset=UTF-8' },
      (r) => r.mimetype,
      'text/html',
    ],
    ['mimetype is empty when absent', {}, (r) => r.mimetype, ''],
    [
      'mimetypeParams have lower-cased names',
      { 'content-type': 'text/html; Charset="utf-8"; a=b' },
      (r) => r.mimetypeParams,
      { charset: 'utf-8', a: 'b' },
    ],
    ['contentLength is a number', { 'content-length': '42' }, (r) => r.contentLength, 42],
    ['contentLength is null when absent', {}, (r) => r.contentLength, null],
    [
      'contentLength is null for chunked',
      { 'content-length': '42', 'transfer-encoding': 'chunked' },
      (r) => r.contentLength,
      null,
    ],
    ['contentLength is null when invalid', { 'content-length': 'lots' }, (r) => r.contentLength, null],
    ['userAgent', { 'user-agent': 'curl/8' }, (r) => r.userAgent, 'curl/8'],
    ['origin', { origin: 'https://a.example' }, (r) => r.origin, 'https://a.example'],
    ['referrer reads Referer', { referer: 'https://b.example/' }, (r) => r.referrer, 'https://b.example/'],
  ]
  for (const [name, header, read, expected] of cases)
    it(name, () => expect(read(build({ header }))).toEqual(expected))

  const json: Array<[type: string, isJson: boolean]> = [
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/vnd.api+json', true],
    ['APPLICATION/JSON', true],
    ['text/json', false],
    ['application/jsonx', false],
    ['text/plain', false],
  ]
  for (const [type, isJson] of json) {
    it(`isJson is ${isJson} for ${type}`, () =>
      expect(build({ header: { 'content-type': type } }).isJson).toBe(isJson))
  }
})

describe('negotiation and authorization headers', () => {
  it('parses Accept into a MIMEAccept', () => {
    const request = build({ header: { accept: 'application/json;q=0.5, text/html' } })
    expect(request.accept).toBeInstanceOf(MIMEAccept)
    expect(request.acceptMimetypes.best).toBe('text/html')
    expect(request.accept.bestMatch(['application/json'])).toBe('application/json')
    expect(request.acceptMimetypes).toBe(request.accept)
  })

  it('parses the other Accept headers', () => {
    const request = build({
      header: {
        'accept-language': 'de-AT, en;q=0.5',
        'accept-encoding': 'gzip, br;q=0.9',
        'accept-charset': 'utf-8',
      },
    })
    expect(request.acceptLanguages).toBeInstanceOf(LanguageAccept)
    expect(request.acceptLanguages.bestMatch(['fr', 'de'])).toBe('de')
    expect(request.acceptLanguages.bestMatch(['en', 'de'])).toBe('en') // an exact match beats a primary-tag one
    expect(request.acceptEncodings.values()).toEqual(['gzip', 'br'])
    expect(request.acceptCharsets.includes('UTF8')).toBe(true)
  })

  it('gives an empty, unprovided Accept when the header is absent', () => {
    expect(build().acceptMimetypes.provided).toBe(false)
    expect(build().acceptMimetypes.best).toBeNull()
  })

  const auth: Array<[name: string, header: string, expected: unknown]> = [
    [
      'Basic credentials are decoded',
      'Basic dXNlcjpwYTpzcw==',
      { type: 'basic', username: 'user', password: 'pa:ss' },
    ],
    [
      'Basic without a colon has an empty password',
      'Basic dXNlcg==',
      { type: 'basic', username: 'user', password: '' },
    ],
    ['Basic with bad base64 is null', 'Basic ***', null],
    ['Basic with bad padding is null', 'Basic dXNlcg', null],
    ['Basic that is not UTF-8 is null', 'Basic //79', null],
    ['Bearer keeps its token', 'Bearer abc.def-ghi', { type: 'bearer', token: 'abc.def-ghi' }],
    ['the scheme is case-insensitive', 'BEARER tok==', { type: 'bearer', token: 'tok==' }],
    [
      'Digest gives parameters',
      'Digest username="Mufasa", realm="a, b", nonce=abc',
      { type: 'digest', parameters: { username: 'Mufasa', realm: 'a, b', nonce: 'abc' } },
    ],
  ]
  for (const [name, header, expected] of auth) {
    it(name, () => expect(build({ header: { authorization: header } }).authorization).toEqual(expected))
  }

  it('authorization is null without the header', () => expect(build().authorization).toBeNull())
})

describe('request.text()', () => {
  const cases: Array<[name: string, type: string | undefined, bytes: Uint8Array, expected: string]> = [
    ['UTF-8 by default', undefined, new TextEncoder().encode('café'), 'café'],
    [
      'the charset of the Content-Type',
      'text/plain; charset=iso-8859-1',
      Uint8Array.from([0x63, 0x61, 0x66, 0xe9]),
      'café',
    ],
    [
      'an unknown charset falls back to UTF-8',
      'text/plain; charset=klingon',
      new TextEncoder().encode('café'),
      'café',
    ],
    ['bytes that are not UTF-8 become U+FFFD', 'text/plain', Uint8Array.from([0x61, 0xff]), 'a\uFFFD'],
  ]
  for (const [name, type, bytes, expected] of cases) {
    it(name, async () => {
      const request = build({
        method: 'POST',
        body: bytes,
        ...(type ? { header: { 'content-type': type } } : {}),
      })
      expect(await request.text()).toBe(expected)
    })
  }
})

describe('request.json()', () => {
  const post = (body: string | Uint8Array, type = 'application/json') =>
    build({ method: 'POST', body, header: { 'content-type': type } })

  it('parses a JSON body', async () => {
    expect(await post('{"a": [1, 2]}').json()).toEqual({ a: [1, 2] })
  })

  it('parses application/*+json', async () => {
    expect(await post('{"a": 1}', 'application/vnd.api+json').json()).toEqual({ a: 1 })
  })

  it('skips a UTF-8 byte order mark', async () => {
    expect(await post(Uint8Array.from([0xef, 0xbb, 0xbf, 0x31])).json()).toBe(1)
  })

  it('caches the result and reads the body once', async () => {
    const request = post('{"a": 1}')
    const first = await request.json()
    expect(await request.json()).toBe(first)
    expect(await request.json({ silent: true })).toBe(first)
    expect(request.state.reads).toBe(1)
  })

  const failures: Array<
    [name: string, request: () => Request, options: { force?: boolean; silent?: boolean }, error: unknown]
  > = [
    [
      'a non-JSON type is 415 (Flask 3, not Quart’s None)',
      () => post('{}', 'text/plain'),
      {},
      UnsupportedMediaType,
    ],
    ['no Content-Type is 415', () => build({ method: 'POST', body: '{}' }), {}, UnsupportedMediaType],
    ['invalid JSON is 400', () => post('{nope'), {}, BadRequest],
    ['an empty body is 400', () => post(''), {}, BadRequest],
    ['bytes that are not UTF-8 are 400', () => post(Uint8Array.from([0x22, 0xff, 0x22])), {}, BadRequest],
    ['force does not excuse invalid JSON', () => post('{nope', 'text/plain'), { force: true }, BadRequest],
  ]
  for (const [name, request, options, error] of failures) {
    it(name, async () => {
      await expect(request().json(options)).rejects.toBeInstanceOf(error)
    })
  }

  it('skips a UTF-8 byte-order mark, as Python’s json.loads does', async () => {
    const body = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":"é"}')])
    expect(await post(body).json()).toEqual({ a: 'é' })
  })

  it('reads JSON from a slice of a larger buffer', async () => {
    const whole = new TextEncoder().encode('xx[1,2]yy')
    expect(await post(whole.subarray(2, 7)).json()).toEqual([1, 2])
  })

  it('says why in the 400', async () => {
    const error = (await post('{nope')
      .json()
      .catch((e: unknown) => e)) as BadRequest
    expect(error.status).toBe(400)
    expect(error.description).toMatch(/^Failed to decode JSON object: /)
  })

  it('says why in the 415', async () => {
    const error = (await post('{}', 'text/plain')
      .json()
      .catch((e: unknown) => e)) as UnsupportedMediaType
    expect(error.status).toBe(415)
    expect(error.description).toMatch(/Content-Type was not 'application\/json'/)
  })

  const silent: Array<[name: string, request: () => Request]> = [
    ['silent gives null for a non-JSON type, without reading', () => post('{}', 'text/plain')],
    ['silent gives null for invalid JSON', () => post('{nope')],
  ]
  for (const [name, request] of silent) {
    it(name, async () => {
      expect(await request().json({ silent: true })).toBeNull()
    })
  }

  it('caches a silent failure apart from the loud call', async () => {
    const request = post('{nope')
    expect(await request.json({ silent: true })).toBeNull()
    await expect(request.json()).rejects.toBeInstanceOf(BadRequest)
    expect(request.state.reads).toBe(1)
  })

  it('parses any type with force', async () => {
    expect(await post('[1]', 'text/plain').json({ force: true })).toEqual([1])
  })

  it('lets a body limit through even when silent', async () => {
    const request = build({
      method: 'POST',
      body: '[1, 2, 3]',
      header: { 'content-type': 'application/json', 'content-length': '9' },
      maxContentLength: 4,
    })
    await expect(request.json({ silent: true })).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })
})

describe('routing information', () => {
  const cases: Array<[endpoint: string | null, blueprint: string | null, blueprints: string[]]> = [
    [null, null, []],
    ['index', null, []],
    ['users.show', 'users', ['users']],
    ['admin.users.show', 'admin.users', ['admin.users', 'admin']],
  ]
  for (const [endpoint, blueprint, blueprints] of cases) {
    it(`endpoint ${endpoint} is in blueprint ${blueprint}`, () => {
      const request = build()
      request.endpoint = endpoint
      request.viewArgs = { id: 1 }
      expect(request.blueprint).toBe(blueprint)
      expect(request.blueprints).toEqual(blueprints)
      expect(request.viewArgs).toEqual({ id: 1 })
    })
  }
})
