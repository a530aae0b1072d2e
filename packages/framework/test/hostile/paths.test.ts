/**
 * Path traversal at the static folder and at a `sendFromDirectory` route: `..`, encoded,
 * double-encoded, backslashes, NUL, absolute paths. No answer may carry a byte from outside the
 * folder: the server's secret file (beside the folders) and /etc/passwd never appear, whatever
 * the status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeOutcome, exchange, HostileServer, probe, Report, SECRET } from './harness.js'

const attacks = [
  '../secret.txt',
  '..%2fsecret.txt',
  '..%2Fsecret.txt',
  '%2e%2e/secret.txt',
  '%2e%2e%2fsecret.txt',
  '%252e%252e%252fsecret.txt',
  '..%252fsecret.txt',
  '..\\secret.txt',
  '..%5csecret.txt',
  '%5c..%5csecret.txt',
  'sub/../../secret.txt',
  'sub/%2e%2e/%2e%2e/secret.txt',
  './../secret.txt',
  '.../secret.txt',
  '..;/secret.txt',
  '..%00/secret.txt',
  'inside.txt%00.png',
  '%00',
  '/etc/passwd',
  '%2fetc%2fpasswd',
  '//etc/passwd',
  '..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
  '%c0%ae%c0%ae/secret.txt',
  '%c0%ae%c0%ae%c0%afsecret.txt',
  '..%c0%afsecret.txt',
  '%e0%80%ae%e0%80%ae/secret.txt',
  '..%u2216secret.txt',
  '\u2025/secret.txt',
  'C:\\Windows\\win.ini',
  'C:/secret.txt',
  '\\\\server\\share',
  '../public..txt',
  '..',
  '.',
  '',
]
const folders = ['/public/', '/files/']

let server: HostileServer
const report = new Report('Paths')
beforeAll(async () => {
  server = await HostileServer.start()
})
afterAll(async () => {
  report.print()
  await server.stop()
})

describe('path traversal', () => {
  it('serves what is inside the folders', async () => {
    for (const path of ['/public/inside.txt', '/public/sub/deeper.txt', '/files/upload.txt']) {
      const outcome = await exchange(server.port, [`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`])
      expect(`${path} ${outcome.statuses}`).toBe(`${path} 200`)
    }
  })

  for (const folder of folders) {
    for (const attack of attacks) {
      const target = `${folder}${attack}`
      it(`${target} leaks nothing`, async () => {
        // Sent raw (latin1 for the non-ASCII ones), as a client that does not normalise would.
        const raw = [...target].map((c) => (c.charCodeAt(0) > 0xff ? encodeURIComponent(c) : c)).join('')
        const outcome = await exchange(server.port, [`GET ${raw} HTTP/1.1\r\nHost: x\r\n\r\n`])
        report.add(target, describeOutcome(outcome))
        expect(outcome.text).not.toContain(SECRET)
        expect(outcome.text).not.toMatch(/root:.*:0:0:/)
        expect(outcome.text).not.toContain('[fonts]')
        expect(outcome.hung).toBe(false)
        expect(outcome.statuses.every((s) => s < 500)).toBe(true)
      })
    }
  }

  it('leaves the server up with no error logged', async () => {
    await probe(server.port)
    expect((await server.stats()).errors).toEqual([])
  })
})
