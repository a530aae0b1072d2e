import { readdirSync, readlinkSync } from 'node:fs'
import { mkdtemp, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PreconditionFailed, RangeNotSatisfiable } from '../../src/exceptions.js'
import { type SendFileOptions, sendFile } from '../../src/files/send-file.js'
import type { Response } from '../../src/wrappers/response.js'

const CONTENT = '0123456789abcdef' // 16 bytes, as in quart-behaviour.md §1.8
const MTIME = new Date('2025-03-04T05:06:07.250Z')
let dir: string
let file: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flagon-send-file-'))
  file = join(dir, 'digits.txt')
  await writeFile(file, CONTENT)
  await utimes(file, MTIME, MTIME)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const get = (headers: Record<string, string> = {}, method = 'GET') => ({
  method,
  headers: new Headers(headers),
})
const send = (options: SendFileOptions = {}) => sendFile(file, options)
const text = async (response: Response) => new TextDecoder().decode(await response.bytes())

describe('sendFile(path)', () => {
  it('sends the file with its length, type, Last-Modified and an ETag', async () => {
    const res = await send({ request: get() })
    expect(res.status).toBe(200)
    expect(await text(res)).toBe(CONTENT)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-length')).toBe('16')
    expect(res.headers.get('last-modified')).toBe('Tue, 04 Mar 2025 05:06:07 GMT')
    expect(res.headers.get('etag')).toMatch(/^"1741064767\.25-16-\d+"$/)
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('content-disposition')).toBeNull()
  })

  it('makes the same ETag each time, and a new one when the file changes', async () => {
    const first = (await send()).headers.get('etag')
    expect((await send()).headers.get('etag')).toBe(first)
    const other = join(dir, 'changing.txt')
    await writeFile(other, 'one')
    await utimes(other, MTIME, MTIME)
    const before = (await sendFile(other)).headers.get('etag')
    await writeFile(other, 'three')
    await utimes(other, MTIME, MTIME)
    expect((await sendFile(other)).headers.get('etag')).not.toBe(before)
  })

  const caching: Array<[name: string, options: SendFileOptions, cacheControl: string, expires: boolean]> = [
    ['public and no max-age without a default', {}, 'public', false],
    [
      'the default max age (Quart: public, max-age=43200)',
      { defaultMaxAge: 43200 },
      'public, max-age=43200',
      true,
    ],
    [
      'an explicit max age over the default',
      { defaultMaxAge: 43200, maxAge: 60 },
      'public, max-age=60',
      true,
    ],
    ['null turns the default off', { defaultMaxAge: 43200, maxAge: null }, 'public', false],
    [
      'a function of the path',
      { maxAge: (path) => (path?.endsWith('.txt') ? 5 : 0) },
      'public, max-age=5',
      true,
    ],
  ]
  for (const [name, options, cacheControl, expires] of caching) {
    it(`caching: ${name}`, async () => {
      const res = await send(options)
      expect(res.headers.get('cache-control')).toBe(cacheControl)
      expect(res.headers.has('expires')).toBe(expires)
    })
  }

  it('sets Expires max-age seconds ahead', async () => {
    const res = await send({ maxAge: 3600 })
    const expires = Date.parse(res.headers.get('expires')!)
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(2000)
  })

  const options: Array<[name: string, options: SendFileOptions, header: string, value: string | null]> = [
    ['etag: false sends none', { etag: false }, 'etag', null],
    ['an etag string is quoted', { etag: 'v1' }, 'etag', '"v1"'],
    ['a quoted weak etag is kept', { etag: 'W/"v1"' }, 'etag', 'W/"v1"'],
    [
      'lastModified as a Date',
      { lastModified: new Date(0) },
      'last-modified',
      'Thu, 01 Jan 1970 00:00:00 GMT',
    ],
    [
      'lastModified in milliseconds',
      { lastModified: 86_400_000 },
      'last-modified',
      'Fri, 02 Jan 1970 00:00:00 GMT',
    ],
    [
      'a mimetype wins over the guess',
      { mimetype: 'application/x-digits' },
      'content-type',
      'application/x-digits',
    ],
    [
      'the type is guessed from downloadName',
      { downloadName: 'digits.csv' },
      'content-type',
      'text/csv; charset=utf-8',
    ],
    [
      'asAttachment names the file',
      { asAttachment: true },
      'content-disposition',
      'attachment; filename="digits.txt"',
    ],
    [
      'asAttachment with a non-ASCII downloadName sends both forms',
      { asAttachment: true, downloadName: 'résumé.txt' },
      'content-disposition',
      `attachment; filename="resume.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
    ],
    [
      'a downloadName alone is inline, as Flask',
      { downloadName: 'digits.txt' },
      'content-disposition',
      'inline; filename="digits.txt"',
    ],
  ]
  for (const [name, opts, header, value] of options) {
    it(name, async () => {
      expect((await send(opts)).headers.get(header)).toBe(value)
    })
  }

  it('falls back to application/octet-stream for an unknown extension', async () => {
    const odd = join(dir, 'blob.unknownext')
    await writeFile(odd, 'x')
    expect((await sendFile(odd)).headers.get('content-type')).toBe('application/octet-stream')
  })

  it('refuses a directory with an Error that names it', async () => {
    await expect(sendFile(dir)).rejects.toThrow(/is not a regular file/)
  })

  it('lets a missing path fail with the fs error (a bug in the app, not a 404)', async () => {
    await expect(sendFile(join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('sendFile(data)', () => {
  const bytes = new TextEncoder().encode(CONTENT)

  it('sends bytes with their length, and no ETag, Last-Modified or max-age', async () => {
    const res = await sendFile(bytes, { mimetype: 'text/plain', defaultMaxAge: 43200 })
    expect(await text(res)).toBe(CONTENT)
    expect(res.headers.get('content-length')).toBe('16')
    expect(res.headers.get('etag')).toBeNull()
    expect(res.headers.get('last-modified')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('public')
  })

  it('guesses the type from downloadName', async () => {
    const res = await sendFile(bytes, { downloadName: 'report.pdf', asAttachment: true })
    expect(res.headers.get('content-type')).toBe('application/pdf')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"')
  })

  it('sends a Node stream as it is, without a length', async () => {
    const res = await sendFile(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), {
      mimetype: 'text/plain',
    })
    expect(res.headers.get('content-length')).toBeNull()
    expect(await text(res)).toBe('abcd')
  })

  it('answers ranges on bytes', async () => {
    const res = await sendFile(bytes, { mimetype: 'text/plain', request: get({ Range: 'bytes=-3' }) })
    expect(res.status).toBe(206)
    expect(await text(res)).toBe('def')
  })

  it('ignores ranges on a stream of unknown length', async () => {
    const stream = Readable.from([Buffer.from(CONTENT)])
    const res = await sendFile(stream, { mimetype: 'text/plain', request: get({ Range: 'bytes=2-5' }) })
    expect(res.status).toBe(200)
    expect(await text(res)).toBe(CONTENT)
  })

  const refusals: Array<[name: string, options: SendFileOptions, message: RegExp]> = [
    ['with neither mimetype nor downloadName', {}, /cannot guess the media type/],
    [
      'as an attachment with no downloadName',
      { mimetype: 'text/plain', asAttachment: true },
      /needs a downloadName/,
    ],
  ]
  for (const [name, options, message] of refusals) {
    it(`refuses data ${name}`, async () => {
      await expect(sendFile(bytes, options)).rejects.toThrow(message)
    })
  }
})

describe('sendFile answers conditional requests (GET and HEAD)', () => {
  const lastModified = 'Tue, 04 Mar 2025 05:06:07 GMT'
  const etagOf = async () => (await send()).headers.get('etag')!

  it('304: If-None-Match with the ETag, cache headers kept and no body or length', async () => {
    const res = await send({ request: get({ 'If-None-Match': await etagOf() }), maxAge: 60 })
    expect(res.status).toBe(304)
    expect(res.body).toBeNull()
    expect(res.headers.get('content-length')).toBeNull()
    for (const header of ['etag', 'last-modified', 'cache-control', 'expires', 'content-type']) {
      expect(res.headers.has(header), header).toBe(true)
    }
  })

  const conditions: Array<[name: string, headers: (etag: string) => Record<string, string>, status: number]> =
    [
      ['If-None-Match: * → 304', () => ({ 'If-None-Match': '*' }), 304],
      [
        'If-None-Match with the weak form of the ETag → 304',
        (etag) => ({ 'If-None-Match': `W/${etag}` }),
        304,
      ],
      ['If-None-Match in a list → 304', (etag) => ({ 'If-None-Match': `"other", ${etag}` }), 304],
      ['If-None-Match with another ETag → 200', () => ({ 'If-None-Match': '"other"' }), 200],
      ['If-Modified-Since at Last-Modified → 304', () => ({ 'If-Modified-Since': lastModified }), 304],
      [
        'If-Modified-Since later → 304',
        () => ({ 'If-Modified-Since': 'Wed, 05 Mar 2025 00:00:00 GMT' }),
        304,
      ],
      [
        'If-Modified-Since earlier → 200',
        () => ({ 'If-Modified-Since': 'Mon, 03 Mar 2025 00:00:00 GMT' }),
        200,
      ],
      ['If-Modified-Since that is not a date → 200', () => ({ 'If-Modified-Since': 'soon' }), 200],
      [
        'If-None-Match wins over If-Modified-Since',
        () => ({ 'If-None-Match': '"other"', 'If-Modified-Since': lastModified }),
        200,
      ],
      ['If-Match with the ETag → 200', (etag) => ({ 'If-Match': etag }), 200],
      ['If-Match: * → 200', () => ({ 'If-Match': '*' }), 200],
      ['If-Unmodified-Since at Last-Modified → 200', () => ({ 'If-Unmodified-Since': lastModified }), 200],
    ]
  for (const [name, headers, status] of conditions) {
    it(name, async () => {
      const res = await send({ request: get(headers(await etagOf())) })
      expect(res.status).toBe(status)
      expect(await text(res)).toBe(status === 200 ? CONTENT : '')
    })
  }

  const failures: Array<[name: string, headers: (etag: string) => Record<string, string>]> = [
    ['If-Match with another ETag', () => ({ 'If-Match': '"other"' })],
    ['If-Match with the weak form (strong comparison)', (etag) => ({ 'If-Match': `W/${etag}` })],
    ['If-Unmodified-Since earlier', () => ({ 'If-Unmodified-Since': 'Mon, 03 Mar 2025 00:00:00 GMT' })],
    [
      'If-Match failing even when If-None-Match would give 304',
      () => ({ 'If-Match': '"x"', 'If-None-Match': '*' }),
    ],
  ]
  for (const [name, headers] of failures) {
    it(`412: ${name}`, async () => {
      const error = await send({ request: get(headers(await etagOf())) }).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(PreconditionFailed)
      expect((error as PreconditionFailed).getResponse().status).toBe(412)
    })
  }

  const unconditional: Array<[name: string, options: SendFileOptions]> = [
    ['a POST', { request: get({ 'If-None-Match': '*' }, 'POST') }],
    ['conditional: false', { request: get({ 'If-None-Match': '*' }), conditional: false }],
    ['no request', {}],
  ]
  for (const [name, options] of unconditional) {
    it(`is not conditional for ${name}`, async () => {
      expect((await send(options)).status).toBe(200)
    })
  }

  it('answers a HEAD with the headers of the full 200, ignoring Range', async () => {
    const res = await send({ request: get({ Range: 'bytes=2-5' }, 'HEAD') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe('16')
  })
})

describe('sendFile answers range requests on a 16-byte file', () => {
  const ranges: Array<[name: string, range: string, body: string, contentRange: string]> = [
    ['a closed range', 'bytes=2-5', '2345', 'bytes 2-5/16'],
    ['an open range', 'bytes=12-', 'cdef', 'bytes 12-15/16'],
    ['a suffix range (Quart answers 500)', 'bytes=-3', 'def', 'bytes 13-15/16'],
    ['a range past the end, cut', 'bytes=14-99', 'ef', 'bytes 14-15/16'],
    ['one satisfiable range among unsatisfiable ones', 'bytes=50-60,0-0', '0', 'bytes 0-0/16'],
  ]
  for (const [name, range, body, contentRange] of ranges) {
    it(`206: ${name}`, async () => {
      const res = await send({ request: get({ Range: range }) })
      expect(res.status).toBe(206)
      expect(await text(res)).toBe(body)
      expect(res.headers.get('content-length')).toBe(String(body.length))
      expect(res.headers.get('content-range')).toBe(contentRange)
      expect(res.headers.get('accept-ranges')).toBe('bytes')
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    })
  }

  const unsatisfiable: Array<[name: string, range: string]> = [
    ['a range past the end', 'bytes=20-30'],
    ['a zero-length suffix', 'bytes=-0'],
  ]
  for (const [name, range] of unsatisfiable) {
    it(`416: ${name}, with Content-Range: bytes */16`, async () => {
      const error = await send({ request: get({ Range: range }) }).catch((err: unknown) => err)
      expect(error).toBeInstanceOf(RangeNotSatisfiable)
      const res = (error as RangeNotSatisfiable).getResponse()
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe('bytes */16')
    })
  }

  const ignored: Array<[name: string, headers: Record<string, string>]> = [
    ['a malformed Range', { Range: 'bytes=5-2' }],
    ['another unit', { Range: 'lines=1-2' }],
    ['If-Range with a stale ETag', { Range: 'bytes=2-5', 'If-Range': '"stale"' }],
    ['If-Range with a stale date', { Range: 'bytes=2-5', 'If-Range': 'Mon, 03 Mar 2025 00:00:00 GMT' }],
    ['If-Range with a weak ETag', { Range: 'bytes=2-5', 'If-Range': 'W/"x"' }],
    ['overlapping ranges adding up to more than the file', { Range: 'bytes=0-15,0-15' }],
  ]
  for (const [name, headers] of ignored) {
    it(`200 with the whole file: ${name}`, async () => {
      const res = await send({ request: get(headers) })
      expect(res.status).toBe(200)
      expect(await text(res)).toBe(CONTENT)
    })
  }

  const current: Array<[name: string, ifRange: (etag: string) => string]> = [
    ['the current ETag', (etag) => etag],
    ['the exact Last-Modified date', () => 'Tue, 04 Mar 2025 05:06:07 GMT'],
  ]
  for (const [name, ifRange] of current) {
    it(`206 when If-Range holds ${name}`, async () => {
      const etag = (await send()).headers.get('etag')!
      const res = await send({ request: get({ Range: 'bytes=2-5', 'If-Range': ifRange(etag) }) })
      expect(res.status).toBe(206)
      expect(await text(res)).toBe('2345')
    })
  }

  it('206 multipart/byteranges for several ranges, with an exact Content-Length', async () => {
    const res = await send({ request: get({ Range: 'bytes=0-1,-3' }) })
    expect(res.status).toBe(206)
    const type = res.headers.get('content-type')!
    const boundary = /^multipart\/byteranges; boundary=([0-9a-f]+)$/.exec(type)?.[1]
    expect(boundary).toBeDefined()
    const body = await text(res)
    expect(body).toBe(
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/16\r\n\r\n01` +
        `\r\n--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 13-15/16\r\n\r\ndef` +
        `\r\n--${boundary}--\r\n`,
    )
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)))
    expect(res.headers.get('content-range')).toBeNull()
  })
})

