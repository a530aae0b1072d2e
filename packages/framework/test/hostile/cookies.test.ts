/**
 * 10,000 generated hostile `Cookie` headers at a route that uses the session: every one answers
 * 200 with a fresh session (the view sees no data and a new cookie is set), and nothing is logged.
 *
 * The headers come from fast-check with a fixed seed (SEED), in batches: each property run sends
 * BATCH headers over CONNECTIONS keep-alive connections, so the 10,000 take seconds. A failure
 * names fast-check's seed and path (to replay it) and the failing headers themselves.
 *
 * Only bytes HTTP allows in a field value are generated (VCHAR, SP, HTAB, obs-text): anything else
 * is refused by Node's parser with a 400 before Flagon sees it, which request-line.test.ts covers.
 */
import { TimestampSigner } from '@flagon/sessions'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostileServer, KeepAlive, Report } from './harness.js'

const SEED = 0x11_c00c1e
const COUNT = 10_000
const BATCH = 250
const CONNECTIONS = 16
/** Node's header limit is 16 KiB with the request line; stay under it. */
const MAX_HEADER = 15_000
const SECRET_KEY = 'hostile-suite-secret-key'

let server: HostileServer
let valid = ''
const report = new Report('Cookies')

beforeAll(async () => {
  server = await HostileServer.start()
  const client = new KeepAlive(server.port)
  const answer = await client.request('GET /session HTTP/1.1\r\nHost: x\r\n\r\n')
  client.close()
  valid = /set-cookie: session=([^;]+)/i.exec(answer.head)?.[1] ?? ''
})
afterAll(async () => {
  report.print()
  await server?.stop()
})

/** One generated case: which kind of hostility, and the header's value. */
interface Case {
  kind: string
  header: string
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A byte HTTP allows in a field value: SP..~, HTAB, and obs-text (0x80..0xFF); no DEL. */
const fieldByte = fc
  .oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
    { weight: 4, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((code) => String.fromCharCode(code))
const fieldBytes = (maxLength: number) => fc.string({ unit: fieldByte, maxLength })
/** Mostly the base64url alphabet, with now and then a character outside it. */
const base64ish = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 19, arbitrary: fc.constantFrom(...B64) },
      { weight: 1, arbitrary: fc.constantFrom('=', '+', '/', '!', '%', '.') },
    ),
    maxLength,
  })

/**
 * `cookie` with one character changed. The last character of a base64 segment carries unused bits:
 * changing only those is the same cookie (in itsdangerous too), so those positions are never chosen.
 */
function mutate(cookie: string, where: number, replacement: number): string {
  const positions = [...cookie].flatMap((c, i) =>
    i === cookie.length - 1 || c === '.' || cookie[i + 1] === '.' ? [] : [i],
  )
  const at = positions[where % positions.length]!
  let char = B64[replacement % B64.length]!
  if (char === cookie[at]) char = char === 'A' ? 'B' : 'A'
  return cookie.slice(0, at) + char + cookie.slice(at + 1)
}
const tamper = (good: string) =>
  fc.tuple(fc.nat(), fc.nat()).map(([where, replacement]) => mutate(good, where, replacement))

/** `text` with each control character (not allowed in a field value, but HTAB) as `?`. */
const asFieldValue = (text: string) =>
  [...text].map((c) => (c === '\t' || (c >= ' ' && c !== '\x7f') ? c : '?')).join('')

