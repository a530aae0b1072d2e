/**
 * The request bodies of the POST scenarios, made the same way on every run, and the exact answers
 * they must get back.
 */
import { crc32 } from 'node:zlib'
import { UPLOAD_FIELD } from '../targets/shared.mjs'

/**
 * The JSON echo's body: 1,024 bytes of nested objects, arrays, numbers, booleans and null. Its keys
 * are sorted at every level, it is compact and ASCII, and its numbers print as they parse, so that
 * parsing and re-serialising it gives back the same bytes in every framework (Flagon sorts keys and
 * escapes non-ASCII, as Quart does; the others keep the order they were given).
 */
export function echoBody() {
  const value = {
    items: Array.from({ length: 8 }, (_, i) => ({
      available: i % 3 !== 0,
      id: 1000 + i,
      name: `Item ${i}: "quoted" & <escaped>`,
      price: (i + 1) * 2.75,
      tags: ['bench', `tag-${i}`],
    })),
    note: '',
    owner: { email: 'bench@example.com', id: 42, manager: null },
  }
  const unpadded = Buffer.byteLength(JSON.stringify(value))
  value.note = 'x'.repeat(1024 - unpadded)
  return JSON.stringify(value)
}

/** The upload's file: its name, and 256 KiB of bytes from a fixed-seed xorshift, so not compressible. */
export const UPLOAD_FILENAME = 'upload.bin'
export const UPLOAD_SIZE = 256 * 1024

function uploadFile() {
  const bytes = Buffer.alloc(UPLOAD_SIZE)
  let x = 0x2545f491
  for (let i = 0; i < bytes.length; i += 4) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    bytes.writeInt32LE(x | 0, i)
  }
  return bytes
}

const BOUNDARY = '----FlagonBenchBoundary7MA4YWxkTrZu0gW'

/** The upload as one multipart/form-data body with a single file field, and its Content-Type. */
export function uploadRequest() {
  const file = uploadFile()
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${UPLOAD_FIELD}"; filename="${UPLOAD_FILENAME}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  const body = Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)])
  if (file.includes(`--${BOUNDARY}`)) throw new Error('The upload happens to contain its own boundary.')
  return {
    body,
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    // As targets/shared.mjs's uploadSummary() writes it: keys sorted.
    answer: JSON.stringify({ crc32: crc32(file), name: UPLOAD_FILENAME, size: file.length }),
  }
}
