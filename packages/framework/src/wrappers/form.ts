/**
 * Form bodies: `application/x-www-form-urlencoded` (and the old `application/x-url-encoded`) and
 * `multipart/form-data`, as Quart's `formparser.py`. Any other type gives an empty form, and so
 * does a multipart body that cannot be parsed (no boundary, garbage): Quart's parser is silent.
 * Only the limits answer with an error, a 413.
 *
 * Multipart bodies are parsed by undici (its `Response#formData()`), after the body has been read
 * within `maxContentLength`; the part-count and field-size limits are checked on the result, and
 * the part count also before parsing, so a body of a million tiny parts is refused cheaply.
 */
import { RequestEntityTooLarge } from '../exceptions.js'
import { spoolUpload, type UploadedFile } from './files.js'
import { MultiDict } from './multidict.js'
import { parseQuery } from './percent.js'

/** The form limits; the Request itself is one, read when the form is parsed. */
export interface FormLimits {
  /** Bytes allowed in one non-file multipart field. */
  readonly maxFormMemorySize: number | null
  /** Parts allowed in a multipart body (not applied to urlencoded bodies, as Quart 0.21). */
  readonly maxFormParts: number | null
}

/** The fields and the files of a form. */
export interface ParsedForm {
  form: MultiDict
  files: MultiDict<UploadedFile>
}

const URLENCODED = new Set(['application/x-www-form-urlencoded', 'application/x-url-encoded'])

/**
 * Parses the body as a form when `mimetype` is a form type; reads it with `read` only then.
 * @throws RequestEntityTooLarge when a multipart body has too many parts or too large a field,
 *   and whatever `read` throws (413, 408, 400)
 */
export async function parseForm(
  read: () => Promise<Uint8Array>,
  mimetype: string,
  params: Record<string, string>,
  limits: FormLimits,
): Promise<ParsedForm> {
  if (URLENCODED.has(mimetype)) {
    // Lenient where Quart gives up: bytes that are not UTF-8 become U+FFFD instead of an empty form.
    const text = new TextDecoder().decode(await read())
    return { form: new MultiDict(parseQuery(text)), files: new MultiDict() }
  }
  const boundary = params.boundary
  if (mimetype === 'multipart/form-data' && boundary) return parseMultipart(await read(), boundary, limits)
  return { form: new MultiDict(), files: new MultiDict() }
}

async function parseMultipart(body: Uint8Array, boundary: string, limits: FormLimits): Promise<ParsedForm> {
  const maxParts = limits.maxFormParts
  if (maxParts !== null && countParts(body, boundary) > maxParts) throw new RequestEntityTooLarge()
  let entries: Array<[string, string | File]>
  try {
    // undici takes a tenth of a second to load: it is loaded by the first multipart body, not at start.
    const { Response: UndiciResponse } = await import('undici')
    const response = new UndiciResponse(body, {
      headers: { 'content-type': `multipart/form-data; boundary=${quoteBoundary(boundary)}` },
    })
    entries = [...(await response.formData())] as Array<[string, string | File]>
  } catch {
    // Werkzeug's parser is silent on malformed data (ValueError → empty form); so is this one.
    return { form: new MultiDict(), files: new MultiDict() }
  }
  if (maxParts !== null && entries.length > maxParts) throw new RequestEntityTooLarge()
  // Check every field before spooling any file, so a 413 leaves no temporary file behind.
  const maxField = limits.maxFormMemorySize
  const fields = entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  if (maxField !== null && fields.some(([, value]) => Buffer.byteLength(value) > maxField)) {
    throw new RequestEntityTooLarge()
  }
  const files: Array<[string, UploadedFile]> = []
  try {
    for (const [name, value] of entries)
      if (typeof value !== 'string') files.push([name, await spoolUpload(name, value)])
  } catch (error) {
    await Promise.all(files.map(([, file]) => file.close()))
    throw error
  }
  return { form: new MultiDict(fields), files: new MultiDict(files) }
}

/** Counts delimiter lines (`--boundary` then CRLF, at the start or after a CRLF): one per part. */
function countParts(body: Uint8Array, boundary: string): number {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const delimiter = Buffer.from(`--${boundary}\r\n`)
  let count = 0
  for (let at = buffer.indexOf(delimiter); at !== -1; at = buffer.indexOf(delimiter, at + delimiter.length)) {
    if (at === 0 || (buffer[at - 2] === 0x0d && buffer[at - 1] === 0x0a)) count++
  }
  return count
}

function quoteBoundary(boundary: string): string {
  return /^[\w'()+,\-./:=?]+$/.test(boundary) ? boundary : `"${boundary.replace(/(["\\])/g, '\\$1')}"`
}
