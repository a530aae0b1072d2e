/**
 * Express 5: cookie-session (a signed cookie) for the session, nunjucks as the view engine, `ws` on
 * the server's upgrade event, `express.json()` for the echo and multer for the upload.
 */
import cookieSession from 'cookie-session'
import express from 'express'
import multer from 'multer'
import nunjucks from 'nunjucks'
import { WebSocketServer } from 'ws'
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
  UPLOAD_FIELD,
  uploadSummary,
} from './shared.mjs'

const app = express()
let onUpgrade

const scenarios = {
  plaintext() {
    app.get('/plaintext', (_req, res) => {
      res.type('text/plain').send(PLAINTEXT)
    })
  },
  json() {
    app.get('/json', (_req, res) => {
      res.json(MESSAGE)
    })
  },
  params() {
    for (const path of fillerRoutes(':')) app.get(path, (_req, res) => res.send(FILLER))
    app.get('/users/:user/posts/:post', (req, res) => {
      res.json({ post: req.params.post, user: req.params.user })
    })
  },
  session() {
    app.use(cookieSession({ name: 'session', keys: [SECRET], httpOnly: true }))
    app.get('/session', (req, res) => {
      req.session.count = (req.session.count ?? 0) + 1
      res.json({ count: req.session.count })
    })
  },
  template() {
    nunjucks.configure(TEMPLATES, { autoescape: true, express: app })
    app.get('/template', (_req, res) => {
      res.render('fortunes.html', FORTUNES)
    })
  },
  echo() {
    app.post('/echo', express.json(), (req, res) => {
      res.json(req.body)
    })
  },
  upload() {
    const upload = multer({ storage: multer.memoryStorage() })
    app.post('/upload', upload.single(UPLOAD_FIELD), (req, res) => {
      res.json(uploadSummary(req.file.originalname, req.file.buffer))
    })
  },
  websocket() {
    const wss = new WebSocketServer({ noServer: true })
    onUpgrade = (req, socket, head) => {
      if (req.url !== '/ws') return socket.destroy()
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
      })
    }
  },
}

scenarios[scenario]()
const server = app.listen(port, '127.0.0.1')
if (onUpgrade) server.on('upgrade', onUpgrade)
