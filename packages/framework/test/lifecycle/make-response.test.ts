import { Readable } from 'node:stream'
import { Response as UndiciResponse } from 'undici'
import { describe, expect, it } from 'vitest'
import { NotFound } from '../../src/exceptions.js'
import { jsonResponse } from '../../src/json.js'
import { makeResponse, ViewReturnError } from '../../src/lifecycle/make-response.js'
import { Response } from '../../src/wrappers/response.js'

const options = { endpoint: 'showUser', json: (value: unknown) => jsonResponse(value) }
const HTML = 'text/html; charset=utf-8'
const JSON_TYPE = 'application/json'

async function* chunks() {
  yield 'a'
  yield new Uint8Array([0x62])
}
function* syncChunks() {
  yield 'a'
  yield 'b'
}

describe('makeResponse() with each kind of return value', () => {
  const cookieHeaders = new Headers({ 'X-B': '2' })
  cookieHeaders.append('Set-Cookie', 'a=1')
  cookieHeaders.append('Set-Cookie', 'b=2')
  const webWithCookies = new Headers({ 'Content-Type': 'text/plain' })
  webWithCookies.append('Set-Cookie', 'a=1')
  webWithCookies.append('Set-Cookie', 'b=2')

  // [name, returned value, status, Content-Type, body]
  const rows: Array<[name: string, value: unknown, status: number, type: string | null, body: string]> = [
    ['a string is HTML', 'hi', 200, HTML, 'hi'],
    ['bytes are a body', new Uint8Array([0x68, 0x69]), 200, HTML, 'hi'],
    ['a plain object is JSON', { b: 1, a: 'é' }, 200, JSON_TYPE, '{"a":"\\u00e9","b":1}\n'],
    [
      'an object without a prototype is JSON',
      Object.assign(Object.create(null), { a: 1 }),
      200,
      JSON_TYPE,
      '{"a":1}\n',
    ],
    ['an array is JSON', [1, 2, 3], 200, JSON_TYPE, '[1,2,3]\n'],
    ['an empty array is JSON', [], 200, JSON_TYPE, '[]\n'],
    ['a one-item array is JSON', ['x'], 200, JSON_TYPE, '["x"]\n'],
    ['a four-item array is JSON', ['x', 201, {}, 1], 200, JSON_TYPE, '["x",201,{},1]\n'],
    ['a pair whose second is not a status is JSON', ['x', 'y'], 200, JSON_TYPE, '["x","y"]\n'],
    ['a pair whose second is out of range is JSON', ['x', 600], 200, JSON_TYPE, '["x",600]\n'],
    ['a pair whose second is not an integer is JSON', ['x', 200.5], 200, JSON_TYPE, '["x",200.5]\n'],
    ['a triple whose third is not headers is JSON', ['x', 201, 'h'], 200, JSON_TYPE, '["x",201,"h"]\n'],
    [
      'a pair with a plain object second is JSON (DESIGN: only Headers)',
      ['x', { a: 1 }],
      200,
      JSON_TYPE,
      '["x",{"a":1}]\n',
    ],
    ['[body, status] sets the status', ['made', 201], 201, HTML, 'made'],
    ['[body, status, headers] sets both', ['made', 201, { 'X-A': '1' }], 201, HTML, 'made'],
    ['[body, Headers] sets headers', ['hdrs', new Headers({ 'X-B': '2' })], 200, HTML, 'hdrs'],
    ['a tuple body that is an object is JSON', [{ a: 1 }, 201], 201, JSON_TYPE, '{"a":1}\n'],
    ['a tuple body that is an array is JSON', [[1, 201], 202], 202, JSON_TYPE, '[1,201]\n'],
    [
      'tuple headers replace a Content-Type',
      ['x', 200, { 'Content-Type': 'text/plain' }],
      200,
      'text/plain',
      'x',
    ],
    [
      'a Response is used as it is',
      new Response('own', { status: 202, mimetype: 'text/plain' }),
      202,
      'text/plain; charset=utf-8',
      'own',
    ],
    ['a Response in a tuple takes the status', [new Response('own'), 203], 203, HTML, 'own'],
    [
      'a WHATWG Response is converted',
      new globalThis.Response('web', { status: 201, headers: webWithCookies }),
      201,
      'text/plain',
      'web',
    ],
    [
      "undici's Response is converted",
      new UndiciResponse('undici', { status: 202 }),
      202,
      'text/plain;charset=UTF-8',
      'undici',
    ],
    [
      'an HTTPException gives its page',
      new NotFound('gone'),
      404,
      HTML,
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>gone</p>\n',
    ],
    [
      'an HTTPException in a tuple takes the status',
      [new NotFound('x'), 410],
      410,
      HTML,
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>x</p>\n',
    ],
    ['an async generator is streamed', chunks(), 200, HTML, 'ab'],
    ['a sync generator is streamed', syncChunks(), 200, HTML, 'ab'],
    ['a ReadableStream is streamed', new globalThis.Response('rs').body, 200, HTML, 'rs'],
    ['a Node Readable is streamed', Readable.from(['n', 'r']), 200, HTML, 'nr'],
    [
      'a streamed tuple takes status and headers',
      [chunks(), 206, { 'Content-Type': 'text/event-stream' }],
      206,
      'text/event-stream',
      'ab',
    ],
  ]
  for (const [name, value, status, type, body] of rows) {
    it(name, async () => {
      const response = makeResponse(value, options)
      expect(response).toBeInstanceOf(Response)
      expect(response.status).toBe(status)
      expect(response.headers.get('content-type')).toBe(type)
      expect(await response.text()).toBe(body)
    })
  }

  it('keeps every Set-Cookie of a WHATWG Response', () => {
    const response = makeResponse(new globalThis.Response('web', { headers: webWithCookies }), options)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it('streams a Response body without reading it first', () => {
    const generator = chunks()
    expect(makeResponse(generator, options).body).toBe(generator)
  })
})

describe('makeResponse() with tuple headers', () => {
  it('replaces same-named headers and keeps the others', () => {
    const own = new Response('x', { headers: { 'X-A': 'old', 'X-Keep': '1' } })
    const response = makeResponse([own, 200, { 'x-a': 'new' }], options)
    expect(response.headers.get('x-a')).toBe('new')
    expect(response.headers.get('x-keep')).toBe('1')
  })

  it('sends a list value as repeated headers', () => {
    const response = makeResponse(['x', 200, { 'Set-Cookie': ['a=1', 'b=2'] }], options)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it('sends every Set-Cookie of a Headers object, replacing those set before', () => {
    const own = new Response('x')
    own.setCookie('old', '1')
    const headers = new Headers()
    headers.append('Set-Cookie', 'a=1')
    headers.append('Set-Cookie', 'b=2')
    const response = makeResponse([own, headers], options)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
  })

  it('writes numbers as strings', () => {
    const response = makeResponse(['x', 200, { 'X-Count': 3 }], options)
    expect(response.headers.get('x-count')).toBe('3')
  })
})

describe('makeResponse() with a value no view may return', () => {
  class User {}
  const listing =
    'Return a string, an object or array (JSON), a Response, an async iterable, or a [body, status, headers] tuple.'
  // [name, value, what the message says was returned]
  const rows: Array<[name: string, value: unknown, what: string]> = [
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 42, 'the number 42'],
    ['a boolean', true, 'the boolean true'],
    ['a bigint', 1n, 'the bigint 1'],
    ['a function', function showUser() {}, 'a function (showUser)'],
    ['a class instance', new User(), 'an instance of User'],
    ['a Map', new Map(), 'an instance of Map'],
    ['a Promise', Promise.resolve('x'), 'an instance of Promise'],
    ['a tuple whose body is undefined', [undefined, 200], 'a tuple whose body is undefined'],
    ['a tuple whose body is null', [null, 201, {}], 'a tuple whose body is null'],
    ['a tuple whose body is a number', [3, 201], 'the number 3'],
  ]
  for (const [name, value, what] of rows) {
    it(`refuses ${name}, naming the endpoint`, () => {
      let error: unknown
      try {
        makeResponse(value, options)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(TypeError)
      expect(error).toBeInstanceOf(ViewReturnError)
      expect((error as ViewReturnError).endpoint).toBe('showUser')
      expect((error as ViewReturnError).message).toBe(
        `The view for endpoint "showUser" returned ${what}. ${listing}`,
      )
    })
  }

  it('says "the view" when the endpoint is unknown', () => {
    expect(() => makeResponse(undefined, { endpoint: undefined, json: jsonResponse })).toThrow(
      `The view returned undefined. ${listing}`,
    )
  })

  it('carries the value returned', () => {
    const value = new User()
    try {
      makeResponse(value, options)
    } catch (error) {
      expect((error as ViewReturnError).value).toBe(value)
    }
    expect.assertions(1)
  })
})
