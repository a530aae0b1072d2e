/**
 * Hostile request lines and headers, sent over raw TCP: each gets a 4xx or a closed connection
 * (or, where the input is odd but legal, a normal answer), never a 5xx, never a hang, and never a
 * second request smuggled through; the server answers a normal request after each.
 *
 * Most of these never reach Flagon: Node's HTTP parser (llhttp, strict mode) answers them with
 * its own 400, 431 or 505 and closes. The suite records that, and checks that Flagon does not make
 * it worse: no 5xx of its own, no crash, no smuggled request reaching a view.
 */
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
} from './harness.js'

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'
const host = 'Host: hostile\r\n'
const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\n${host}${headers}\r\n`
const post = (headers: string, body: string) => `POST /echo HTTP/1.1\r\n${host}${headers}\r\n${body}`
const chunked = 'Transfer-Encoding: chunked\r\n'
const manyHeaders = Array.from({ length: 1000 }, (_, i) => `X-H${i}: v\r\n`).join('')
/** Node's HTTP parser answers this itself; Flagon never sees the request. */
const node = refused
/** Odd but legal: served normally (200, or 404 for a path no route has). */
const served = answers(200, 404)

const cases: Array<[name: string, parts: Part[], expect: Expectation]> = [
  // The request line
  ['HTTP/0.9: a request line with no version', ['GET /\r\n\r\n'], either(node, served)],
  ['a request line with no target', ['GET HTTP/1.1\r\n\r\n'], node],
  ['two spaces in the request line', ['GET  / HTTP/1.1\r\nHost: x\r\n\r\n'], either(node, served)],
  ['binary garbage instead of a request line', ['\x00\x01\x02\xff\xfe garbage\r\n\r\n'], node],
  ['a TLS ClientHello on the plain port', ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'], node],
  ['an unknown method', [get('/').replace('GET', 'FROB')], node],
  ['a lowercase method', [get('/').replace('GET', 'get')], node],
  ['a method of 10 KiB', [get('/').replace('GET', 'G'.repeat(10_240))], node],
  ['version HTTP/2.7', [get('/').replace('HTTP/1.1', 'HTTP/2.7')], node],
  ['version HTTP/1.12', [get('/').replace('HTTP/1.1', 'HTTP/1.12')], node],
  ['version http/1.1 in lowercase', [get('/').replace('HTTP/1.1', 'http/1.1')], node],
  ['a request line ending in a bare LF', ['GET / HTTP/1.1\nHost: x\n\n'], either(node, served)],
  ['HTTP/1.1 with no Host', ['GET / HTTP/1.1\r\n\r\n'], node],
  ['HTTP/1.0 with no Host', ['GET / HTTP/1.0\r\n\r\n'], served],
  ['two Host headers', [get('/', 'Host: other\r\n')], either(node, served)],
  // Header names and values
  ['a space in a header name', [get('/', 'Bad Name: x\r\n')], node],
  ['a space before the colon', [get('/', 'X-Name : x\r\n')], node],
  ['an empty header name', [get('/', ': x\r\n')], node],
  ['a control byte in a header name', [get('/', 'X\x01: x\r\n')], node],
  ['a non-ASCII header name', [get('/', 'X-\xe9: x\r\n')], node],
  ['a header line with no colon', [get('/', 'NoColon\r\n')], node],
  ['NUL in a header value', [get('/', 'X-V: a\x00b\r\n')], node],
  ['DEL in a header value', [get('/', 'X-V: a\x7fb\r\n')], either(node, served)],
  ['a bare CR in a header value', [get('/', 'X-V: a\rInjected: b\r\n')], node],
  [
    'a bare LF in a header value (header injection)',
    [get('/', 'X-V: a\nInjected: b\r\n')],
    either(node, served),
  ],
  ['obs-fold: a continuation line', [get('/', 'X-V: a\r\n  folded\r\n')], node],
  ['obs-text (latin1) in a header value', [get('/', 'X-V: caf\xe9\r\n')], served],
  ['1,000 small headers', [get('/', manyHeaders)], either(node, served)],
  ['a 64 KiB header', [get('/', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`)], node],
  ['a 1 MiB header', [get('/', `X-Big: ${'a'.repeat(1024 * 1024)}\r\n`)], node],
  [
    'a header that never ends (1 MiB, no CRLF)',
    [`GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(1024 * 1024)}`],
    node,
  ],
  // Targets
  ['an 8 KiB URL', [get(`/${'a'.repeat(8 * 1024)}`)], answers(404)],
  ['a 64 KiB URL', [get(`/${'a'.repeat(64 * 1024)}`)], node],
  ['a 1 MiB URL', [get(`/${'a'.repeat(1024 * 1024)}`)], node],
  ['a truncated percent-escape in a path parameter', [get('/p/%E0%A4%A')], either(refused, served)],
  ['a non-hex percent-escape in a path parameter', [get('/p/%ZZ')], either(refused, served)],
  ['an overlong UTF-8 escape in a path parameter', [get('/p/%C0%AF')], either(refused, served)],
  ['an escape that is not UTF-8 in a path parameter', [get('/p/%FF%FE')], either(refused, served)],
  ['an escaped NUL in a path parameter', [get('/p/a%00b')], either(refused, served)],
  ['a lone surrogate escaped in a path parameter', [get('/p/%ED%A0%80')], either(refused, served)],
  ['bad percent-encoding in the query', [get('/q?a=%ZZ%E0%A4%A&%=&a%')], served],
  ['a raw non-ASCII byte in the target', [get('/p/\xe9')], either(node, served)],
  ['a fragment in the target', [get('/#frag')], either(node, served)],
  ['a target that does not start with a slash', [get('p/x')], either(refused, served)],
  ['absolute-form to another host', [get('http://evil.example/')], served],
  ['absolute-form with a broken URL', [get('http://[::1/')], either(refused, served)],
  [
    'absolute-form with a userinfo and port',
    [get('http://u:p@evil.example:99999/p/x')],
    either(refused, served),
  ],
  ['asterisk-form OPTIONS', ['OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'], either(refused, served)],
  ['asterisk-form GET', ['GET * HTTP/1.1\r\nHost: x\r\n\r\n'], either(refused, served)],
  [
    'CONNECT to a host:port',
    ['CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'],
    refused,
  ],
  // Request smuggling shapes: none may let SMUGGLED reach a view
  [
    'two different Content-Lengths',
    [post('Content-Length: 5\r\nContent-Length: 40\r\n', `hello${SMUGGLED}`)],
    node,
  ],
  ['a Content-Length list "5, 40"', [post('Content-Length: 5, 40\r\n', `hello${SMUGGLED}`)], node],
  [
    'Content-Length with Transfer-Encoding: chunked',
    [post(`Content-Length: 40\r\n${chunked}`, `0\r\n\r\n${SMUGGLED}`)],
    node,
  ],
  [
    'Transfer-Encoding: chunked with Content-Length after it',
    [post(`${chunked}Content-Length: 3\r\n`, `0\r\n\r\n${SMUGGLED}`)],
    node,
  ],
  ['Transfer-Encoding: xchunked', [post('Transfer-Encoding: xchunked\r\n', `0\r\n\r\n${SMUGGLED}`)], node],
  [
    'Transfer-Encoding: chunked, identity',
    [post('Transfer-Encoding: chunked, identity\r\n', `0\r\n\r\n${SMUGGLED}`)],
    node,
  ],
  [
    'a space before the colon of Transfer-Encoding',
    [post('Transfer-Encoding : chunked\r\nContent-Length: 40\r\n', `0\r\n\r\n${SMUGGLED}`)],
    node,
  ],
  [
    'Transfer-Encoding folded onto a second line',
    [post('Transfer-Encoding:\r\n chunked\r\n', `0\r\n\r\n${SMUGGLED}`)],
    node,
  ],
  [
    'Transfer-Encoding on HTTP/1.0',
    [`${post(chunked, `0\r\n\r\n`)}`.replace('HTTP/1.1', 'HTTP/1.0')],
    either(node, served),
  ],
  ['a negative Content-Length', [post('Content-Length: -1\r\n', SMUGGLED)], node],
  ['a Content-Length with a plus sign', [post('Content-Length: +5\r\n', `hello${SMUGGLED}`)], node],
  ['a Content-Length of 2^64', [post('Content-Length: 18446744073709551616\r\n', 'x')], node],
  // Chunked bodies
  ['a chunk size that is not hex', [post(chunked, 'zz\r\nhello\r\n0\r\n\r\n')], node],
  ['a negative chunk size', [post(chunked, '-5\r\nhello\r\n0\r\n\r\n')], node],
  ['a chunk size that overflows 64 bits', [post(chunked, `ffffffffffffffffff\r\nhello\r\n0\r\n\r\n`)], node],
  ['a chunk shorter than its size', [post(chunked, `5\r\nhi\r\n0\r\n\r\n${SMUGGLED}`)], node],
  ['a chunk longer than its size', [post(chunked, `2\r\nhello\r\n0\r\n\r\n${SMUGGLED}`)], node],
  ['a NUL in a chunk extension', [post(chunked, '5;a=\x00\r\nhello\r\n0\r\n\r\n')], node],
  ['a 1 MiB chunk extension', [post(chunked, `5;${'a'.repeat(1024 * 1024)}\r\nhello\r\n0\r\n\r\n`)], node],
  ['a bare LF after the chunk size', [post(chunked, `5\nhello\r\n0\r\n\r\n${SMUGGLED}`)], node],
  ['a valid chunk extension', [post(chunked, '5;name=value\r\nhello\r\n0\r\n\r\n')], answers(200)],
  ['valid trailers', [post(chunked, '5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n')], answers(200)],
]

