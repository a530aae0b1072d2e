import { describe, expect, it } from 'vitest'
import { PreconditionFailed } from '../../src/exceptions.js'
import { type MakeConditionalOptions, makeConditional } from '../../src/files/conditional.js'
import { Response } from '../../src/wrappers/response.js'

const CONTENT = '0123456789abcdef'
const get = (headers: Record<string, string> = {}, method = 'GET') => ({
  method,
  headers: new Headers(headers),
})

async function* chunked(text: string, size = 3): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

/** A streamed body that records whether it was closed. */
function tracked(text: string) {
  const state = { closed: false }
  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      yield* chunked(text)
    } finally {
      state.closed = true
    }
  }
  return { body: body(), state }
}

describe('makeConditional on any response', () => {
  const cases: Array<
    [
      name: string,
      make: () => Response,
      headers: Record<string, string>,
      options: MakeConditionalOptions,
      status: number,
      body: string,
    ]
  > = [
    [
      'a string body gets its range',
      () => new Response(CONTENT),
      { Range: 'bytes=2-5' },
      { acceptRanges: true },
      206,
      '2345',
    ],
    [
      'bytes get their range',
      () => new Response(new TextEncoder().encode(CONTENT)),
      { Range: 'bytes=-2' },
      { acceptRanges: true },
      206,
      'ef',
    ],
    [
      'a stream of known length gets a single range',
      () => new Response(chunked(CONTENT)),
      { Range: 'bytes=4-9' },
      { acceptRanges: true, completeLength: 16 },
      206,
      '456789',
    ],
    [
      'a stream cannot give several ranges, so it is sent whole',
      () => new Response(chunked(CONTENT)),
      { Range: 'bytes=0-1,4-5' },
      { acceptRanges: true, completeLength: 16 },
      200,
      CONTENT,
    ],
    [
      'a stream of unknown length is sent whole',
      () => new Response(chunked(CONTENT)),
      { Range: 'bytes=0-1' },
      { acceptRanges: true },
      200,
      CONTENT,
    ],
    [
      'Range is ignored without acceptRanges',
      () => new Response(CONTENT),
      { Range: 'bytes=2-5' },
      {},
      200,
      CONTENT,
    ],
    [
      'an empty body answers any Range with 200',
      () => new Response(''),
      { Range: 'bytes=0-' },
      { acceptRanges: true },
      200,
      '',
    ],
    [
      'an error response is left alone',
      () => new Response('gone', { status: 404, headers: { ETag: '"x"' } }),
      { 'If-None-Match': '"x"', Range: 'bytes=0-1' },
      { acceptRanges: true },
      404,
      'gone',
    ],
    [
      'a 201 is conditional but gets no range',
      () => new Response('made', { status: 201, headers: { ETag: '"x"' } }),
      { Range: 'bytes=0-1' },
      { acceptRanges: true },
      201,
      'made',
    ],
    [
      'a response with an ETag answers If-None-Match',
      () => new Response(CONTENT, { headers: { ETag: '"v2"' } }),
      { 'If-None-Match': 'W/"v2"' },
      {},
      304,
      '',
    ],
    [
      'no ETag means no If-None-Match match',
      () => new Response(CONTENT),
      { 'If-None-Match': '"v2"' },
      {},
      200,
      CONTENT,
    ],
    [
      'multipart ranges on a string body',
      () => new Response(CONTENT, { mimetype: 'text/plain' }),
      { Range: 'bytes=0-0,15-15' },
      { acceptRanges: true },
      206,
      'multipart',
    ],
  ]
  for (const [name, make, headers, options, status, body] of cases) {
    it(name, async () => {
      const res = await makeConditional(make(), get(headers), options)
      expect(res.status).toBe(status)
      const text = await res.text()
      if (body === 'multipart') {
        expect(res.headers.get('content-type')).toMatch(/^multipart\/byteranges; boundary=/)
        expect(text).toMatch(/Content-Range: bytes 0-0\/16\r\n\r\n0\r\n--/)
        expect(text).toMatch(/Content-Range: bytes 15-15\/16\r\n\r\nf\r\n--\w+--\r\n$/)
      } else {
        expect(text).toBe(body)
      }
    })
  }

  it('closes a streamed body it will not send (304)', async () => {
    const { body, state } = tracked(CONTENT)
    await body.next() // started, so that return() runs its finally
    const res = new Response(body, { headers: { ETag: '"v"' } })
    await makeConditional(res, get({ 'If-None-Match': '"v"' }))
    expect(res.status).toBe(304)
    expect(state.closed).toBe(true)
  })

  it('closes a streamed body on a failed precondition (412)', async () => {
    const { body, state } = tracked(CONTENT)
    await body.next()
    const res = new Response(body, { headers: { ETag: '"v"' } })
    await expect(makeConditional(res, get({ 'If-Match': '"w"' }))).rejects.toBeInstanceOf(PreconditionFailed)
    expect(state.closed).toBe(true)
  })

  it('stops reading a stream at the end of the range', async () => {
    const { body, state } = tracked(CONTENT)
    const res = await makeConditional(new Response(body), get({ Range: 'bytes=0-3' }), {
      acceptRanges: true,
      completeLength: 16,
    })
    expect(await res.text()).toBe('0123')
    expect(state.closed).toBe(true)
  })

  it('leaves other methods alone', async () => {
    const res = new Response(CONTENT, { headers: { ETag: '"v"' } })
    await makeConditional(res, get({ 'If-None-Match': '"v"', Range: 'bytes=0-1' }, 'PUT'), {
      acceptRanges: true,
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('accept-ranges')).toBeNull()
  })
})
