/**
 * What a view returned → a Response (lifecycle step 6; Quart's `make_response`, with the tuple rule
 * of DESIGN.md "API conventions", since JavaScript has no tuples).
 */
import { HTTPException } from '../exceptions.js'
import { Response, type ResponseChunk } from '../wrappers/response.js'

/** What `makeResponse` needs from the app. */
export interface MakeResponseOptions {
  /** The endpoint whose view returned the value, named in the error for a value no view may return. */
  endpoint?: string | null | undefined
  /** Makes the JSON response for an object or an array, in the app's style. */
  json: (value: unknown) => Response
}

/** A view's return value that cannot be a response. A TypeError, carrying what was returned and by whom. */
export class ViewReturnError extends TypeError {
  /** The endpoint of the view, when known. */
  readonly endpoint: string | undefined
  /** The value the view returned. */
  readonly value: unknown

  constructor(endpoint: string | undefined, value: unknown, what = describe(value)) {
    const view = endpoint === undefined ? 'The view' : `The view for endpoint ${JSON.stringify(endpoint)}`
    super(
      `${view} returned ${what}. Return a string, an object or array (JSON), a Response, ` +
        'an async iterable, or a [body, status, headers] tuple.',
    )
    this.name = 'ViewReturnError'
    this.endpoint = endpoint
    this.value = value
  }
}

/**
 * Turns a view's return value into a Response:
 * - a string is HTML; a Uint8Array is a body (text/html, as Quart's bytes);
 * - a Flagon Response is used as it is; a WHATWG Response is converted; an HTTPException gives its page;
 * - an async iterable (an async generator, a ReadableStream) or a sync generator is streamed;
 * - a plain object is JSON;
 * - an array is a tuple when it has 2 or 3 items, the second an integer status 100–599 and the third,
 *   if any, headers (a plain object or Headers): `[body, status]`, `[body, status, headers]`; also
 *   `[body, headers]` when the second is a Headers instance. Any other array is JSON.
 *
 * Tuple headers replace those of the same name (Werkzeug's `headers.update`).
 *
 * @example
 * makeResponse(['made', 201, { 'X-Id': '7' }], { json: jsonResponse }).status // 201
 * @throws ViewReturnError (a TypeError) for undefined, null, a number, a function or another object.
 */
export function makeResponse(value: unknown, options: MakeResponseOptions): Response {
  const endpoint = options.endpoint ?? undefined
  if (!Array.isArray(value) || !isTuple(value)) return toResponse(value, options, endpoint)
  const [body, second, third] = value as [unknown, unknown, unknown]
  if (body === undefined || body === null) {
    throw new ViewReturnError(endpoint, value, `a tuple whose body is ${body}`)
  }
  const response = toResponse(body, options, endpoint)
  if (typeof second === 'number') response.status = second
  const headers = second instanceof Headers ? second : third
  if (headers !== undefined) replaceHeaders(response.headers, headers as Headers | Record<string, unknown>)
  return response
}

function toResponse(value: unknown, options: MakeResponseOptions, endpoint: string | undefined): Response {
  if (value instanceof Response) return value
  if (typeof value === 'string' || value instanceof Uint8Array) return new Response(value)
  if (value instanceof HTTPException) return value.getResponse()
  if (isWebResponse(value)) return Response.fromWeb(value)
  // Streamable first: an object literal with [Symbol.asyncIterator] (what streamTemplate gives) is a body, not JSON.
  if (isStreamable(value)) return new Response(value)
  if (Array.isArray(value) || isPlainObject(value)) return options.json(value)
  throw new ViewReturnError(endpoint, value)
}

// DESIGN.md: a tuple is [body, status], [body, status, headers] or [body, Headers]; all else is JSON.
function isTuple(value: unknown[]): boolean {
  if (value.length !== 2 && value.length !== 3) return false
  const [, second, third] = value
  if (value.length === 2 && second instanceof Headers) return true
  if (!(Number.isInteger(second) && (second as number) >= 100 && (second as number) <= 599)) return false
  return value.length === 2 || third instanceof Headers || isPlainObject(third)
}

// Werkzeug's headers.update: each named header is replaced by all the values given for it.
function replaceHeaders(target: Headers, source: Headers | Record<string, unknown>): void {
  const grouped = new Map<string, string[]>()
  const add = (name: string, value: string) => {
    const key = name.toLowerCase()
    grouped.set(key, [...(grouped.get(key) ?? []), value])
  }
  if (source instanceof Headers) {
    source.forEach((value, name) => {
      if (name !== 'set-cookie') add(name, value)
    })
    for (const cookie of source.getSetCookie()) add('set-cookie', cookie)
  } else {
    for (const [name, value] of Object.entries(source)) {
      for (const one of Array.isArray(value) ? value : [value]) add(name, String(one))
    }
  }
  for (const [name, values] of grouped) {
    target.delete(name)
    for (const value of values) target.append(name, value)
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// The global Response and undici's are different classes; both say "Response" when asked what they are.
function isWebResponse(value: unknown): value is globalThis.Response {
  return (
    value instanceof globalThis.Response ||
    (Object.prototype.toString.call(value) === '[object Response]' &&
      typeof (value as { headers?: { getSetCookie?: unknown } }).headers?.getSetCookie === 'function')
  )
}

// Async iterables stream; so do sync generators (Quart iterates them), but not strings, Maps or Sets.
function isStreamable(value: unknown): value is AsyncIterable<ResponseChunk> | Iterable<ResponseChunk> {
  if (typeof value !== 'object' || value === null) return false
  return Symbol.asyncIterator in value || Object.prototype.toString.call(value) === '[object Generator]'
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  switch (typeof value) {
    case 'function':
      return value.name ? `a function (${value.name})` : 'a function'
    case 'object': {
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
        ?.name
      return `an instance of ${name ?? 'Object'}`
    }
    case 'string':
      return 'a string'
    default:
      return `the ${typeof value} ${String(value)}`
  }
}
