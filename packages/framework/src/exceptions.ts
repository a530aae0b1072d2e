/**
 * HTTP errors as Werkzeug defines them (werkzeug/exceptions.py, 3.1): one class per status, each with
 * Werkzeug's default description and HTML page. Throw one from a view or hook (or call `abort`) and
 * the error handlers, or its own page, answer the request (quart-behaviour.md §1.10).
 */
import { STATUS_CODES } from 'node:http'
import { escapeHtml, Response } from './wrappers/response.js'

/** The options every HTTPException takes. */
export interface HTTPExceptionOptions {
  /** A ready response to send instead of the error page, as `abort(response)` makes. */
  response?: Response
  /** The error that led to this one. */
  cause?: unknown
}

/**
 * The base of every HTTP error. Subclasses fix the status and default description; the base itself
 * only carries a response (from `abort(response)`), and is otherwise a 500.
 *
 * @example
 * throw new NotFound('No user with that name.')
 */
export class HTTPException extends Error {
  /** The status of this class's errors. */
  static readonly status: number = 500
  /** The status phrase, as Werkzeug 3.1.8's HTTP_STATUS_CODES has it (what Quart's pages show). */
  static readonly title: string = 'Internal Server Error'
  /** Werkzeug's default description for this class. */
  static readonly description: string = ''

  readonly status: number
  /** Text shown in the page's paragraph; HTML in it is escaped, newlines become `<br>`. */
  description: string
  response: Response | undefined

  constructor(description?: string, options: HTTPExceptionOptions = {}) {
    super(undefined, 'cause' in options ? { cause: options.cause } : undefined)
    const cls = new.target as typeof HTTPException
    this.name = cls.name
    this.status = options.response?.status ?? cls.status
    this.description = description ?? cls.description
    this.response = options.response
    this.message = `${this.status} ${this.title}: ${this.description}`
  }

  /** The status phrase, e.g. 'Not Found'. */
  get title(): string {
    const cls = this.constructor as typeof HTTPException
    if (this.status === cls.status) return cls.title
    // A carried response may have any status: name it as Werkzeug would, then as Node does.
    return BY_STATUS.get(this.status)?.title ?? STATUS_CODES[this.status] ?? 'Unknown'
  }

  /** The response that answers this error: the one it carries, or Werkzeug's HTML page. */
  getResponse(): Response {
    if (this.response) return this.response
    return new Response(this.getBody(), { status: this.status, headers: this.getHeaders() })
  }

  /** Werkzeug's HTML error page. Override to change the page of one class. */
  getBody(): string {
    const title = escapeHtml(this.title)
    const description = escapeHtml(this.description).replaceAll('\n', '<br>')
    return `<!doctype html>\n<html lang=en>\n<title>${this.status} ${title}</title>\n<h1>${title}</h1>\n<p>${description}</p>\n`
  }

  /** The headers of the error page; subclasses add Allow, WWW-Authenticate, Retry-After… */
  getHeaders(): Headers {
    return new Headers({ 'Content-Type': 'text/html; charset=utf-8' })
  }
}

/** *400*: the request could not be understood (bad JSON, a malformed form…). */
export class BadRequest extends HTTPException {
  static override readonly status: number = 400
  static override readonly title: string = 'Bad Request'
  static override readonly description: string =
    'The browser (or proxy) sent a request that this server could not understand.'
}

/** The options of `Unauthorized`. */
export interface UnauthorizedOptions extends HTTPExceptionOptions {
  /** One WWW-Authenticate value, or several, each sent as its own header (Werkzeug 2.0). */
  wwwAuthenticate?: string | readonly string[]
}

/** *401*: the user must authenticate; pass `wwwAuthenticate` to say how. */
export class Unauthorized extends HTTPException {
  static override readonly status: number = 401
  static override readonly title: string = 'Unauthorized'
  static override readonly description: string =
    "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required."
  wwwAuthenticate: readonly string[]

  constructor(description?: string, options: UnauthorizedOptions = {}) {
    super(description, options)
    const { wwwAuthenticate = [] } = options
    this.wwwAuthenticate = typeof wwwAuthenticate === 'string' ? [wwwAuthenticate] : wwwAuthenticate
  }

  override getHeaders(): Headers {
    const headers = super.getHeaders()
    for (const value of this.wwwAuthenticate) headers.append('WWW-Authenticate', value)
    return headers
  }
}

