/**
 * Hono 4 on @hono/node-server: hono/cookie's signed cookies for the session, hono/html's autoescaping
 * tagged template for the page (Hono's own templating, the same markup as fortunes.html),
 * @hono/node-ws for websockets, `c.req.parseBody()` for the upload.
 */
import { serve } from '@hono/node-server'
import { createNodeWebSocket } from '@hono/node-ws'
import { Hono } from 'hono'
import { getSignedCookie, setSignedCookie } from 'hono/cookie'
import { html } from 'hono/html'
import {
  FILLER,
  FORTUNES,
  fillerRoutes,
  MESSAGE,
  PLAINTEXT,
  port,
  SECRET,
  scenario,
  UPLOAD_FIELD,
  uploadSummary,
} from './shared.mjs'

const app = new Hono()
let injectWebSocket

const scenarios = {
  plaintext() {
    app.get('/plaintext', (c) => c.text(PLAINTEXT))
  },
  json() {
    app.get('/json', (c) => c.json(MESSAGE))
  },
  params() {
    for (const path of fillerRoutes(':')) app.get(path, (c) => c.text(FILLER))
    app.get('/users/:user/posts/:post', (c) =>
      c.json({ post: c.req.param('post'), user: c.req.param('user') }),
    )
  },
  session() {
    app.get('/session', async (c) => {
      const cookie = await getSignedCookie(c, SECRET, 'session')
      const data = cookie ? JSON.parse(cookie) : {}
      data.count = (data.count ?? 0) + 1
      await setSignedCookie(c, 'session', JSON.stringify(data), SECRET, { path: '/', httpOnly: true })
      return c.json({ count: data.count })
    })
  },
  template() {
    const page = ({ title, items }) =>
      html`<!doctype html><html lang="en"><head><title>${title}</title></head><body><h1>${title}</h1><ul>${items.map(
        (item) => html`<li>${item.name}: ${item.price}</li>`,
      )}</ul></body></html>\n`
    app.get('/template', (c) => c.html(page(FORTUNES)))
  },
  echo() {
    app.post('/echo', async (c) => c.json(await c.req.json()))
  },
  upload() {
    app.post('/upload', async (c) => {
      const file = (await c.req.parseBody())[UPLOAD_FIELD]
      return c.json(uploadSummary(file.name, new Uint8Array(await file.arrayBuffer())))
    })
  },
  websocket() {
    const nodeWs = createNodeWebSocket({ app })
    injectWebSocket = nodeWs.injectWebSocket
    app.get(
      '/ws',
      nodeWs.upgradeWebSocket(() => ({
        onMessage(event, ws) {
          ws.send(event.data)
        },
      })),
    )
  },
}

scenarios[scenario]()
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
injectWebSocket?.(server)
