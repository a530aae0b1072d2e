import { describe, expect, it } from 'vitest'
import * as exceptions from '../src/exceptions.js'
import {
  abort,
  BadRequest,
  HTTPException,
  httpExceptionClassFor,
  InternalServerError,
  MethodNotAllowed,
  NotFound,
  RangeNotSatisfiable,
  RequestRedirect,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
} from '../src/exceptions.js'
import { Response } from '../src/wrappers/response.js'

type ExceptionClass = typeof HTTPException
const classNamed = (name: string) => (exceptions as unknown as Record<string, ExceptionClass>)[name]!

describe('every HTTPException class', () => {
  // [class, status, title, the page Werkzeug 3.1.8 renders] — generated with Werkzeug's get_response().
  const pages: Array<[cls: string, status: number, title: string, body: string]> = [
    [
      'BadRequest',
      400,
      'Bad Request',
      '<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>The browser (or proxy) sent a request that this server could not understand.</p>\n',
    ],
    [
      'Unauthorized',
      401,
      'Unauthorized',
      '<!doctype html>\n<html lang=en>\n<title>401 Unauthorized</title>\n<h1>Unauthorized</h1>\n<p>The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn&#39;t understand how to supply the credentials required.</p>\n',
    ],
    [
      'Forbidden',
      403,
      'Forbidden',
      '<!doctype html>\n<html lang=en>\n<title>403 Forbidden</title>\n<h1>Forbidden</h1>\n<p>You don&#39;t have the permission to access the requested resource. It is either read-protected or not readable by the server.</p>\n',
    ],
    [
      'NotFound',
      404,
      'Not Found',
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    ],
    [
      'MethodNotAllowed',
      405,
      'Method Not Allowed',
      '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
    ],
    [
      'NotAcceptable',
      406,
      'Not Acceptable',
      '<!doctype html>\n<html lang=en>\n<title>406 Not Acceptable</title>\n<h1>Not Acceptable</h1>\n<p>The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.</p>\n',
    ],
    [
      'RequestTimeout',
      408,
      'Request Timeout',
      '<!doctype html>\n<html lang=en>\n<title>408 Request Timeout</title>\n<h1>Request Timeout</h1>\n<p>The server closed the network connection because the browser didn&#39;t finish the request within the specified time.</p>\n',
    ],
    [
      'Conflict',
      409,
      'Conflict',
      '<!doctype html>\n<html lang=en>\n<title>409 Conflict</title>\n<h1>Conflict</h1>\n<p>A conflict happened while processing the request. The resource might have been modified while the request was being processed.</p>\n',
    ],
    [
      'Gone',
      410,
      'Gone',
      '<!doctype html>\n<html lang=en>\n<title>410 Gone</title>\n<h1>Gone</h1>\n<p>The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.</p>\n',
    ],
    [
      'LengthRequired',
      411,
      'Length Required',
      '<!doctype html>\n<html lang=en>\n<title>411 Length Required</title>\n<h1>Length Required</h1>\n<p>A request with this method requires a valid &lt;code&gt;Content-Length&lt;/code&gt; header.</p>\n',
    ],
    [
      'PreconditionFailed',
      412,
      'Precondition Failed',
      '<!doctype html>\n<html lang=en>\n<title>412 Precondition Failed</title>\n<h1>Precondition Failed</h1>\n<p>The precondition on the request for the URL failed positive evaluation.</p>\n',
    ],
    [
      'RequestEntityTooLarge',
      413,
      'Request Entity Too Large',
      '<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n<h1>Request Entity Too Large</h1>\n<p>The data value transmitted exceeds the capacity limit.</p>\n',
    ],
    [
      'RequestURITooLarge',
      414,
      'Request URI Too Long',
      '<!doctype html>\n<html lang=en>\n<title>414 Request URI Too Long</title>\n<h1>Request URI Too Long</h1>\n<p>The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.</p>\n',
    ],
    [
      'UnsupportedMediaType',
      415,
      'Unsupported Media Type',
      '<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n<p>The server does not support the media type transmitted in the request.</p>\n',
    ],
    [
      'RangeNotSatisfiable',
      416,
      'Requested Range Not Satisfiable',
      '<!doctype html>\n<html lang=en>\n<title>416 Requested Range Not Satisfiable</title>\n<h1>Requested Range Not Satisfiable</h1>\n<p>The server cannot provide the requested range.</p>\n',
    ],
    [
      'ExpectationFailed',
      417,
      'Expectation Failed',
      '<!doctype html>\n<html lang=en>\n<title>417 Expectation Failed</title>\n<h1>Expectation Failed</h1>\n<p>The server could not meet the requirements of the Expect header</p>\n',
    ],
    [
      'ImATeapot',
      418,
      "I'm a teapot",
      '<!doctype html>\n<html lang=en>\n<title>418 I&#39;m a teapot</title>\n<h1>I&#39;m a teapot</h1>\n<p>This server is a teapot, not a coffee machine</p>\n',
    ],
    [
      'MisdirectedRequest',
      421,
      'Misdirected Request',
      '<!doctype html>\n<html lang=en>\n<title>421 Misdirected Request</title>\n<h1>Misdirected Request</h1>\n<p>The server is not able to produce a response.</p>\n',
    ],
    [
      'UnprocessableEntity',
      422,
      'Unprocessable Entity',
      '<!doctype html>\n<html lang=en>\n<title>422 Unprocessable Entity</title>\n<h1>Unprocessable Entity</h1>\n<p>The request was well-formed but was unable to be followed due to semantic errors.</p>\n',
    ],
    [
      'Locked',
      423,
      'Locked',
      '<!doctype html>\n<html lang=en>\n<title>423 Locked</title>\n<h1>Locked</h1>\n<p>The resource that is being accessed is locked.</p>\n',
    ],
    [
      'FailedDependency',
      424,
      'Failed Dependency',
      '<!doctype html>\n<html lang=en>\n<title>424 Failed Dependency</title>\n<h1>Failed Dependency</h1>\n<p>The method could not be performed on the resource because the requested action depended on another action and that action failed.</p>\n',
    ],
    [
      'PreconditionRequired',
      428,
      'Precondition Required',
      '<!doctype html>\n<html lang=en>\n<title>428 Precondition Required</title>\n<h1>Precondition Required</h1>\n<p>This request is required to be conditional; try using &#34;If-Match&#34; or &#34;If-Unmodified-Since&#34;.</p>\n',
    ],
    [
      'TooManyRequests',
      429,
      'Too Many Requests',
      '<!doctype html>\n<html lang=en>\n<title>429 Too Many Requests</title>\n<h1>Too Many Requests</h1>\n<p>This user has exceeded an allotted request count. Try again later.</p>\n',
    ],
    [
      'RequestHeaderFieldsTooLarge',
      431,
      'Request Header Fields Too Large',
      '<!doctype html>\n<html lang=en>\n<title>431 Request Header Fields Too Large</title>\n<h1>Request Header Fields Too Large</h1>\n<p>One or more header fields exceeds the maximum size.</p>\n',
    ],
    [
      'UnavailableForLegalReasons',
      451,
      'Unavailable For Legal Reasons',
      '<!doctype html>\n<html lang=en>\n<title>451 Unavailable For Legal Reasons</title>\n<h1>Unavailable For Legal Reasons</h1>\n<p>Unavailable for legal reasons.</p>\n',
    ],
    [
      'InternalServerError',
      500,
      'Internal Server Error',
      '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n',
    ],
    [
      'NotImplemented',
      501,
      'Not Implemented',
      '<!doctype html>\n<html lang=en>\n<title>501 Not Implemented</title>\n<h1>Not Implemented</h1>\n<p>The server does not support the action requested by the browser.</p>\n',
    ],
    [
      'BadGateway',
      502,
      'Bad Gateway',
      '<!doctype html>\n<html lang=en>\n<title>502 Bad Gateway</title>\n<h1>Bad Gateway</h1>\n<p>The proxy server received an invalid response from an upstream server.</p>\n',
    ],
    [
      'ServiceUnavailable',
      503,
      'Service Unavailable',
      '<!doctype html>\n<html lang=en>\n<title>503 Service Unavailable</title>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p>\n',
    ],
    [
      'GatewayTimeout',
      504,
      'Gateway Timeout',
      '<!doctype html>\n<html lang=en>\n<title>504 Gateway Timeout</title>\n<h1>Gateway Timeout</h1>\n<p>The connection to an upstream server timed out.</p>\n',
    ],
    [
      'HTTPVersionNotSupported',
      505,
      'HTTP Version Not Supported',
      '<!doctype html>\n<html lang=en>\n<title>505 HTTP Version Not Supported</title>\n<h1>HTTP Version Not Supported</h1>\n<p>The server does not support the HTTP protocol version used in the request.</p>\n',
    ],
  ]

  for (const [name, status, title, body] of pages) {
    it(`${name} is ${status} ${title}, with Werkzeug's page`, async () => {
      const error = new (classNamed(name))()
      expect(error).toBeInstanceOf(HTTPException)
      expect(error).toBeInstanceOf(Error)
      expect(error.status).toBe(status)
      expect(error.title).toBe(title)
      expect(error.name).toBe(name)
      const response = error.getResponse()
      expect(response.status).toBe(status)
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(await response.text()).toBe(body)
    })

    it(`httpExceptionClassFor(${status}) is ${name}`, () => {
      expect(httpExceptionClassFor(status)).toBe(classNamed(name))
    })

    it(`abort(${status}) throws ${name}`, () => {
      expect(() => abort(status)).toThrow(classNamed(name))
    })
  }
})

