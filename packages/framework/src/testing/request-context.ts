/**
 * The made-up request behind `app.testRequestContext()`: what a real client would send,
 * without a socket, for tests and scripts that need `request`, `g` or `urlFor`.
 */
import type { Flagon } from '../app.js'
import { requestLimits } from '../server/limits.js'
import type { HeadersInit } from '../web-types.js'
import { Request } from '../wrappers/request.js'

/** Options of `app.testRequestContext(path, options)`. */
export interface TestRequestOptions {
  method?: string
  headers?: HeadersInit
  /** Added to the query string of `path`. */
  query?: Record<string, string | number | boolean | Array<string | number | boolean>>
  /** A JSON body (sets Content-Type). */
  json?: unknown
  /** An urlencoded form body (sets Content-Type). */
  form?: Record<string, string | string[]>
  /** A raw body. */
  data?: string | Uint8Array
  scheme?: 'http' | 'https'
  rootPath?: string
  remoteAddr?: string
}

/** Builds the Request a client would have sent for `path` and `options`. */
export function buildTestRequest(app: Flagon, path: string, options: TestRequestOptions): Request {
  const url = new URL(path, 'http://placeholder')
  for (const [key, value] of Object.entries(options.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item))
  }
  const headers = new Headers(options.headers)
  let body: string | Uint8Array | undefined = options.data
  if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  } else if (options.form !== undefined) {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(options.form)) {
      for (const item of Array.isArray(value) ? value : [value]) form.append(key, item)
    }
    body = form.toString()
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded')
  }
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  if (bytes) headers.set('content-length', String(bytes.byteLength))
  const host = headers.get('host') ?? (app.config.SERVER_NAME as string | null) ?? 'localhost'
  return new Request({
    method: (options.method ?? 'GET').toUpperCase(),
    scheme: options.scheme ?? 'http',
    host,
    path: url.pathname,
    queryString: url.search.slice(1),
    headers,
    remoteAddr: options.remoteAddr ?? '127.0.0.1',
    ...(options.rootPath !== undefined && { rootPath: options.rootPath }),
    body: bytes ? once(bytes) : null,
    ...requestLimits(app),
  })
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}
