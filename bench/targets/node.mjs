/**
 * Raw node:http: the floor. What a careful hand-written server does, and nothing else: a lookup on
 * the first path segment for routing, an HMAC-signed JSON cookie for the session, a nunjucks template
 * compiled once at start, `ws` for websockets, busboy for multipart bodies.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import busboy from 'busboy'
import nunjucks from 'nunjucks'
import { WebSocketServer } from 'ws'
import {
  FILLER,
  FORTUNES,
  MESSAGE,
  PLAINTEXT,
  port,
  routeCount,
  SECRET,
  scenario,
  TEMPLATES,
  UPLOAD_FIELD,
  uploadSummary,
} from './shared.mjs'

const routes = new Map()

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const sendJson = (res, value, headers) => {
  const body = JSON.stringify(value)
  res.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

// The session cookie: base64url(JSON) "." base64url(HMAC-SHA256), verified in constant time.
const sign = (payload) => createHmac('sha256', SECRET).update(payload).digest('base64url')

function readSession(header) {
  const start = header?.indexOf('session=') ?? -1
  if (start === -1) return {}
  const end = header.indexOf(';', start)
  const value = header.slice(start + 8, end === -1 ? undefined : end)
  const dot = value.lastIndexOf('.')
  if (dot === -1) return {}
  const expected = Buffer.from(sign(value.slice(0, dot)))
  const given = Buffer.from(value.slice(dot + 1))
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return {}
  return JSON.parse(Buffer.from(value.slice(0, dot), 'base64url').toString())
}

function writeSession(data) {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
  return `session=${payload}.${sign(payload)}; Path=/; HttpOnly`
}

const scenarios = {
  plaintext() {
    routes.set('plaintext', (_req, res) => send(res, 200, 'text/plain; charset=utf-8', PLAINTEXT))
  },
  json() {
    routes.set('json', (_req, res) => sendJson(res, MESSAGE))
  },
  params() {
    for (let i = 0; i < routeCount; i++)
      routes.set(`resource${i}`, (_req, res) => send(res, 200, 'text/plain', FILLER))
    routes.set('users', (_req, res, parts) => {
      if (parts.length !== 5 || parts[3] !== 'posts') return send(res, 404, 'text/plain', 'Not Found')
      sendJson(res, { post: parts[4], user: parts[2] })
    })
  },
  session() {
    routes.set('session', (req, res) => {
      const data = readSession(req.headers.cookie)
      data.count = (data.count ?? 0) + 1
      sendJson(res, { count: data.count }, { 'set-cookie': writeSession(data) })
    })
  },
  template() {
    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES), { autoescape: true })
    const template = env.getTemplate('fortunes.html', true)
    routes.set('template', (_req, res) =>
      send(res, 200, 'text/html; charset=utf-8', template.render(FORTUNES)),
    )
  },
  echo() {
    routes.set('echo', async (req, res) => {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      let value
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return send(res, 400, 'text/plain', 'Bad Request')
      }
      sendJson(res, value)
    })
  },
  upload() {
    routes.set('upload', (req, res) => {
      const refuse = () => send(res, 400, 'text/plain', 'Bad Request')
      let form
      try {
        form = busboy({ headers: req.headers })
      } catch {
        return refuse() // not multipart, or no boundary
      }
      // busboy may close before a file stream has ended: answer once both have.
      const files = []
      form.on('file', (name, stream, info) => {
        const chunks = []
        stream.on('data', (chunk) => chunks.push(chunk))
        files.push(
          new Promise((resolve) =>
            stream.on('end', () => resolve(name === UPLOAD_FIELD && { info, bytes: Buffer.concat(chunks) })),
          ),
        )
      })
      form.on('close', async () => {
        const file = (await Promise.all(files)).find(Boolean)
        if (!file) return refuse()
        sendJson(res, uploadSummary(file.info.filename, file.bytes))
      })
      form.on('error', refuse)
      req.pipe(form)
    })
  },
  websocket() {
    const wss = new WebSocketServer({ noServer: true })
    server.on('upgrade', (req, socket, head) => {
      if (req.url !== '/ws') return socket.destroy()
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
      })
    })
  },
}

const server = createServer((req, res) => {
  const query = req.url.indexOf('?')
  const parts = (query === -1 ? req.url : req.url.slice(0, query)).split('/')
  // Filler routes live under /api/<name>/…; everything else under its first segment.
  const handler = routes.get(parts[1] === 'api' ? parts[2] : parts[1])
  if (handler) handler(req, res, parts)
  else send(res, 404, 'text/plain', 'Not Found')
})

scenarios[scenario]()
server.listen(port, '127.0.0.1')