/** The arbitraries, one per kind of hostile header, given a valid cookie to mutilate. */
function kinds(good: string): Record<string, fc.Arbitrary<string>> {
  const signer = (key: string, now?: () => number) =>
    new TimestampSigner(key, {
      salt: 'cookie-session',
      keyDerivation: 'hmac',
      digestMethod: 'sha1',
      ...(now && { now }),
    })
  const wrongKey = signer('not-the-key')
  const rightKey = signer(SECRET_KEY)
  // Signed with the app's own key: what a client cannot make without the key, but the decoder
  // must still survive (a payload that is not JSON, not an object, a tag it does not know …).
  const signedPayloads = [
    'not base64 at all!',
    'e30', // {}, but with none of the keys the view reads: still fresh
    'W10', // []
    'bnVsbA', // null
    'eyJhIjp7IiB0IjpbMSwyXX19', // {"a":{" t":[1,2]}}: a tagged tuple inside
    'eyIgdSI6ICJub3QtYS11dWlkIn0', // {" u": "not-a-uuid"}
    'eyIgZCI6ICJub3QgYSBkYXRlIn0', // {" d": "not a date"}
    'eyIgYiI6ICIhISEifQ', // {" b": "!!!"}
    'eyJfX3Byb3RvX18iOnsicG9sbHV0ZWQiOnRydWV9fQ', // {"__proto__":{"polluted":true}}
    '.eJwLycxLBQAE-QH-', // zlib, but not of JSON
    '.not-zlib-data',
    `.${'A'.repeat(200)}`,
  ]
  const [payload] = good.split('.')
  return {
    'random field bytes': fieldBytes(2000).map((v) => `session=${v}`),
    'random bytes with no name': fieldBytes(3000).filter((v) => v.length > 0),
    'a huge value': fc
      .tuple(
        fc.integer({ min: 8000, max: MAX_HEADER - 100 }),
        base64ish(16).filter((v) => v.length > 0),
      )
      .map(([length, unit]) => `session=${unit.repeat(Math.ceil(length / unit.length)).slice(0, length)}`),
    'thousands of pairs': fc
      .tuple(fc.integer({ min: 1000, max: 3000 }), fc.array(base64ish(4), { minLength: 1, maxLength: 8 }))
      .map(([count, values]) =>
        Array.from({ length: count }, (_, i) => `${i.toString(36)}=${values[i % values.length]}`).join(';'),
      ),
    'bad base64 in three parts': fc
      .tuple(base64ish(200), base64ish(10), base64ish(40))
      .map((parts) => `session=${parts.join('.')}`),
    'a truncated valid cookie': fc.nat(good.length - 1).map((n) => `session=${good.slice(0, n)}`),
    'a tampered valid cookie': tamper(good).map((v) => `session=${v}`),
    'a valid cookie tampered twice': fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()).map(([a, b, c, d]) => {
      const twice = mutate(mutate(good, a, b), c, d)
      // The second change may undo the first; then change it once only.
      return `session=${twice === good ? mutate(good, a, b) : twice}`
    }),
    'signed with another key': base64ish(60).map((v) => `session=${wrongKey.sign(v)}`),
    'a valid signature on a bad payload': fc
      .oneof(fc.constantFrom(...signedPayloads), base64ish(80))
      .map((v) => `session=${rightKey.sign(v)}`),
    'a valid signature, expired or from the future': fc
      .oneof(
        fc.integer({ min: 0, max: Date.now() - 32 * 86_400_000 }),
        fc.integer({ min: Date.now() + 86_400_000, max: 2 ** 45 }),
      )
      .map((ms) => `session=${signer(SECRET_KEY, () => ms).sign(payload!)}`),
    'a valid payload with a forged timestamp': base64ish(27).map((sig) => `session=${payload}.AAAAAA.${sig}`),
    quotes: fc.oneof(
      tamper(good).map((v) => `session="${v}"`),
      base64ish(50).map((v) => `session="${v}`),
      base64ish(50).map((v) => `session='${v}'`),
      fc.constantFrom('session=""', 'session="\\"\\\\"', 'session="', '"session"="x"'),
    ),
    'non-UTF-8 bytes': fc
      .tuple(tamper(good), fc.uint8Array({ minLength: 1, maxLength: 50 }))
      .map(
        ([v, bytes]) =>
          `session=${v.slice(0, 20)}${[...bytes].map((b) => String.fromCharCode(0x80 | b)).join('')}`,
      ),
    'UTF-8 text': fc
      .string({ unit: 'grapheme', maxLength: 200 })
      .map((v) => `session=${asFieldValue(Buffer.from(v).toString('latin1'))}`),
    'percent-escapes': fc
      .tuple(fc.constantFrom('%ZZ', '%E0%A4%A', '%FF%FE', '%00', '%', '%25%', '%C0%AF'), base64ish(30))
      .map(([percent, rest]) => `session=${percent}${rest}`),
    'duplicate names': fc
      .array(fc.oneof(tamper(good), base64ish(40)), { minLength: 2, maxLength: 40 })
      .map((values) => values.map((v) => `session=${v}`).join('; ')),
    'names that look like session': fc
      .constantFrom('Session', 'SESSION', 'sess%69on', '__Host-session', 'session\\', 'xsession')
      .map((name) => `${name}=${good}`),
    'separators only': fc.oneof(
      fc.constantFrom(';', ';;;;', '=', '==;==', '; ; ; =', '\t;\t', ''),
      fc.nat(MAX_HEADER).map((n) => ';'.repeat(n)),
      fc.nat(MAX_HEADER).map((n) => '='.repeat(n)),
    ),
  }
}

