/**
 * Files uploaded with `multipart/form-data`, as Werkzeug's `FileStorage`. A small file stays in
 * memory; one above {@link SPOOL_THRESHOLD} is written to a temporary file, so a request holding
 * many uploads does not hold them all in memory (Werkzeug's `default_stream_factory` rolls over
 * at 500 KiB too). `request.close()`, run when the request ends, removes those temporary files:
 * `save()` what you want to keep.
 */
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { HeadersInit } from '../web-types.js'

/** Uploads larger than this many bytes are spooled to a temporary file (Werkzeug: 500 KiB). */
export const SPOOL_THRESHOLD = 500 * 1024

/** Where an upload's bytes are: in memory, or in a temporary file of known size. */
export type UploadedContent = Uint8Array | { path: string; size: number }

/** What an {@link UploadedFile} is made from. */
export interface UploadedFileInit {
  /** The form field's name. */
  name: string
  /** The file name the client sent, unchanged: never trust it as a path. */
  filename: string
  contentType?: string
  headers?: HeadersInit
  content: UploadedContent
}

/**
 * One uploaded file, from `(await request.files()).get('avatar')`.
 * @example
 * const avatar = (await request.files()).get('avatar')
 * if (avatar) await avatar.save(join(uploads, randomUUID()))
 */
export class UploadedFile {
  /** The form field's name. */
  readonly name: string
  /** The file name the client sent, unchanged: sanitise it before using it in a path. */
  readonly filename: string
  /** The part's Content-Type; `text/plain` when the client gave none (the HTML standard's rule, which undici follows). */
  readonly contentType: string
  /** The size in bytes. */
  readonly size: number
  /** The part's headers (Content-Disposition and Content-Type). */
  readonly headers: Headers
  #content: UploadedContent | null

  constructor(init: UploadedFileInit) {
    this.name = init.name
    this.filename = init.filename
    this.contentType = init.contentType ?? 'application/octet-stream'
    this.headers = new Headers(init.headers)
    this.#content = init.content
    this.size = init.content instanceof Uint8Array ? init.content.byteLength : init.content.size
  }

  /** Whether the content lives in a temporary file rather than in memory. */
  get spooled(): boolean {
    return this.#content !== null && !(this.#content instanceof Uint8Array)
  }

  /** The content as a stream, read from memory or from the temporary file. */
  stream(): ReadableStream<Uint8Array> {
    const content = this.#open('stream()')
    if (content instanceof Uint8Array) return new Blob([content]).stream()
    return Readable.toWeb(createReadStream(content.path)) as ReadableStream<Uint8Array>
  }

  /** The content as bytes. */
  async bytes(): Promise<Uint8Array> {
    const content = this.#open('bytes()')
    if (content instanceof Uint8Array) return content.slice()
    return new Uint8Array(await readFile(content.path))
  }

  /** The content as an ArrayBuffer. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes()
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  }

  /** The content decoded as UTF-8 (as `Blob.text()`). */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes())
  }

  /** Writes the content to `path` (copied, so the upload stays readable until the request ends). */
  async save(path: string): Promise<void> {
    const content = this.#open('save()')
    if (content instanceof Uint8Array) await writeFile(path, content)
    else await copyFile(content.path, path)
  }

  /** Frees the content: drops it from memory or deletes its temporary file. Called by `request.close()`. */
  async close(): Promise<void> {
    const content = this.#content
    this.#content = null
    if (content !== null && !(content instanceof Uint8Array)) await rm(content.path, { force: true })
  }

  #open(action: string): UploadedContent {
    if (this.#content === null) {
      throw new Error(
        `Cannot ${action} the upload "${this.filename}" (field "${this.name}"): it was closed when its request ` +
          'ended. Save or read uploads while the request is handled.',
      )
    }
    return this.#content
  }
}

/**
 * Turns a parsed multipart `File` into an {@link UploadedFile}, spooling it to a temporary file
 * (readable only by this process's user) when it is larger than `threshold` bytes.
 */
export async function spoolUpload(
  name: string,
  file: File,
  threshold = SPOOL_THRESHOLD,
): Promise<UploadedFile> {
  const contentType = file.type || 'application/octet-stream'
  const headers = {
    'content-disposition': `form-data; name="${quote(name)}"; filename="${quote(file.name)}"`,
    'content-type': contentType,
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  if (bytes.byteLength <= threshold) {
    return new UploadedFile({ name, filename: file.name, contentType, headers, content: bytes })
  }
  const path = join(tmpdir(), `flagon-upload-${randomUUID()}`)
  await writeFile(path, bytes, { flag: 'wx', mode: 0o600 })
  return new UploadedFile({
    name,
    filename: file.name,
    contentType,
    headers,
    content: { path, size: bytes.byteLength },
  })
}

// The HTML standard's escaping for multipart names: quotes and newlines percent-encoded.
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
