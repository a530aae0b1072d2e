/**
 * Sending files: `sendFile` for a path or in-memory data, `sendFromDirectory` for a path that
 * comes from the URL (the static route's helper). Quart's `send_file` with Flask's option names
 * (quart-behaviour.md §1.8): Content-Length, Last-Modified and an ETag from the file, `Cache-Control:
 * public` with max-age and Expires, a Content-Disposition for downloads, then `makeConditional`
 * for 304, 412, 206 and 416. Files are streamed, never read whole.
 */
import type { BigIntStats } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { NotFound } from '../exceptions.js'
import { Response, type ResponseBody } from '../wrappers/response.js'
import { type ConditionalRequest, makeConditional } from './conditional.js'
import { contentDisposition } from './content-disposition.js'
import { fileEtag, quoteEtag } from './etag.js'
import { FileBody } from './file-body.js'
import { formatHttpDate } from './http-date.js'
import { guessMimetype } from './mimetypes.js'
import { safeJoin } from './safe-join.js'

/** What `sendFile` sends: a path, bytes, or a stream (a Node Readable or any async iterable of bytes). */
export type FileSource = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>

/** The options of {@link sendFile} and {@link sendFromDirectory}, named as Flask's. */
export interface SendFileOptions {
  /** The media type; guessed from `downloadName` or the file's name when absent. */
  mimetype?: string
  /** Send `Content-Disposition: attachment`, so that the browser saves the file. */
  asAttachment?: boolean
  /**
   * The name the client sees; defaults to the file's own name. Given without `asAttachment`, it is
   * sent as `Content-Disposition: inline; filename=…` (as Flask does).
   */
  downloadName?: string
  /** Answer If-None-Match, If-Modified-Since, If-Match, Range… (needs `request`). Default true, as Flask. */
  conditional?: boolean
  /**
   * `true` (the default) computes an ETag for a path; `false` sends none; a string is sent as the
   * ETag of any source (quoted if it is not already).
   */
  etag?: boolean | string
  /** Last-Modified: a Date or milliseconds since the epoch. Defaults to a path's mtime. */
  lastModified?: Date | number
  /**
   * Seconds a client may cache the file (`max-age` and `Expires`); null for none. A function is
   * called with the file's path (null for data). Defaults to `defaultMaxAge` for a path, and to
   * none for data, as Quart.
   */
  maxAge?: number | null | ((path: string | null) => number | null)
  /** The request to answer conditionally; the framework passes the current request. */
  request?: ConditionalRequest
  /** SEND_FILE_MAX_AGE_DEFAULT, which the framework passes from the app's config. */
  defaultMaxAge?: number | null
}

/**
 * Sends a file, or data as if it were one. A path is streamed from disk with Content-Length,
 * Last-Modified and an ETag; data (bytes or a stream) needs a `mimetype` or a `downloadName` to
 * guess it from. With `request`, the response answers conditional and range requests.
 *
 * @example
 * app.get('/report', async () =>
 *   sendFile('reports/latest.pdf', { asAttachment: true, downloadName: 'résumé.pdf', request }))
 * @throws TypeError when data comes with neither `mimetype` nor `downloadName`, or with
 * `asAttachment` but no `downloadName`.
 * @throws Error when the path is missing (the fs error) or is not a regular file.
 * @throws PreconditionFailed, RangeNotSatisfiable from {@link makeConditional}.
 */
export async function sendFile(source: FileSource, options: SendFileOptions = {}): Promise<Response> {
  if (typeof source !== 'string') return respond(source as ResponseBody, null, options)
  const path = resolve(source)
  const info = await stat(path, { bigint: true })
  if (!info.isFile()) {
    throw new Error(
      `sendFile(${JSON.stringify(source)}): ${path} is not a regular file, so it cannot be sent.`,
    )
  }
  return respond(new FileBody(path, 0, Number(info.size)), { path, info }, options)
}

/**
 * Sends the file at `path` inside `directory`, where `path` comes from the client (a URL part):
 * anything that would leave the directory, and anything that is not a regular file there, is a 404.
 * This is what the static route calls.
 *
 * @example
 * app.get('/uploads/<path:name>', async ({ name }) => sendFromDirectory(UPLOADS, name, { request }))
 * @throws NotFound when `path` escapes the directory (see {@link safeJoin}), is missing, or is not
 * a regular file.
 */
export async function sendFromDirectory(
  directory: string,
  path: string,
  options: SendFileOptions = {},
): Promise<Response> {
  const joined = safeJoin(directory, path)
  if (joined === null) throw new NotFound()
  const full = resolve(joined)
  const info = await stat(full, { bigint: true }).catch(() => null)
  if (info === null || !info.isFile()) throw new NotFound()
  return respond(new FileBody(full, 0, Number(info.size)), { path: full, info }, options)
}

interface FileOnDisk {
  path: string
  info: BigIntStats
}

async function respond(
  body: ResponseBody,
  file: FileOnDisk | null,
  options: SendFileOptions,
): Promise<Response> {
  const downloadName = options.downloadName ?? (file === null ? undefined : basename(file.path))
  const response = new Response(body, { mimetype: mimetypeOf(options, downloadName) })
  const size =
    file !== null ? Number(file.info.size) : body instanceof Uint8Array ? body.byteLength : undefined
  if (size !== undefined) response.headers.set('Content-Length', String(size))

  if (options.asAttachment || options.downloadName !== undefined) {
    if (downloadName === undefined) {
      throw new TypeError(
        'sendFile(data, { asAttachment: true }) needs a downloadName: data has no file name.',
      )
    }
    response.headers.set(
      'Content-Disposition',
      contentDisposition(downloadName, options.asAttachment ? 'attachment' : 'inline'),
    )
  }

  const lastModified = options.lastModified ?? (file === null ? undefined : Number(file.info.mtimeMs))
  if (lastModified !== undefined) response.headers.set('Last-Modified', formatHttpDate(lastModified))
  if (typeof options.etag === 'string') response.headers.set('ETag', quoteEtag(options.etag))
  else if (options.etag !== false && file !== null) {
    response.headers.set('ETag', fileEtag(file.path, file.info.mtimeNs, file.info.size))
  }

  // Quart: `public` always; max-age and Expires only when a max age applies.
  const maxAge = maxAgeOf(options, file)
  response.cacheControl.update({ public: true, maxAge })
  if (maxAge !== null) response.headers.set('Expires', formatHttpDate(Date.now() + maxAge * 1000))

  if (options.conditional === false || options.request === undefined) return response
  return makeConditional(
    response,
    options.request,
    size === undefined ? { acceptRanges: true } : { acceptRanges: true, completeLength: size },
  )
}

function mimetypeOf(options: SendFileOptions, downloadName: string | undefined): string {
  if (options.mimetype !== undefined) return options.mimetype
  if (downloadName === undefined) {
    throw new TypeError(
      'sendFile() cannot guess the media type of data that has no file name. ' +
        'Pass { mimetype: "image/png" } or { downloadName: "photo.png" }.',
    )
  }
  return guessMimetype(downloadName) ?? 'application/octet-stream'
}

function maxAgeOf(options: SendFileOptions, file: FileOnDisk | null): number | null {
  const path = file === null ? null : file.path
  const maxAge =
    options.maxAge !== undefined ? options.maxAge : path === null ? null : (options.defaultMaxAge ?? null)
  const seconds = typeof maxAge === 'function' ? maxAge(path) : maxAge
  return seconds === null ? null : Math.max(0, Math.trunc(seconds))
}
