import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { BadRequest, RequestEntityTooLarge, RequestTimeout } from '../../src/exceptions.js'
import { ClientDisconnected } from '../../src/wrappers/body.js'
import { Request, type RequestInit } from '../../src/wrappers/request.js'

const MB = 1024 * 1024

function build(init: Partial<RequestInit> & { header?: Record<string, string> } = {}): Request {
  const { header, ...rest } = init
  return new Request({
    method: 'POST',
    scheme: 'http',
    host: 'localhost',
    path: '/',
    queryString: '',
    headers: new Headers(header),
    remoteAddr: '127.0.0.1',
    body: null,
    ...rest,
  })
}

/** An async generator of `count` chunks of `size` bytes that counts how many were pulled. */
function counted(count: number, size: number, delayMs = 0) {
  const state = { pulled: 0, finished: false }
  async function* chunks() {
    try {
      for (let i = 0; i < count; i++) {
        if (delayMs) await sleep(delayMs)
        state.pulled++
        yield new Uint8Array(size).fill(i % 256)
      }
    } finally {
      state.finished = true
    }
  }
  return { state, body: chunks() }
}

const encode = (text: string) => new TextEncoder().encode(text)

describe('reading a whole body', () => {
  const sources: Array<[name: string, body: () => AsyncIterable<Uint8Array> | null, expected: string]> = [
    ['a Node Readable is read whole', () => Readable.from([Buffer.from('hel'), Buffer.from('lo')]), 'hello'],
    [
      'an async generator is read whole',
      () =>
        (async function* () {
          yield encode('a')
          yield encode('b')
        })(),
      'ab',
    ],
    ['a WHATWG ReadableStream is read whole', () => new Blob(['web ', 'stream']).stream(), 'web stream'],
    ['no body reads as empty bytes', () => null, ''],
  ]
  for (const [name, body, expected] of sources) {
    it(name, async () => {
      const bytes = await build({ body: body() }).body()
      expect(new TextDecoder().decode(bytes)).toBe(expected)
    })
  }

  it('reads the source once and gives the cached bytes after', async () => {
    const { state, body } = counted(3, 10)
    const request = build({ body })
    const [first, second] = await Promise.all([request.body(), request.body()])
    expect(first.byteLength).toBe(30)
    expect(await request.body()).toBe(first)
    expect(second).toBe(first)
    expect(state.pulled).toBe(3)
  })
})

