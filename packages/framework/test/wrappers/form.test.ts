import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { RequestEntityTooLarge } from '../../src/exceptions.js'
import { Request, type RequestInit } from '../../src/wrappers/request.js'

/** A request whose body is `bytes`, sent in a few chunks; `pulls` counts the chunks read. */
function build(bytes: Uint8Array | string, contentType: string | null, init: Partial<RequestInit> = {}) {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes
  const state = { pulls: 0 }
  async function* body() {
    for (let at = 0; at < data.byteLength; at += 16 * 1024) {
      state.pulls++
      yield data.subarray(at, at + 16 * 1024)
    }
  }
  const headers = new Headers({ 'content-length': String(data.byteLength) })
  if (contentType !== null) headers.set('content-type', contentType)
  const request = new Request({
    method: 'POST',
    scheme: 'http',
    host: 'localhost',
    path: '/',
    queryString: '',
    headers,
    remoteAddr: null,
    body: body(),
    ...init,
  })
  return { request, state }
}

/** Encodes entries the way a browser does, with the global FormData. */
async function multipart(entries: Array<[name: string, value: string | Blob, filename?: string]>) {
  const form = new FormData()
  for (const [name, value, filename] of entries) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, value, filename)
  }
  const response = new Response(form)
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') as string,
  }
}

describe('an urlencoded form', () => {
  const cases: Array<[name: string, body: string, type: string, expected: Array<[string, string]>]> = [
    [
      'repeated keys keep every value in order',
      'a=1&b=2&a=3',
      'application/x-www-form-urlencoded',
      [
        ['a', '1'],
        ['b', '2'],
        ['a', '3'],
      ],
    ],
    [
      '+ is a space and escapes decode',
      'q=caf%C3%A9+au+lait',
      'application/x-www-form-urlencoded',
      [['q', 'café au lait']],
    ],
    [
      'a key without = has an empty value',
      'flag&x=',
      'application/x-www-form-urlencoded',
      [
        ['flag', ''],
        ['x', ''],
      ],
    ],
    ['a broken escape stays as sent', 'x=%zz%', 'application/x-www-form-urlencoded', [['x', '%zz%']]],
    [
      'the old application/x-url-encoded type is parsed too',
      'a=1',
      'application/x-url-encoded',
      [['a', '1']],
    ],
    [
      'the charset parameter does not matter',
      'a=1',
      'application/x-www-form-urlencoded; charset=utf-8',
      [['a', '1']],
    ],
    ['an empty body is an empty form', '', 'application/x-www-form-urlencoded', []],
  ]
  for (const [name, body, type, expected] of cases) {
    it(name, async () => {
      const { request } = build(body, type)
      expect([...(await request.form())]).toEqual(expected)
      expect((await request.files()).size).toBe(0)
    })
  }

  it('is not limited by maxFormParts (Quart 0.21)', async () => {
    const { request } = build('a=1&b=2&c=3', 'application/x-www-form-urlencoded', { maxFormParts: 1 })
    expect((await request.form()).size).toBe(3)
  })

  it('is limited by maxContentLength', async () => {
    const { request } = build('a=123456', 'application/x-www-form-urlencoded', { maxContentLength: 4 })
    await expect(request.form()).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })
})

describe('a multipart form', () => {
  it('gives fields to form() and files to files()', async () => {
    const { bytes, contentType } = await multipart([
      ['name', 'Ada'],
      ['tag', 'a'],
      ['tag', 'b'],
      ['avatar', new Blob(['PNG…'], { type: 'image/png' }), 'me.png'],
    ])
    const { request } = build(bytes, contentType)
    const form = await request.form()
    expect(form.get('name')).toBe('Ada')
    expect(form.getAll('tag')).toEqual(['a', 'b'])
    expect(form.has('avatar')).toBe(false)
    const avatar = (await request.files()).get('avatar')
    expect(avatar?.filename).toBe('me.png')
    expect(avatar?.contentType).toBe('image/png')
    expect(await avatar?.text()).toBe('PNG…')
  })

  it('decodes UTF-8 field names and values', async () => {
    const { bytes, contentType } = await multipart([['città', 'Zürich ✓']])
    const { request } = build(bytes, contentType)
    expect((await request.form()).get('città')).toBe('Zürich ✓')
  })

  it('parses once for concurrent callers', async () => {
    const { bytes, contentType } = await multipart([['a', '1']])
    const { request } = build(bytes, contentType)
    const [form, again, files] = await Promise.all([request.form(), request.form(), request.files()])
    expect(again).toBe(form)
    expect(files.size).toBe(0)
    expect(await request.form()).toBe(form)
  })

  it('leaves the raw body readable after parsing', async () => {
    const { bytes, contentType } = await multipart([['a', '1']])
    const { request } = build(bytes, contentType)
    await request.form()
    expect((await request.body()).byteLength).toBe(bytes.byteLength)
  })

  it('reads a Node Readable body', async () => {
    const { bytes, contentType } = await multipart([['a', '1']])
    const { request } = build('', contentType, {
      body: Readable.from([Buffer.from(bytes)]),
      headers: new Headers({ 'content-type': contentType }),
    })
    expect((await request.form()).get('a')).toBe('1')
  })
})