let server: HostileServer
const report = new Report('Request lines and headers')
beforeAll(async () => {
  server = await HostileServer.start()
})
afterAll(async () => {
  report.print()
  await server.stop()
})

describe('a hostile request line or header', () => {
  for (const [name, parts, expectation] of cases) {
    it(name, async () => {
      const outcome = await exchange(server.port, parts)
      const probeMs = await probe(server.port)
      report.add(name, `${describeOutcome(outcome)}; probe ${probeMs} ms`)
      expect(expectation(outcome), describeOutcome(outcome)).toBeNull()
    })
  }
})

describe('pipelined requests', () => {
  it('answers a valid request 200 even when garbage follows it on the connection', async () => {
    const outcome = await exchange(server.port, [`${get('/')}\x00\x01 garbage\r\n\r\n`], { responses: 2 })
    report.add('a valid request, then garbage', describeOutcome(outcome))
    expect(outcome.statuses[0]).toBe(200)
    expect(outcome.statuses.slice(1).every((s) => s >= 400 && s < 500)).toBe(true)
    expect(outcome.hung).toBe(false)
  })

  it('answers two valid pipelined requests in order', async () => {
    const outcome = await exchange(server.port, [`${get('/')}${get('/p/x')}`], { responses: 2 })
    report.add('two valid pipelined requests', describeOutcome(outcome))
    expect(outcome.statuses).toEqual([200, 200])
  })
})

describe('after every hostile request line and header', () => {
  it('no smuggled request reached a view, and Flagon logged no error', async () => {
    const stats = await server.stats()
    expect(stats.seen['/smuggled']).toBeUndefined()
    expect(stats.errors).toEqual([])
    expect(server.exited).toBeNull()
  })
})