describe('streaming a body', () => {
  it('yields the chunks as they arrive', async () => {
    const { body } = counted(3, 4)
    const sizes: number[] = []
    for await (const chunk of build({ body }).body()) sizes.push(chunk.byteLength)
    expect(sizes).toEqual([4, 4, 4])
  })

  it('refuses a full read afterwards with a clear Error (not an HTTP error)', async () => {
    const request = build({ body: counted(2, 4).body })
    for await (const _ of request.body()) {
      // consume
    }
    const error = await Promise.resolve(request.body()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(BadRequest)
    expect((error as Error).message).toMatch(/already streamed/)
    await expect(request.text()).rejects.toThrow(/already streamed/)
  })

  it('replays the cached bytes when the body was already read', async () => {
    const request = build({ body: counted(2, 4).body })
    await request.body()
    const chunks: Uint8Array[] = []
    for await (const chunk of request.body()) chunks.push(chunk)
    expect(chunks.map((c) => c.byteLength)).toEqual([8])
  })

  it('lets the source go when the consumer stops early', async () => {
    const { state, body } = counted(10, 4)
    for await (const _ of build({ body }).body()) break
    expect(state.finished).toBe(true)
    expect(state.pulled).toBe(1)
  })
})

describe('maxContentLength', () => {
  it('refuses a declared Content-Length above it with 413, without reading', async () => {
    const { state, body } = counted(2, 10)
    const request = build({ body, header: { 'content-length': String(2 * MB) }, maxContentLength: MB })
    const error = await Promise.resolve(request.body()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestEntityTooLarge)
    expect((error as RequestEntityTooLarge).status).toBe(413)
    expect((error as RequestEntityTooLarge).description).toBe(
      'The data value transmitted exceeds the capacity limit.',
    )
    expect(state.pulled).toBe(0)
  })

  it('is read when the body is, so a route can raise it first (Quart #425)', async () => {
    const { body } = counted(2, 10)
    const request = build({ body, header: { 'content-length': '20' }, maxContentLength: 10 })
    request.maxContentLength = 100
    expect((await request.body()).byteLength).toBe(20)
  })

  it('can be raised after a declared-length 413, since nothing was consumed', async () => {
    const { body } = counted(2, 10)
    const request = build({ body, header: { 'content-length': '20' }, maxContentLength: 10 })
    await expect(request.body()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    request.maxContentLength = null
    expect((await request.body()).byteLength).toBe(20)
  })

  it('stops a stream that grows past it at the crossing chunk (2 MB sent, 1 MB allowed)', async () => {
    const chunk = 64 * 1024
    const { state, body } = counted((2 * MB) / chunk, chunk)
    const request = build({ body, maxContentLength: MB })
    await expect(request.body()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(state.pulled).toBe(MB / chunk + 1)
  })

  it('stops a streamed iteration past it too', async () => {
    const { state, body } = counted(10, 100)
    const seen: number[] = []
    const consume = async () => {
      for await (const c of build({ body, maxContentLength: 250 }).body()) seen.push(c.byteLength)
    }
    await expect(consume()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(seen).toEqual([100, 100])
    expect(state.pulled).toBe(3)
  })

  it('keeps failing after a mid-stream 413: the stream is half consumed', async () => {
    const request = build({ body: counted(5, 10).body, maxContentLength: 15 })
    await expect(request.body()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    request.maxContentLength = null
    await expect(request.body()).rejects.toBeInstanceOf(RequestEntityTooLarge)
  })
})

describe('bodyTimeout', () => {
  it('answers 408 when the body is not complete in time, without waiting for it', async () => {
    const { state, body } = counted(50, 10, 50) // 2.5 s to send it all
    const request = build({ body, bodyTimeout: 0.1 })
    const started = Date.now()
    const error = await Promise.resolve(request.body()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestTimeout)
    expect((error as RequestTimeout).status).toBe(408)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(state.pulled).toBeLessThan(5)
    await expect(request.json({ force: true })).rejects.toBeInstanceOf(RequestTimeout)
  })

  it('is no timeout at all when set to Infinity (not a 1 ms timer)', async () => {
    const { body } = counted(2, 10, 20)
    expect((await build({ body, bodyTimeout: Number.POSITIVE_INFINITY }).body()).byteLength).toBe(20)
  })

  it('does not apply to a body that arrives in time', async () => {
    const { body } = counted(3, 10, 5)
    expect((await build({ body, bodyTimeout: 1 }).body()).byteLength).toBe(30)
  })
})

describe('bad input is a 400, never a crash', () => {
  const lengths = ['abc', '-1', '1.5', '5, 6', '']
  for (const length of lengths) {
    it(`refuses Content-Length ${JSON.stringify(length)} with 400`, async () => {
      const request = build({ body: counted(1, 5).body, header: { 'content-length': length } })
      const error = await Promise.resolve(request.body()).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BadRequest)
      expect((error as BadRequest).status).toBe(400)
      expect(request.contentLength).toBeNull()
    })
  }

  it('accepts a repeated identical Content-Length', async () => {
    const request = build({ body: counted(1, 5).body, header: { 'content-length': '5, 5' } })
    expect(request.contentLength).toBe(5)
    expect((await request.body()).byteLength).toBe(5)
  })

  it('ignores Content-Length for a chunked body', async () => {
    const request = build({
      body: counted(1, 5).body,
      header: { 'content-length': '2', 'transfer-encoding': 'chunked' },
      maxContentLength: 3,
    })
    await expect(request.body()).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(request.contentLength).toBeNull()
  })

  it('reports a failing source as ClientDisconnected (400), keeping the cause', async () => {
    async function* aborted() {
      yield encode('part')
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    }
    const error = await Promise.resolve(build({ body: aborted() }).body()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientDisconnected)
    expect((error as ClientDisconnected).status).toBe(400)
    expect(((error as Error).cause as Error).message).toBe('aborted')
  })

  it('reports a body shorter than its Content-Length as ClientDisconnected', async () => {
    const request = build({ body: counted(1, 5).body, header: { 'content-length': '10' } })
    await expect(request.body()).rejects.toBeInstanceOf(ClientDisconnected)
  })
})

describe('over a real node:http connection', () => {
  let close: (() => Promise<void>) | undefined
  afterEach(async () => {
    await close?.()
    close = undefined
  })

  /** A server whose handler reads the body through a Request, and reports the outcome. */
  async function serve(limits: Partial<RequestInit>) {
    const outcomes: Array<Promise<unknown>> = []
    const server = createServer((req: IncomingMessage, res) => {
      const request = build({ body: req, header: req.headers as Record<string, string>, ...limits })
      const outcome = Promise.resolve(request.body()).then(
        (bytes) => {
          res.end(`read ${bytes.byteLength}`)
          return bytes.byteLength
        },
        (error: { status?: number }) => {
          if (!res.destroyed) res.writeHead(error.status ?? 500, { connection: 'close' }).end()
          return error
        },
      )
      outcomes.push(outcome)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    close = () => new Promise((resolve) => server.close(() => resolve()))
    return { port: (server.address() as AddressInfo).port, outcomes }
  }

  it('reads a posted body', async () => {
    const { port } = await serve({})
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(1000) })
    expect(await res.text()).toBe('read 1000')
  })

  it('answers 413 on the same connection while the client is still sending', async () => {
    const { port, outcomes } = await serve({ maxContentLength: MB })
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
    })
    req.on('error', () => {}) // the server may close before the client finishes writing
    const response = once(req, 'response')
    const chunk = Buffer.alloc(64 * 1024)
    for (let i = 0; i < 32 && !req.destroyed; i++) {
      if (!req.write(chunk)) await Promise.race([once(req, 'drain'), response])
    }
    const [res] = (await response) as [IncomingMessage]
    expect(res.statusCode).toBe(413)
    res.resume()
    req.destroy()
    expect(await outcomes[0]).toBeInstanceOf(RequestEntityTooLarge)
  })

  it('rejects with ClientDisconnected when the client goes away mid-body', async () => {
    const { port, outcomes } = await serve({})
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      method: 'POST',
      headers: { 'content-length': '1000' },
    })
    req.on('error', () => {})
    req.write('only a little')
    await sleep(50)
    req.destroy()
    while (outcomes.length === 0) await sleep(10)
    expect(await outcomes[0]).toBeInstanceOf(ClientDisconnected)
  })
})
