/**
 * Turns the test client's body options (`json`, `form`, `data`, `files`) into the bytes to send and the
 * Content-Type that goes with them, with Quart's rules (quart-behaviour.md §1.19): `json` is
 * `application/json`, `form` is urlencoded, `files` (with any `form` fields) is `multipart/form-data`.
 */

/**
 * A file to upload with the `files` option: its content and name, or a global `File`/`Blob`
 * (a `Blob` without a name is sent as `blob`, as a browser would).
 */
export type TestFile = { content: string | Uint8Array; filename: string; contentType?: string } | Blob

/** The form fields of a request: one value or several per name. */
export type FormFields = Record<string, string | string[]> | URLSearchParams

/** The options that make a request's body; at most one of `json`, `form` and `data`, and of `json`, `files` and `data`. */
export interface BodyOptions {
  /** Sent as JSON, with `Content-Type: application/json`. `null` is sent as `null`; `undefined` means no body. */
  json?: unknown
  /** Sent urlencoded, or as the fields of a multipart body when `files` is given too. */
  form?: FormFields
  /** Sent as is, with no Content-Type of its own; an async iterable is streamed (chunked). */
  data?: string | Uint8Array | AsyncIterable<Uint8Array>
  /** Sent as `multipart/form-data`, together with the `form` fields. */
  files?: Record<string, TestFile | TestFile[]>
}

/** A request body ready to send. */
export interface EncodedBody {
  readonly body: string | Uint8Array | AsyncIterable<Uint8Array> | undefined
  readonly contentType: string | undefined
}

/**
 * Encodes the body options. With `replayable`, a streamed `data` is read into memory first, so that
 * it can be sent again when a 307/308 redirect is followed.
 *
 * @throws Error when the options combine `json`, `form` and `data`, or `json`, `files` and `data`.
 */
export async function encodeBody(options: BodyOptions, replayable = false): Promise<EncodedBody> {
  checkExclusive(options, ['json', 'form', 'data'])
  checkExclusive(options, ['json', 'files', 'data'])
  if (options.json !== undefined) {
    return { body: JSON.stringify(options.json), contentType: 'application/json' }
  }
  if (options.files !== undefined) return encodeMultipart(options.files, options.form)
  if (options.form !== undefined) {
    return {
      body: formEntries(options.form).toString(),
      contentType: 'application/x-www-form-urlencoded',
    }
  }
  const data = options.data
  if (data === undefined || typeof data === 'string' || data instanceof Uint8Array) {
    return { body: data, contentType: undefined }
  }
  return { body: replayable ? await readAll(data) : data, contentType: undefined }
}

function checkExclusive(options: BodyOptions, names: Array<keyof BodyOptions>): void {
  const given = names.filter((name) => options[name] !== undefined)
  if (given.length > 1) {
    throw new Error(
      `The test client's options ${names.join(', ')} are mutually exclusive, but ${given.join(' and ')} ` +
        'were given. Send one of them; to upload files with fields, use files with form.',
    )
  }
}

function formEntries(form: FormFields): URLSearchParams {
  if (form instanceof URLSearchParams) return form
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item)
  }
  return params
}

// undici's own FormData and Response, not the globals: Node's bundled undici and this one do not
// recognise each other's FormData, and undici's Response is what encodes it with a boundary.
async function encodeMultipart(
  files: Record<string, TestFile | TestFile[]>,
  form: FormFields | undefined,
): Promise<EncodedBody> {
  // Loaded here, by the first multipart test request, rather than by every app that imports Flagon.
  const { FormData: UndiciFormData, Response: UndiciResponse } = await import('undici')
  const multipart = new UndiciFormData()
  if (form !== undefined) {
    for (const [name, value] of formEntries(form)) multipart.append(name, value)
  }
  for (const [name, value] of Object.entries(files)) {
    for (const file of Array.isArray(value) ? value : [value]) {
      if (file instanceof Blob) multipart.append(name, file, file instanceof File ? file.name : 'blob')
      else {
        const type = file.contentType ?? 'application/octet-stream'
        multipart.append(
          name,
          new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], {
            type,
          }),
          file.filename,
        )
      }
    }
  }
  const encoded = new UndiciResponse(multipart)
  return {
    body: new Uint8Array(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? undefined,
  }
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}