// The paths of this process's open file descriptors (Linux), to see which files are open.
const openFiles = () =>
  readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`)
    } catch {
      return ''
    }
  })
const opened = (path: string) => openFiles().filter((target) => target === path).length

describe.skipIf(process.platform !== 'linux')('sendFile streams files', () => {
  let big: string
  const SIZE = 20 * 1024 * 1024
  beforeAll(async () => {
    big = join(dir, 'big.bin')
    await writeFile(big, Buffer.alloc(SIZE, 7))
  })

  it('streams a 20 MB file in several chunks, never as one Uint8Array', async () => {
    const res = await sendFile(big)
    expect(res.body).not.toBeInstanceOf(Uint8Array)
    expect(typeof (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]).toBe('function')
    let chunks = 0
    let total = 0
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      chunks++
      total += chunk.byteLength
      expect(chunk.byteLength).toBeLessThan(SIZE)
    }
    expect(chunks).toBeGreaterThan(10)
    expect(total).toBe(SIZE)
    expect(opened(big)).toBe(0)
  })

  it('closes the file when the client stops reading', async () => {
    const res = await sendFile(big)
    const chunks = (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
    expect(opened(big)).toBe(0) // not opened until sending starts
    await chunks.next()
    await chunks.next()
    expect(opened(big)).toBe(1)
    await chunks.return?.()
    expect(opened(big)).toBe(0)
  })

  it('streams a range from the middle of a large file', async () => {
    const res = await sendFile(big, { request: get({ Range: `bytes=${SIZE - 1_000_000}-` }) })
    expect(res.status).toBe(206)
    expect(res.body).not.toBeInstanceOf(Uint8Array)
    expect((await res.bytes()).byteLength).toBe(1_000_000)
    expect(opened(big)).toBe(0)
  })

  it('never opens the file for a 304 or a 416', async () => {
    const etag = (await sendFile(big)).headers.get('etag')!
    const notModified = await sendFile(big, { request: get({ 'If-None-Match': etag }) })
    expect(notModified.status).toBe(304)
    await expect(sendFile(big, { request: get({ Range: `bytes=${SIZE}-` }) })).rejects.toBeInstanceOf(
      RangeNotSatisfiable,
    )
    expect(opened(big)).toBe(0)
  })

  it('fails, rather than send short, when the file shrinks while it is sent', async () => {
    const shrinking = join(dir, 'shrinking.bin')
    await writeFile(shrinking, Buffer.alloc(1024, 1))
    const res = await sendFile(shrinking)
    await truncate(shrinking, 10)
    await expect(res.bytes()).rejects.toThrow(/changed while it was sent/)
    expect(opened(shrinking)).toBe(0)
    expect((await stat(shrinking)).size).toBe(10)
  })
})