describe('an HTTPException', () => {
  it('takes a description, escaped on its page with newlines as <br>', async () => {
    const body = await new NotFound('a <b>\nline').getResponse().text()
    expect(body).toBe(
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>a &lt;b&gt;<br>line</p>\n',
    )
  })

  it("has a message like Werkzeug's str()", () => {
    expect(new BadRequest('Missing field.').message).toBe('400 Bad Request: Missing field.')
  })

  it('keeps its cause', () => {
    const cause = new Error('root')
    expect(new BadRequest(undefined, { cause }).cause).toBe(cause)
  })

  it('answers with the response it carries, status included', () => {
    const response = new Response('teapot', { status: 418 })
    const error = new HTTPException(undefined, { response })
    expect(error.status).toBe(418)
    expect(error.title).toBe("I'm a teapot")
    expect(error.getResponse()).toBe(response)
  })
})

describe('the headers some errors add', () => {
  const rows: Array<[name: string, error: HTTPException, header: string, value: string | null]> = [
    ['405 lists the allowed methods in Allow', new MethodNotAllowed(['GET', 'HEAD']), 'allow', 'GET, HEAD'],
    ['405 without methods has no Allow', new MethodNotAllowed(), 'allow', null],
    [
      '401 sends WWW-Authenticate',
      new Unauthorized(undefined, { wwwAuthenticate: 'Basic realm="x"' }),
      'www-authenticate',
      'Basic realm="x"',
    ],
    [
      '401 sends several WWW-Authenticate',
      new Unauthorized(undefined, { wwwAuthenticate: ['Basic', 'Bearer'] }),
      'www-authenticate',
      'Basic, Bearer',
    ],
    ['401 without a challenge has none', new Unauthorized(), 'www-authenticate', null],
    [
      '416 with a length sends Content-Range',
      new RangeNotSatisfiable(undefined, { length: 100 }),
      'content-range',
      'bytes */100',
    ],
    [
      '416 with other units',
      new RangeNotSatisfiable(undefined, { length: 3, units: 'items' }),
      'content-range',
      'items */3',
    ],
    [
      '429 sends Retry-After in seconds',
      new TooManyRequests(undefined, { retryAfter: 30 }),
      'retry-after',
      '30',
    ],
    [
      '503 sends Retry-After as an HTTP date',
      new ServiceUnavailable(undefined, { retryAfter: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) }),
      'retry-after',
      'Tue, 02 Jan 2024 03:04:05 GMT',
    ],
  ]
  for (const [name, error, header, value] of rows) {
    it(name, () => {
      expect(error.getResponse().headers.get(header)).toBe(value)
    })
  }
})