/** *403*: the user is known but may not access this. */
export class Forbidden extends HTTPException {
  static override readonly status: number = 403
  static override readonly title: string = 'Forbidden'
  static override readonly description: string =
    "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server."
}

/** *404*: nothing is here, and nothing was. */
export class NotFound extends HTTPException {
  static override readonly status: number = 404
  static override readonly title: string = 'Not Found'
  static override readonly description: string =
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'
}

/** *405*: the URL exists but not for this method; the page's Allow header lists the methods that work. */
export class MethodNotAllowed extends HTTPException {
  static override readonly status: number = 405
  static override readonly title: string = 'Method Not Allowed'
  static override readonly description: string = 'The method is not allowed for the requested URL.'
  readonly validMethods: readonly string[]

  constructor(validMethods: Iterable<string> = [], description?: string, options: HTTPExceptionOptions = {}) {
    super(description, options)
    this.validMethods = [...validMethods]
  }

  override getHeaders(): Headers {
    const headers = super.getHeaders()
    if (this.validMethods.length) headers.set('Allow', this.validMethods.join(', '))
    return headers
  }
}

/** *406*: nothing the client's Accept headers allow can be produced. */
export class NotAcceptable extends HTTPException {
  static override readonly status: number = 406
  static override readonly title: string = 'Not Acceptable'
  static override readonly description: string =
    'The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.'
}

/** *408*: the client took longer than BODY_TIMEOUT to send its body. */
export class RequestTimeout extends HTTPException {
  static override readonly status: number = 408
  static override readonly title: string = 'Request Timeout'
  static override readonly description: string =
    "The server closed the network connection because the browser didn't finish the request within the specified time."
}

/** *409*: the request conflicts with the resource's current state. */
export class Conflict extends HTTPException {
  static override readonly status: number = 409
  static override readonly title: string = 'Conflict'
  static override readonly description: string =
    'A conflict happened while processing the request. The resource might have been modified while the request was being processed.'
}

/** *410*: the resource existed and is gone for good. */
export class Gone extends HTTPException {
  static override readonly status: number = 410
  static override readonly title: string = 'Gone'
  static override readonly description: string =
    'The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.'
}

/** *411*: a body was sent without the Content-Length this server requires. */
export class LengthRequired extends HTTPException {
  static override readonly status: number = 411
  static override readonly title: string = 'Length Required'
  // Werkzeug escapes the description, so this <code> shows as text on its page too.
  static override readonly description: string =
    'A request with this method requires a valid <code>Content-Length</code> header.'
}

/** *412*: an If-Match, If-None-Match or If-Unmodified-Since condition failed. */
export class PreconditionFailed extends HTTPException {
  static override readonly status: number = 412
  static override readonly title: string = 'Precondition Failed'
  static override readonly description: string =
    'The precondition on the request for the URL failed positive evaluation.'
}

/** *413*: the body is larger than MAX_CONTENT_LENGTH. */
export class RequestEntityTooLarge extends HTTPException {
  static override readonly status: number = 413
  static override readonly title: string = 'Request Entity Too Large'
  static override readonly description: string = 'The data value transmitted exceeds the capacity limit.'
}

/** *414*: the URL is too long. */
export class RequestURITooLarge extends HTTPException {
  static override readonly status: number = 414
  static override readonly title: string = 'Request URI Too Long'
  static override readonly description: string =
    'The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.'
}

/** *415*: the body's media type is not one this view handles. */
export class UnsupportedMediaType extends HTTPException {
  static override readonly status: number = 415
  static override readonly title: string = 'Unsupported Media Type'
  static override readonly description: string =
    'The server does not support the media type transmitted in the request.'
}

/** The options of `RangeNotSatisfiable`. */
export interface RangeNotSatisfiableOptions extends HTTPExceptionOptions {
  /** The resource's full length, sent as `Content-Range: <units> *\/<length>`. */
  length?: number
  /** Defaults to `bytes`. */
  units?: string
}

/** *416*: the requested range lies outside the resource (Werkzeug's RequestedRangeNotSatisfiable). */
export class RangeNotSatisfiable extends HTTPException {
  static override readonly status: number = 416
  static override readonly title: string = 'Requested Range Not Satisfiable'
  static override readonly description: string = 'The server cannot provide the requested range.'
  readonly length: number | undefined
  readonly units: string

  constructor(description?: string, options: RangeNotSatisfiableOptions = {}) {
    super(description, options)
    this.length = options.length
    this.units = options.units ?? 'bytes'
  }

