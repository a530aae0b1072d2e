/**
 * The correctness checks run on every fresh server before it is timed: a fast wrong answer never
 * counts. Each throws a `WrongAnswer` that says what came back and what was expected.
 */
import { execFile } from 'node:child_process'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import { LOAD_CORE, pinned } from './cores.mjs'

/** A target answered a check wrongly. */
export class WrongAnswer extends Error {
  name = 'WrongAnswer'
}

/**
 * Checks `scenario` against the server on `port`; resolves with the request headers the timed
 * run must send (the session cookie), or with none.
 */
export async function check(scenario, port, pid) {
  if (scenario.websocket) return checkWebsocket(scenario, port, pid)
  if (scenario.session) return checkSession(scenario, port)
  const { method = 'GET', headers = {}, body } = scenario.request ?? {}
  expect(
    await send(port, scenario.path, { method, headers, body }),
    scenario.answer,
    `${method} ${scenario.path}`,
  )
  return {}
}

/**
 * The session round trip, four ways: no cookie counts 1; its cookie counts 2; the re-signed cookie
 * counts 3; a cookie with its first character changed is refused and counts 1 again.
 */
async function checkSession(scenario, port) {
  const answer = (count) => ({ ...scenario.answer, body: `{"count":${count}}` })
  const first = await get(port, scenario.path)
  expect(first, answer(1), 'GET /session without a cookie')
  const cookie = cookiesOf(first)
  const second = await get(port, scenario.path, { cookie })
  expect(second, answer(2), 'GET /session with the first cookie')
  expect(
    await get(port, scenario.path, { cookie: cookiesOf(second) }),
    answer(3),
    'GET /session with the re-signed cookie',
  )
  // The first character, not the last: a signature's last base64 character may carry only padding bits.
  const forged = cookie.replace(/^session=(.)/, (_, first) => `session=${first === 'A' ? 'B' : 'A'}`)
  expect(await get(port, scenario.path, { cookie: forged }), answer(1), 'GET /session with a tampered cookie')
  return { cookie }
}

/** Runs the websocket client's check mode: the handshake and three exact echoes. */
function checkWebsocket(scenario, port, pid) {
  const client = fileURLToPath(new URL('./ws-client.mjs', import.meta.url))
  const options = JSON.stringify({ port, pid, path: scenario.path, check: true })
  return new Promise((resolve, reject) => {
    execFile(...pinned(LOAD_CORE, process.execPath, [client, options]), (error, stdout) => {
      const result = JSON.parse(stdout.trim().split('\n').pop() || '{}')
      if (error || !result.ok)
        reject(new WrongAnswer(`websocket ${scenario.path}: ${result.error ?? error?.message}`))
      else resolve({})
    })
  })
}

function expect(got, answer, what) {
  const type = (got.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  const bodyRight =
    got.body === answer.body || (answer.type.endsWith('json') && got.body === `${answer.body}\n`)
  if (got.status !== answer.status || type !== answer.type || !bodyRight) {
    throw new WrongAnswer(
      `${what} answered ${got.status} ${JSON.stringify(got.headers['content-type'])} ${shorten(got.body, answer.body)}; ` +
        `expected ${answer.status} ${answer.type} ${shorten(answer.body, got.body)}`,
    )
  }
}

// A long body is shown from just before its first difference with the other, so the message stays readable.
function shorten(body, other) {
  if (body.length <= 200) return JSON.stringify(body)
  let at = 0
  while (at < body.length && body[at] === other[at]) at++
  const from = Math.max(0, at - 40)
  return `${JSON.stringify(body.slice(from, from + 120))} (bytes ${from}… of ${body.length})`
}

/** The Cookie header that sends back every cookie a response set. */
function cookiesOf(got) {
  const set = got.headers['set-cookie'] ?? []
  if (set.length === 0) throw new WrongAnswer(`GET /session set no cookie (status ${got.status})`)
  return set.map((line) => line.split(';')[0]).join('; ')
}

const get = (port, path, headers = {}) => send(port, path, { headers })

function send(port, path, { method = 'GET', headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.once('error', reject)
    req.end(body)
  })
}