describe('InternalServerError', () => {
  it('carries the original error, from the option or the cause', () => {
    const original = new Error('boom')
    expect(new InternalServerError(undefined, { originalError: original }).originalError).toBe(original)
    expect(new InternalServerError(undefined, { cause: original }).originalError).toBe(original)
  })
})

describe('RequestRedirect', () => {
  it("answers 308 with Werkzeug's Redirecting page and the location", async () => {
    const error = new RequestRedirect('http://localhost/a/?x=1&y=2')
    expect(error).toBeInstanceOf(HTTPException)
    expect(error.location).toBe('http://localhost/a/?x=1&y=2')
    const response = error.getResponse()
    expect(response.status).toBe(308)
    expect(response.headers.get('location')).toBe('http://localhost/a/?x=1&y=2')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await response.text()).toBe(
      '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
        '<p>You should be redirected automatically to the target URL: <a href="http://localhost/a/?x=1&amp;y=2">' +
        'http://localhost/a/?x=1&amp;y=2</a>. If not, click the link.\n',
    )
  })

  it('is not a class errorHandler(308) can name', () => {
    expect(httpExceptionClassFor(308)).toBeUndefined()
  })
})

describe('abort()', () => {
  it('passes the description', () => {
    expect(() => abort(404, 'No such user.')).toThrow(
      expect.objectContaining({ description: 'No such user.' }),
    )
  })

  it('gives 405 the description, not the methods', () => {
    try {
      abort(405, 'Read only.')
    } catch (error) {
      expect(error).toBeInstanceOf(MethodNotAllowed)
      expect((error as MethodNotAllowed).description).toBe('Read only.')
      expect((error as MethodNotAllowed).validMethods).toEqual([])
    }
  })

  it('throws a response as it is', () => {
    const response = new Response('nope', { status: 403 })
    try {
      abort(response)
    } catch (error) {
      expect(error).toBeInstanceOf(HTTPException)
      expect((error as HTTPException).getResponse()).toBe(response)
    }
    expect.assertions(2)
  })

  it('converts a WHATWG response', async () => {
    try {
      abort(new globalThis.Response('gone', { status: 410, headers: { 'X-A': '1' } }))
    } catch (error) {
      const response = (error as HTTPException).getResponse()
      expect(response.status).toBe(410)
      expect(response.headers.get('x-a')).toBe('1')
      expect(await response.text()).toBe('gone')
    }
    expect.assertions(3)
  })

  const unknown: Array<[name: string, status: number]> = [
    ['a success status', 200],
    ['a redirect status', 302],
    ['an error status Werkzeug has no class for', 599],
  ]
  for (const [name, status] of unknown) {
    it(`refuses ${name} (${status}), naming it`, () => {
      expect(() => abort(status)).toThrow(`abort(${status}): there is no HTTPException for status ${status}`)
      expect(() => abort(status)).not.toThrow(HTTPException)
    })
  }
})
