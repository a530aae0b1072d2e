/**
 * Fastify 5: @fastify/cookie's signed cookie for the session, @fastify/view with nunjucks for the
 * template, @fastify/websocket for websockets, @fastify/multipart for the upload.
 */
import fastifyCookie from '@fastify/cookie'
import fastifyMultipart from '@fastify/multipart'
import fastifyView from '@fastify/view'
import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import nunjucks from 'nunjucks'
import {
  FILLER,
  FORTUNES,
  fillerRoutes,
  MESSAGE,
  PLAINTEXT,
  port,
  SECRET,
  scenario,
  TEMPLATES,
  uploadSummary,
} from './shared.mjs'

const app = Fastify({ logger: false })

const scenarios = {
  plaintext() {
    app.get('/plaintext', (_request, reply) => {
      reply.type('text/plain; charset=utf-8').send(PLAINTEXT)
    })
  },
  json() {
    app.get('/json', () => MESSAGE)
  },
  params() {
    for (const path of fillerRoutes(':')) app.get(path, () => FILLER)
    app.get('/users/:user/posts/:post', (request) => ({
      post: request.params.post,
      user: request.params.user,
    }))
  },
  session() {
    app.register(fastifyCookie, { secret: SECRET })
    app.register(async (scope) => {
      scope.get('/session', (request, reply) => {
        const cookie = request.cookies.session && request.unsignCookie(request.cookies.session)
        const data = cookie?.valid ? JSON.parse(cookie.value) : {}
        data.count = (data.count ?? 0) + 1
        reply.setCookie('session', JSON.stringify(data), { signed: true, path: '/', httpOnly: true })
        return { count: data.count }
      })
    })
  },
  template() {
    app.register(fastifyView, { engine: { nunjucks }, root: TEMPLATES })
    app.register(async (scope) => {
      scope.get('/template', (_request, reply) => reply.view('fortunes.html', FORTUNES))
    })
  },
  echo() {
    app.post('/echo', (request) => request.body)
  },
  upload() {
    app.register(fastifyMultipart)
    app.register(async (scope) => {
      scope.post('/upload', async (request) => {
        const file = await request.file()
        return uploadSummary(file.filename, await file.toBuffer())
      })
    })
  },
  websocket() {
    app.register(fastifyWebsocket)
    app.register(async (scope) => {
      scope.get('/ws', { websocket: true }, (socket) => {
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }))
      })
    })
  },
}

scenarios[scenario]()
await app.listen({ port, host: '127.0.0.1' })