describe('a form body that cannot be parsed is an empty form (Werkzeug is silent)', () => {
  const cases: Array<[name: string, body: string, type: string | null]> = [
    [
      'multipart without a boundary',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
      'multipart/form-data',
    ],
    [
      'multipart garbage',
      'this is not multipart at all',
      'multipart/form-data; boundary=abcdefghijklmnopqrstuvwxyz0123',
    ],
    [
      'multipart cut short',
      '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
      'multipart/form-data; boundary=b',
    ],
    [
      'multipart without a name',
      '--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n',
      'multipart/form-data; boundary=b',
    ],
    ['JSON', '{"a": 1}', 'application/json'],
    ['plain text', 'a=1', 'text/plain'],
    ['no Content-Type', 'a=1', null],
  ]
  for (const [name, body, type] of cases) {
    it(name, async () => {
      const { request } = build(body, type)
      expect((await request.form()).size).toBe(0)
      expect((await request.files()).size).toBe(0)
    })
  }

  it('does not read the body of a type that is not a form', async () => {
    const { request, state } = build('{"a": 1}', 'application/json')
    await request.form()
    expect(state.pulls).toBe(0)
    expect(await request.json()).toEqual({ a: 1 })
  })
})

describe('multipart limits', () => {
  it('refuses more parts than maxFormParts with 413', async () => {
    const { bytes, contentType } = await multipart([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ])
    const { request } = build(bytes, contentType, { maxFormParts: 2 })
    const error = await request.form().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestEntityTooLarge)
    expect((error as RequestEntityTooLarge).status).toBe(413)
  })

  it('accepts exactly maxFormParts parts', async () => {
    const { bytes, contentType } = await multipart([
      ['a', '1'],
      ['f', new Blob(['x']), 'x.txt'],
    ])
    const { request } = build(bytes, contentType, { maxFormParts: 2 })
    expect((await request.form()).size).toBe(1)
    expect((await request.files()).size).toBe(1)
  })

  it('refuses a field larger than maxFormMemorySize with 413', async () => {
    const { bytes, contentType } = await multipart([['big', 'x'.repeat(101)]])
    const { request } = build(bytes, contentType, { maxFormMemorySize: 100 })
    await expect(request.form()).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })

  it('measures a field in bytes, not characters', async () => {
    const { bytes, contentType } = await multipart([['big', 'é'.repeat(60)]])
    const { request } = build(bytes, contentType, { maxFormMemorySize: 100 })
    await expect(request.form()).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })

  it('does not apply maxFormMemorySize to files', async () => {
    const { bytes, contentType } = await multipart([['f', new Blob(['x'.repeat(1000)]), 'f.txt']])
    const { request } = build(bytes, contentType, { maxFormMemorySize: 100 })
    expect((await request.files()).get('f')?.size).toBe(1000)
  })

  it('reads the limits when parsing, so a route can raise them first', async () => {
    const { bytes, contentType } = await multipart([
      ['a', '1'],
      ['b', '2'],
    ])
    const { request } = build(bytes, contentType, { maxFormParts: 1 })
    request.maxFormParts = 10
    expect((await request.form()).size).toBe(2)
  })

  it('may be retried after a 413 once the limit is raised', async () => {
    const { bytes, contentType } = await multipart([
      ['a', '1'],
      ['b', '2'],
    ])
    const { request } = build(bytes, contentType, { maxFormParts: 1 })
    await expect(request.form()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    request.maxFormParts = null
    expect((await request.form()).size).toBe(2)
  })

  it('refuses a declared Content-Length above maxContentLength before reading', async () => {
    const { bytes, contentType } = await multipart([['a', 'x'.repeat(100)]])
    const { request, state } = build(bytes, contentType, { maxContentLength: 50 })
    await expect(request.form()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(state.pulls).toBe(0)
  })
})

describe('values()', () => {
  it('combines the query and the form for POST, query first', async () => {
    const { request } = build('a=form&b=2', 'application/x-www-form-urlencoded', { queryString: 'a=query' })
    const values = await request.values()
    expect(values.get('a')).toBe('query')
    expect(values.getAll('a')).toEqual(['query', 'form'])
    expect(values.get('b')).toBe('2')
  })

  it('leaves the form out for GET', async () => {
    const { request, state } = build('b=2', 'application/x-www-form-urlencoded', {
      method: 'GET',
      queryString: 'a=1',
    })
    const values = await request.values()
    expect([...values]).toEqual([['a', '1']])
    expect(state.pulls).toBe(0)
  })
})
