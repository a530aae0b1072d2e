/**
 * Flagon: the app as a Quart user would write it, with the session and websocket proxies, and
 * templates from the app's `templates/` folder beside this file.
 */
import { Flagon, Response, renderTemplate, request, session, websocket } from '@flagon/framework'
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

const app = new Flagon(import.meta.url)

const scenarios = {
  plaintext() {
    app.get('/plaintext', () => new Response(PLAINTEXT, { mimetype: 'text/plain' }))
  },
  json() {
    app.get('/json', () => MESSAGE)
  },
  params() {
    for (const [i, path] of fillerRoutes('<>').entries())
      app.get(path, () => FILLER, { endpoint: `filler${i}` })
    app.get('/users/<user>/posts/<post>', ({ user, post }) => ({ post, user }))
  },
  session() {
    app.config.SECRET_KEY = SECRET
    app.get('/session', () => {
      const count = (session.get('count') ?? 0) + 1
      session.set('count', count)
      return { count }
    })
  },
  template() {
    app.get('/template', () => renderTemplate('fortunes.html', FORTUNES))
  },
  echo() {
    app.post('/echo', () => request.json())
  },
  upload() {
    app.post('/upload', async () => {
      const file = (await request.files()).get(UPLOAD_FIELD)
      return uploadSummary(file.filename, await file.bytes())
    })
  },
  websocket() {
    app.websocket('/ws', async () => {
      for await (const message of websocket) await websocket.send(message)
    })
  },
}

scenarios[scenario]()
await app.listen({ port })
