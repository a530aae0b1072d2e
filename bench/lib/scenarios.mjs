/**
 * The scenarios, each with what a right answer is. Every target must give exactly that answer
 * before it is timed: the status, the media type, and the body byte for byte (a JSON body may end
 * in one "\n", as Flask's and Quart's do). A scenario with a `request` sends that method, headers
 * and body (wrk too); one with `idle` is not timed but measures the memory of that many idle
 * connections.
 */

import { FORTUNES } from '../targets/shared.mjs'
import { echoBody, uploadRequest } from './payloads.mjs'

const JSON_TYPE = 'application/json'

/** The template scenario's page, escaped as nunjucks, markupsafe and hono/html all escape it. */
function fortunesPage() {
  const escapeHtml = (text) =>
    String(text)
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll("'", '&#39;')
  const { title, items } = FORTUNES
  const list = items.map((item) => `<li>${escapeHtml(item.name)}: ${escapeHtml(item.price)}</li>`).join('')
  return `<!doctype html><html lang="en"><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><ul>${list}</ul></body></html>\n`
}

/** @typedef {{ status: number, type: string, body: string }} Answer */

const echo = echoBody()
const upload = uploadRequest()

/** How many connections the idle scenarios hold open at once. */
export const IDLE_CONNECTIONS = 1000

export const scenarios = [
  {
    name: 'plaintext',
    title: 'Plaintext',
    path: '/plaintext',
    env: { SCENARIO: 'plaintext' },
    answer: { status: 200, type: 'text/plain', body: 'Hello, World!' },
  },
  {
    name: 'json',
    title: 'JSON',
    path: '/json',
    env: { SCENARIO: 'json' },
    answer: { status: 200, type: JSON_TYPE, body: '{"message":"Hello, World!"}' },
  },
  {
    name: 'params-50',
    title: '2-parameter route after 50 others',
    path: '/users/42/posts/7',
    env: { SCENARIO: 'params', ROUTES: '50' },
    answer: { status: 200, type: JSON_TYPE, body: '{"post":"7","user":"42"}' },
  },
  {
    name: 'params-1000',
    title: '2-parameter route after 1,000 others',
    path: '/users/42/posts/7',
    env: { SCENARIO: 'params', ROUTES: '1000' },
    answer: { status: 200, type: JSON_TYPE, body: '{"post":"7","user":"42"}' },
  },
  {
    name: 'session',
    title: 'Signed-cookie session round trip',
    path: '/session',
    env: { SCENARIO: 'session' },
    // Timed with the cookie of the first answer, so every timed request verifies it, counts to 2 and re-signs.
    session: true,
    answer: { status: 200, type: JSON_TYPE, body: '{"count":2}' },
  },
  {
    name: 'template',
    title: 'nunjucks template, 20-item loop, autoescaped',
    path: '/template',
    env: { SCENARIO: 'template' },
    answer: { status: 200, type: 'text/html', body: fortunesPage() },
  },
  {
    name: 'websocket',
    title: 'Websocket echo, 64-byte messages',
    path: '/ws',
    env: { SCENARIO: 'websocket' },
    websocket: true,
  },
  {
    name: 'json-echo',
    title: 'JSON echo, 1 KiB POST body parsed and re-serialised',
    path: '/echo',
    env: { SCENARIO: 'echo' },
    request: { method: 'POST', headers: { 'content-type': JSON_TYPE }, body: echo },
    answer: { status: 200, type: JSON_TYPE, body: echo },
  },
  {
    name: 'upload',
    title: 'multipart/form-data upload, one 256 KiB file',
    path: '/upload',
    env: { SCENARIO: 'upload' },
    request: { method: 'POST', headers: { 'content-type': upload.type }, body: upload.body },
    answer: { status: 200, type: JSON_TYPE, body: upload.answer },
  },
  {
    name: 'idle-websocket',
    title: `Memory of ${IDLE_CONNECTIONS.toLocaleString('en-US')} idle websockets`,
    path: '/ws',
    env: { SCENARIO: 'websocket' },
    websocket: true,
    idle: IDLE_CONNECTIONS,
  },
  {
    name: 'idle-keepalive',
    title: `Memory of ${IDLE_CONNECTIONS.toLocaleString('en-US')} idle keep-alive connections`,
    path: '/plaintext',
    env: { SCENARIO: 'plaintext' },
    answer: { status: 200, type: 'text/plain', body: 'Hello, World!' },
    idle: IDLE_CONNECTIONS,
  },
]
