/**
 * Hostile request bodies: bad and deep JSON, wrong types, bodies over the limit, bodies that stop
 * or trickle, gzip bombs, hostile multipart. Each gets the 4xx Quart gives (or a normal answer
 * where the input is odd but legal), never a 5xx or a hang; the server answers a normal request
 * after each, logs no error, and its memory returns to where it was.
 *
 * The server runs with MAX_CONTENT_LENGTH = 1 MiB and BODY_TIMEOUT = 2 s, so the limits are
 * reached quickly; the defaults (16 MiB, 60 s) take the same paths.
 */
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  answers,
  describeOutcome,
  type Expectation,
  either,
  exchange,
  HostileServer,
  type Part,
  probe,
  Report,
  refused,
  type ServerStats,
} from './harness.js'

const MiB = 1024 * 1024
const BODY_TIMEOUT = 2

/** A complete request to `path` with `body` and the given extra headers. */
function post(path: string, body: string | Uint8Array, headers = ''): Part[] {
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'latin1') : body.byteLength
  return [`POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}Content-Length: ${length}\r\n\r\n`, body]
}
const json = 'Content-Type: application/json\r\n'
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
const bomb = gzipSync(Buffer.alloc(64 * MiB)) // about 64 KiB that inflate to 64 MiB

/** A multipart body of `parts`, each [headers, content]. */
function multipart(boundary: string, parts: Array<[string, string]>): string {
  return `${parts.map(([head, content]) => `--${boundary}\r\n${head}\r\n\r\n${content}\r\n`).join('')}--${boundary}--\r\n`
}
const form = (boundary: string) => `Content-Type: multipart/form-data; boundary=${boundary}\r\n`
const field = (name: string, value: string): [string, string] => [
  `Content-Disposition: form-data; name="${name}"`,
  value,
]
const file = (name: string, content: string): [string, string] => [
  `Content-Disposition: form-data; name="${name}"; filename="f.bin"\r\nContent-Type: application/octet-stream`,
  content,
]

const cases: Array<[name: string, parts: Part[], expect: Expectation, deadline?: number]> = [
  // JSON
  ['truncated JSON', post('/json', '{"a":', json), answers(400)],
  ['JSON with a trailing comma', post('/json', '[1,2,]', json), answers(400)],
  ['NaN and Infinity', post('/json', '[NaN, Infinity]', json), answers(400)],
  ['an empty JSON body', post('/json', '', json), answers(400)],
  ['JSON that is not UTF-8', post('/json', '"caf\xe9"', json), answers(400)],
  ['JSON with a lone surrogate escape', post('/json', '"\\ud800"', json), answers(200)],
  ['JSON arrays nested 100,000 levels', post('/json', nested(100_000), json), answers(200, 400)],
  ['JSON objects nested 100,000 levels', post('/json', nestedObjects(100_000), json), answers(200, 400)],
  ['JSON nested 100,000 levels, never closed', post('/json', '['.repeat(100_000), json), answers(400)],
  ['a number with an exponent of a million', post('/json', '1e999999', json), answers(200)],
  ['a number of a million digits', post('/json', '9'.repeat(1_000_000), json), answers(200)],
  [
    '100,000 keys in one object',
    post('/json', `{${Array.from({ length: 100_000 }, (_, i) => `"${i}":0`).join(',')}}`, json),
    answers(200),
  ],
  [
    '__proto__ keys',
    post('/json', '{"__proto__":{"x":1},"constructor":{"prototype":{}}}', json),
    answers(200),
  ],
  // Content types
  ['JSON sent as text/plain', post('/json', '{}', 'Content-Type: text/plain\r\n'), answers(415)],
  ['JSON sent with no Content-Type', post('/json', '{}'), answers(415)],
  [
    'a Content-Type of 8 KiB',
    post('/json', '{}', `Content-Type: application/${'x'.repeat(8192)}\r\n`),
    answers(415),
  ],
  ['a malformed Content-Type', post('/json', '{}', 'Content-Type: ;;;=;"\r\n'), answers(415)],
  ['JSON sent to a form route', post('/form', '{"a":1}', json), answers(200)],
  [
    'a form with 100,000 urlencoded pairs',
    post('/form', 'a=1&'.repeat(100_000), 'Content-Type: application/x-www-form-urlencoded\r\n'),
    answers(200),
  ],
  [
    'a form of separators only',
    post('/form', '&'.repeat(500_000), 'Content-Type: application/x-www-form-urlencoded\r\n'),
    answers(200),
  ],
  [
    'bad percent-encoding in a form',
    post('/form', 'a=%ZZ&%E0%A4%A=1&%=', 'Content-Type: application/x-www-form-urlencoded\r\n'),
    answers(200),
  ],
  // Limits
  [
    'a declared length over the limit: 413 before a byte is sent',
    [`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * MiB}\r\n\r\n`],
    answers(413),
  ],
  [
    'a declared length of 10^15 bytes',
    ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\n'],
    answers(413),
  ],
  [
    'a chunked body that grows over the limit',
    [
      'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 64 }, () => `10000\r\n${'a'.repeat(0x10000)}\r\n`),
      '0\r\n\r\n',
    ],
    answers(413),
  ],
  [
    'a Content-Length larger than what is sent, then a close',
    ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', 'only ten..', { end: true }],
    either(refused, answers(400)),
  ],
  [
    'a Content-Length larger than what is sent, then silence',
    ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', 'only ten..'],
    answers(408),
    (BODY_TIMEOUT + 2) * 1000,
  ],
  [
    '1 byte every 200 ms: 408 at BODY_TIMEOUT',
    [
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n',
      ...Array.from({ length: 30 }, () => [{ pause: 200 }, 'a'] as Part[]).flat(),
    ],
    answers(408),
    (BODY_TIMEOUT + 2) * 1000,
  ],
  [
    'a chunked body that stops mid-chunk, then a close',
    ['POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nabc', { end: true }],
    either(refused, answers(400)),
  ],
  // Compression: Flagon never inflates a request body, so a bomb stays the size it was sent
  ['a gzip bomb as JSON', post('/json', bomb, `${json}Content-Encoding: gzip\r\n`), answers(400)],
  ['a gzip bomb read as bytes', post('/echo', bomb, 'Content-Encoding: gzip\r\n'), answers(200)],
  [
    'a gzip bomb as a form',
    post('/form', bomb, 'Content-Type: application/x-www-form-urlencoded\r\nContent-Encoding: gzip\r\n'),
    answers(200),
  ],
  // Multipart
  [
    'multipart with 5,000 parts (MAX_FORM_PARTS is 1,000)',
    post(
      '/form',
      multipart(
        'b0',
        Array.from({ length: 5000 }, (_, i) => field(`f${i}`, 'v')),
      ),
      form('b0'),
    ),
    answers(413),
  ],
  [
    'multipart with 100,000 empty parts',
    post('/form', `${'--b1\r\n\r\n\r\n'.repeat(100_000)}--b1--\r\n`, form('b1')),
    answers(413),
  ],
  [
    'a part header of 256 KiB',
    post(
      '/form',
      multipart('b2', [[`Content-Disposition: form-data; name="${'n'.repeat(256 * 1024)}"`, 'v']]),
      form('b2'),
    ),
    either(answers(200), refused),
  ],
  [
    '10,000 headers in one part',
    post(
      '/form',
      multipart('b3', [[Array.from({ length: 10_000 }, (_, i) => `X-${i}: v`).join('\r\n'), 'v']]),
      form('b3'),
    ),
    either(answers(200), refused),
  ],
  [
    'multipart with no boundary',
    post('/form', multipart('b4', [field('a', '1')]), 'Content-Type: multipart/form-data\r\n'),
    answers(200),
  ],
  [
    'multipart with the wrong boundary',
    post('/form', multipart('b5', [field('a', '1')]), form('other')),
    answers(200),
  ],
  [
    'multipart with a 10 KiB boundary',
    post('/form', multipart('b'.repeat(10_240), [field('a', '1')]), form('b'.repeat(10_240))),
    answers(200),
  ],
  [
    'multipart never closed',
    post('/form', '--b6\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', form('b6')),
    answers(200),
  ],
  ['multipart of garbage', post('/form', '\x00\xff--\r\n--\r\n\r\n', form('b7')), answers(200)],
  [
    'a field over MAX_FORM_MEMORY_SIZE',
    post('/form', multipart('b8', [field('big', 'x'.repeat(600_000))]), form('b8')),
    answers(413),
  ],
  [
    'a file over the body limit',
    post('/form', multipart('b9', [file('upload', 'x'.repeat(2 * MiB))]), form('b9')),
    answers(413),
  ],
  [
    'a file with a traversal filename',
    post(
      '/form',
      multipart('bA', [[`Content-Disposition: form-data; name="f"; filename="../../../etc/passwd"`, 'x']]),
      form('bA'),
    ),
    answers(200),
  ],
]

