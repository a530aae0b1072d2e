import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { type AccessLogEntry, formatAccess, logAccess } from '../../src/server/access-log.js'

describe('the access log', () => {
  it('logs one line per response with status, size and time, and masks query values', async () => {
    const entries: AccessLogEntry[] = []
    const server = createServer((_req, res) => {
      res.setHeader('content-length', '2')
      res.end('ok')
    })
    logAccess(server, (entry) => entries.push(entry))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    await (
      await fetch(`http://127.0.0.1:${port}/login?token=s3cret&next=/home`, {
        headers: { cookie: 'session=abc' },
      })
    ).text()
    server.close()
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/login?token=…&next=…',
      status: 200,
      bytes: 2,
      remoteAddr: '127.0.0.1',
    })
    const line = formatAccess(entry!)
    expect(line).toMatch(/^127\.0\.0\.1 "GET \/login\?token=…&next=… HTTP\/1\.1" 200 2 \d+$/)
    expect(line).not.toContain('s3cret')
    expect(line).not.toContain('abc')
  })
})