/** Sends `cases` over the pooled connections; returns a line per case that did not get a fresh session. */
async function sendAll(pool: KeepAlive[], cases: Case[]): Promise<string[]> {
  const failures: string[] = []
  let next = 0
  await Promise.all(
    pool.map(async (_, slot) => {
      for (let c = cases[next++]; c; c = cases[next++]) {
        const raw = `GET /session HTTP/1.1\r\nHost: x\r\nCookie: ${c.header}\r\n\r\n`
        const shown = JSON.stringify(c.header.slice(0, 200))
        try {
          const answer = await pool[slot]!.request(raw)
          const fresh =
            answer.status === 200 && answer.body === 'fresh' && /set-cookie: session=/i.test(answer.head)
          if (!fresh) failures.push(`${c.kind}: ${answer.status} ${answer.body.slice(0, 80)} (${shown})`)
        } catch (error) {
          failures.push(`${c.kind}: ${(error as Error).message} (${shown})`)
          pool[slot]!.close()
          pool[slot] = new KeepAlive(server.port)
        }
      }
    }),
  )
  return failures
}

describe('10,000 hostile Cookie headers at a route that uses the session', () => {
  it('every one answers 200 with a fresh session, and nothing is logged', async () => {
    expect(valid, 'a valid cookie to mutilate').not.toBe('')
    const hostileCase = fc.oneof(
      ...Object.entries(kinds(valid)).map(([kind, header]) =>
        header.map((h): Case => ({ kind, header: h.slice(0, MAX_HEADER) })),
      ),
    )
    const pool = Array.from({ length: CONNECTIONS }, () => new KeepAlive(server.port))
    const perKind = new Map<string, number>()
    const started = performance.now()
    let sent = 0
    try {
      // fc.check, not fc.assert: its report would print all BATCH headers, some 15 KB each.
      const details = await fc.check(
        fc.asyncProperty(fc.array(hostileCase, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
          sent += cases.length
          for (const c of cases) perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1)
          const failures = await sendAll(pool, cases)
          if (failures.length > 0) {
            throw new Error(
              `${failures.length} of ${cases.length} failed:\n${failures.slice(0, 10).join('\n')}`,
            )
          }
        }),
        // endOnFailure: the failing headers are in the error; shrinking would resend whole batches.
        { seed: SEED, numRuns: COUNT / BATCH, endOnFailure: true },
      )
      if (details.failed) {
        const error = details.errorInstance as Error | undefined
        throw new Error(
          `fast-check seed ${details.seed}, path "${details.counterexamplePath}": ${error?.message ?? 'failed'}`,
        )
      }
    } finally {
      for (const client of pool) client.close()
      const seconds = (performance.now() - started) / 1000
      for (const [kind, count] of [...perKind].sort()) report.add(kind, `${count} headers`)
      report.add('all', `${sent} headers in ${seconds.toFixed(1)} s (seed ${SEED})`)
    }
    expect(sent).toBe(COUNT)
    const stats = await server.stats()
    expect(stats.errors).toEqual([])
    expect(server.exited).toBeNull()
  }, 60_000)
})