let server: HostileServer
let before: ServerStats
const report = new Report('Bodies')
beforeAll(async () => {
  server = await HostileServer.start({ MAX_CONTENT_LENGTH: MiB, BODY_TIMEOUT })
  await probe(server.port)
  before = await server.stats()
})
afterAll(async () => {
  report.print()
  await server.stop()
})

describe('a hostile request body', () => {
  for (const [name, parts, expectation, deadline] of cases) {
    it(name, async () => {
      const outcome = await exchange(server.port, parts, { deadline: deadline ?? 3000 })
      const probeMs = await probe(server.port)
      report.add(name, `${describeOutcome(outcome)}; probe ${probeMs} ms`)
      expect(expectation(outcome), describeOutcome(outcome)).toBeNull()
    })
  }

  it('a declared length over the limit is refused before the body is read', async () => {
    // The client sends only the headers: the 413 comes without waiting for a byte of body.
    const outcome = await exchange(server.port, [
      `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${2 * MiB}\r\n\r\n`,
    ])
    expect(outcome.statuses).toEqual([413])
    expect(outcome.ms).toBeLessThan(1000)
  })

  it('1 byte every 200 ms gets its 408 at BODY_TIMEOUT, not before and not much after', async () => {
    const outcome = await exchange(
      server.port,
      [
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n',
        ...Array.from({ length: 30 }, () => [{ pause: 200 }, 'a'] as Part[]).flat(),
      ],
      { deadline: (BODY_TIMEOUT + 2) * 1000 },
    )
    expect(outcome.statuses).toEqual([408])
    expect(outcome.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT * 1000 - 50)
    expect(outcome.ms).toBeLessThan(BODY_TIMEOUT * 1000 + 500)
  })
})

describe('after every hostile body', () => {
  it('Flagon logged no error, and its memory is back where it was', async () => {
    const after = await server.stats()
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`
    report.add(
      'memory',
      `heap ${mib(before.memory.heapUsed)} → ${mib(after.memory.heapUsed)}, rss ${mib(before.memory.rss)} → ${mib(after.memory.rss)}`,
    )
    expect(after.errors).toEqual([])
    expect(server.exited).toBeNull()
    // Every body above was at most a few MiB and is garbage now: the heap holds none of it.
    expect(after.memory.heapUsed - before.memory.heapUsed).toBeLessThan(8 * MiB)
    expect(after.memory.arrayBuffers - before.memory.arrayBuffers).toBeLessThan(4 * MiB)
  })
})