  override getHeaders(): Headers {
    const headers = super.getHeaders()
    if (this.length !== undefined) headers.set('Content-Range', `${this.units} */${this.length}`)
    return headers
  }
}

/** *417*: the Expect header's requirement cannot be met. */
export class ExpectationFailed extends HTTPException {
  static override readonly status: number = 417
  static override readonly title: string = 'Expectation Failed'
  static override readonly description: string =
    'The server could not meet the requirements of the Expect header'
}

/** *418*: this server is a teapot (RFC 2324). */
export class ImATeapot extends HTTPException {
  static override readonly status: number = 418
  static override readonly title: string = "I'm a teapot"
  static override readonly description: string = 'This server is a teapot, not a coffee machine'
}

/** *421*: the request reached a server that cannot answer for this host. */
export class MisdirectedRequest extends HTTPException {
  static override readonly status: number = 421
  static override readonly title: string = 'Misdirected Request'
  static override readonly description: string = 'The server is not able to produce a response.'
}

/** *422*: the request is well-formed but its content is invalid. */
export class UnprocessableEntity extends HTTPException {
  static override readonly status: number = 422
  static override readonly title: string = 'Unprocessable Entity'
  static override readonly description: string =
    'The request was well-formed but was unable to be followed due to semantic errors.'
}

/** *423*: the resource is locked. */
export class Locked extends HTTPException {
  static override readonly status: number = 423
  static override readonly title: string = 'Locked'
  static override readonly description: string = 'The resource that is being accessed is locked.'
}

/** *424*: an action this one depended on failed. */
export class FailedDependency extends HTTPException {
  static override readonly status: number = 424
  static override readonly title: string = 'Failed Dependency'
  static override readonly description: string =
    'The method could not be performed on the resource because the requested action depended on another action and that action failed.'
}

/** *428*: the request must be conditional, to prevent lost updates. */
export class PreconditionRequired extends HTTPException {
  static override readonly status: number = 428
  static override readonly title: string = 'Precondition Required'
  static override readonly description: string =
    'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".'
}

/** The options of the errors that can say when to retry. */
export interface RetryAfterOptions extends HTTPExceptionOptions {
  /** Seconds to wait, or the moment to retry at; sent as Retry-After. */
  retryAfter?: number | Date
}

/** *429*: the client has sent too many requests; `retryAfter` says when to come back. */
export class TooManyRequests extends HTTPException {
  static override readonly status: number = 429
  static override readonly title: string = 'Too Many Requests'
  static override readonly description: string =
    'This user has exceeded an allotted request count. Try again later.'
  readonly retryAfter: number | Date | undefined

  constructor(description?: string, options: RetryAfterOptions = {}) {
    super(description, options)
    this.retryAfter = options.retryAfter
  }

  override getHeaders(): Headers {
    return withRetryAfter(super.getHeaders(), this.retryAfter)
  }
}

/** *431*: a header, or all of them together, is too large. */
export class RequestHeaderFieldsTooLarge extends HTTPException {
  static override readonly status: number = 431
  static override readonly title: string = 'Request Header Fields Too Large'
  static override readonly description: string = 'One or more header fields exceeds the maximum size.'
}

/** *451*: access is denied because of a legal demand. */
export class UnavailableForLegalReasons extends HTTPException {
  static override readonly status: number = 451
  static override readonly title: string = 'Unavailable For Legal Reasons'
  static override readonly description: string = 'Unavailable for legal reasons.'
}

/** The options of `InternalServerError`. */
export interface InternalServerErrorOptions extends HTTPExceptionOptions {
  /** The unhandled error this 500 answers; defaults to `cause`. */
  originalError?: unknown
}

/** *500*: the app failed. Flagon raises it for an unhandled error, carrying it as `originalError`. */
export class InternalServerError extends HTTPException {
  static override readonly status: number = 500
  static override readonly title: string = 'Internal Server Error'
  static override readonly description: string =
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.'
  readonly originalError: unknown

  constructor(description?: string, options: InternalServerErrorOptions = {}) {
    super(description, options)
    this.originalError = 'originalError' in options ? options.originalError : options.cause
  }
}

/** *501*: the server does not support what was asked. */
export class NotImplemented extends HTTPException {
  static override readonly status: number = 501
  static override readonly title: string = 'Not Implemented'
  static override readonly description: string =
    'The server does not support the action requested by the browser.'
}

