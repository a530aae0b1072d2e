import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SPOOL_THRESHOLD, UploadedFile } from '../../src/wrappers/files.js'
import { Request } from '../../src/wrappers/request.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flagon-files-test-'))
})
// Every request made here is closed at the end, so no spooled upload outlives the tests.
const requests: Request[] = []
afterAll(async () => {
  await Promise.all(requests.map((request) => request.close()))
  await rm(dir, { recursive: true, force: true })
})

/** A request carrying `files` as multipart/form-data, encoded by the global FormData. */
async function upload(
  files: Array<[field: string, content: string | Uint8Array, filename: string, type?: string]>,
) {
  const form = new FormData()
  for (const [field, content, filename, type] of files) {
    form.append(field, new Blob([content], type === undefined ? {} : { type }), filename)
  }
  const encoded = new Response(form)
  const contentType = encoded.headers.get('content-type') as string
  const bytes = Buffer.from(await encoded.arrayBuffer())
  const request = new Request({
    method: 'POST',
    scheme: 'http',
    host: 'localhost',
    path: '/upload',
    queryString: '',
    headers: new Headers({ 'content-type': contentType, 'content-length': String(bytes.byteLength) }),
    remoteAddr: null,
    body: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
  })
  requests.push(request)
  return request
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return Buffer.concat(chunks).toString()
}

const small = 'small file ✓'
const large = 'L'.repeat(SPOOL_THRESHOLD + 1)

describe('uploaded files, small (in memory) and large (spooled to a temporary file)', () => {
  const sizes: Array<[name: string, content: string, spooled: boolean]> = [
    ['a small file stays in memory', small, false],
    ['a file over 500 KiB is spooled', large, true],
  ]
  for (const [name, content, spooled] of sizes) {
    describe(name, () => {
      it('describes the upload', async () => {
        const file = (await (await upload([['doc', content, 'notes.txt', 'text/plain']])).files()).get('doc')
        expect(file).toBeInstanceOf(UploadedFile)
        expect(file?.name).toBe('doc')
        expect(file?.filename).toBe('notes.txt')
        expect(file?.contentType).toBe('text/plain')
        expect(file?.size).toBe(Buffer.byteLength(content))
        expect(file?.spooled).toBe(spooled)
        expect(file?.headers.get('content-disposition')).toBe('form-data; name="doc"; filename="notes.txt"')
      })

      const reads: Array<[how: string, read: (file: UploadedFile) => Promise<string>]> = [
        ['text()', (file) => file.text()],
        ['bytes()', async (file) => Buffer.from(await file.bytes()).toString()],
        ['arrayBuffer()', async (file) => Buffer.from(await file.arrayBuffer()).toString()],
        ['stream()', (file) => collect(file.stream())],
        [
          'save(path)',
          async (file) => {
            const path = join(dir, `${spooled ? 'large' : 'small'}-${Math.random()}`)
            await file.save(path)
            return readFile(path, 'utf8')
          },
        ],
      ]
      for (const [how, read] of reads) {
        it(`reads back the content with ${how}`, async () => {
          const file = (await (await upload([['doc', content, 'notes.txt']])).files()).get(
            'doc',
          ) as UploadedFile
          expect(await read(file)).toBe(content)
          expect(await read(file)).toBe(content)
        })
      }

      it('is unreadable after request.close(), with an error that says why', async () => {
        const request = await upload([['doc', content, 'notes.txt']])
        const file = (await request.files()).get('doc') as UploadedFile
        await request.close()
        await expect(file.text()).rejects.toThrow(/closed when its request ended/)
        expect(() => file.stream()).toThrow(/closed when its request ended/)
      })
    })
  }

  it('removes the temporary file on request.close(), and a saved copy survives', async () => {
    const before = await spooled()
    const request = await upload([['doc', large, 'big.txt']])
    const file = (await request.files()).get('doc') as UploadedFile
    const created = [...(await spooled())].filter((name) => !before.has(name))
    expect(created).toHaveLength(1)
    const temporary = join(tmpdir(), created[0] as string)
    expect(existsSync(temporary)).toBe(true)
    const kept = join(dir, 'kept.txt')
    await file.save(kept)
    await request.close()
    expect(existsSync(temporary)).toBe(false)
    expect((await readFile(kept, 'utf8')).length).toBe(large.length)
  })

  it('keeps several files under one field, in order', async () => {
    const request = await upload([
      ['docs', 'one', '1.txt'],
      ['docs', 'two', '2.txt'],
    ])
    const docs = (await request.files()).getAll('docs')
    expect(docs.map((file) => file.filename)).toEqual(['1.txt', '2.txt'])
  })

  it('gives an empty file name for an empty file input, as browsers send it', async () => {
    // Written by hand: Node's FormData leaves out filename="", which browsers send.
    const body =
      '--b\r\nContent-Disposition: form-data; name="doc"; filename=""\r\n' +
      'Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n'
    const request = new Request({
      method: 'POST',
      scheme: 'http',
      host: 'localhost',
      path: '/upload',
      queryString: '',
      headers: new Headers({ 'content-type': 'multipart/form-data; boundary=b' }),
      remoteAddr: null,
      body: Readable.from([Buffer.from(body)]),
    })
    const file = (await request.files()).get('doc')
    expect(file?.filename).toBe('')
    expect(file?.size).toBe(0)
    expect((await request.form()).size).toBe(0)
  })

  it('closing a request without files does nothing', async () => {
    const request = await upload([])
    await request.close()
    await request.close()
  })
})

describe('an UploadedFile built directly', () => {
  it('serves its in-memory content', async () => {
    const file = new UploadedFile({ name: 'f', filename: 'a.bin', content: new Uint8Array([104, 105]) })
    expect(file.contentType).toBe('application/octet-stream')
    expect(file.size).toBe(2)
    expect(await file.text()).toBe('hi')
  })
})

/** The names of spooled uploads now in tmpdir. */
async function spooled(): Promise<Set<string>> {
  return new Set((await readdir(tmpdir())).filter((name) => name.startsWith('flagon-upload-')))
}