/** *502*: an upstream server answered with something invalid. */
export class BadGateway extends HTTPException {
  static override readonly status: number = 502
  static override readonly title: string = 'Bad Gateway'
  static override readonly description: string =
    'The proxy server received an invalid response from an upstream server.'
}

/** *503*: the service is down for now; `retryAfter` says when to come back. */
export class ServiceUnavailable extends HTTPException {
  static override readonly status: number = 503
  static override readonly title: string = 'Service Unavailable'
  static override readonly description: string =
    'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.'
  readonly retryAfter: number | Date | undefined

  constructor(description?: string, options: RetryAfterOptions = {}) {
    super(description, options)
    this.retryAfter = options.retryAfter
  }

  override getHeaders(): Headers {
    return withRetryAfter(super.getHeaders(), this.retryAfter)
  }
}

/** *504*: an upstream server did not answer in time. */
export class GatewayTimeout extends HTTPException {
  static override readonly status: number = 504
  static override readonly title: string = 'Gateway Timeout'
  static override readonly description: string = 'The connection to an upstream server timed out.'
}

/** *505*: the request's HTTP version is not supported. */
export class HTTPVersionNotSupported extends HTTPException {
  static override readonly status: number = 505
  static override readonly title: string = 'HTTP Version Not Supported'
  static override readonly description: string =
    'The server does not support the HTTP protocol version used in the request.'
}

/**
 * *308*: the router's answer to a URL that needs a trailing slash. Its page is Werkzeug's
 * "Redirecting..." page, and error handlers never see it (Flask).
 */
export class RequestRedirect extends HTTPException {
  static override readonly status: number = 308
  static override readonly title: string = 'Permanent Redirect'
  /** The absolute URL to go to. */
  readonly location: string

  constructor(location: string, options: HTTPExceptionOptions = {}) {
    super(location, options)
    this.location = location
  }

  override getResponse(): Response {
    return this.response ?? Response.redirect(this.location, this.status)
  }
}

const BY_STATUS: ReadonlyMap<number, typeof HTTPException> = new Map(
  [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    RequestTimeout,
    Conflict,
    Gone,
    LengthRequired,
    PreconditionFailed,
    RequestEntityTooLarge,
    RequestURITooLarge,
    UnsupportedMediaType,
    RangeNotSatisfiable,
    ExpectationFailed,
    ImATeapot,
    MisdirectedRequest,
    UnprocessableEntity,
    Locked,
    FailedDependency,
    PreconditionRequired,
    TooManyRequests,
    RequestHeaderFieldsTooLarge,
    UnavailableForLegalReasons,
    InternalServerError,
    NotImplemented,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    HTTPVersionNotSupported,
    // MethodNotAllowed's constructor takes the allowed methods first; `abort` allows for that.
  ].map((cls): [number, typeof HTTPException] => [cls.status, cls as typeof HTTPException]),
)

/** The HTTPException class for an error status (4xx/5xx that Werkzeug knows), or undefined. */
export function httpExceptionClassFor(status: number): typeof HTTPException | undefined {
  return BY_STATUS.get(status)
}

/**
 * Stops the request with an HTTP error, as Quart's `abort`: a status throws its HTTPException class,
 * a response (Flagon's or WHATWG's) is thrown inside a plain HTTPException and sent as it is.
 *
 * @example
 * if (!user) abort(404, `No user named ${name}.`)
 * @throws HTTPException always; the subclass for the status.
 * @throws Error when no HTTPException class has that status (Werkzeug's LookupError).
 */
export function abort(status: number | Response | globalThis.Response, description?: string): never {
  if (status instanceof Response) throw new HTTPException(description, { response: status })
  if (typeof status === 'object') throw new HTTPException(description, { response: Response.fromWeb(status) })
  const cls = BY_STATUS.get(status)
  if (!cls) {
    throw new Error(
      `abort(${status}): there is no HTTPException for status ${status}. Use an error status Werkzeug ` +
        'knows (400–431, 451, 500–505), or pass a Response: abort(new Response(body, { status })).',
    )
  }
  // MethodNotAllowed takes the allowed methods first; abort only ever gives a description.
  throw cls === MethodNotAllowed ? new MethodNotAllowed([], description) : new cls(description)
}

function withRetryAfter(headers: Headers, retryAfter: number | Date | undefined): Headers {
  if (retryAfter instanceof Date) headers.set('Retry-After', retryAfter.toUTCString())
  else if (retryAfter) headers.set('Retry-After', String(retryAfter))
  return headers
}
