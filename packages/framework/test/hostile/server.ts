/**
 * The app every hostile case attacks, run in a child process of its own (started by `harness.ts`), so
 * that a crash is seen as a crash and the server's memory is measured apart from the clients'.
 *
 * It prints `port <n>` on stdout once listening, and answers `stats` messages over IPC with its
 * memory (after a full GC), the errors its logger saw, the requests that reached a view, and the
 * websocket handlers that are still running. Config overrides arrive as JSON in HOSTILE_CONFIG.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Flagon, request, sendFromDirectory, session, websocket } from '../../src/index.js'
import { SECRET } from './harness.js'

const root = mkdtempSync(join(tmpdir(), 'flagon-hostile-'))
mkdirSync(join(root, 'public', 'sub'), { recursive: true })
mkdirSync(join(root, 'uploads'))
writeFileSync(join(root, 'public', 'inside.txt'), 'inside')
writeFileSync(join(root, 'public', 'sub', 'deeper.txt'), 'deeper')
writeFileSync(join(root, 'uploads', 'upload.txt'), 'upload')
writeFileSync(join(root, 'secret.txt'), SECRET)
writeFileSync(join(root, 'public..txt'), SECRET) // a sibling whose name starts like the folder's

const app = new Flagon('hostile', { rootPath: root, staticFolder: 'public' })
app.config.SECRET_KEY = 'hostile-suite-secret-key'
app.config.fromMapping(JSON.parse(process.env.HOSTILE_CONFIG ?? '{}') as Record<string, unknown>)

const errors: string[] = []
const seen = new Map<string, number>()
let websocketsRunning = 0
const log = app.logger
app.logger = {
  ...log,
  error: (message: string, ...rest: unknown[]) => void errors.push(message, ...rest.map(String)),
}

app.beforeRequest(() => {
  seen.set(request.path, (seen.get(request.path) ?? 0) + 1)
})

app.get('/', () => 'ok')
app.route('/echo', async () => String((await request.body()).byteLength), { methods: ['GET', 'POST'] })
app.post('/json', async () => {
  const value = await request.json()
  return { type: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value }
})
app.post('/form', async () => {
  const [form, files] = [await request.form(), await request.files()]
  return { fields: [...form.keys()].length, files: [...files.keys()].length }
})
app.get('/session', () => {
  const fresh = !session.has('n')
  session.set('n', 1)
  return fresh ? 'fresh' : 'old'
})
app.get('/p/<name>', ({ name }) => `name ${name.length}`)
app.get('/q', () => `a ${request.args.get('a')?.length ?? -1}`)
app.get('/files/<path:name>', ({ name }) => sendFromDirectory('uploads', name))
// Never ends: a client that does not read it must not make the server buffer it.
app.get('/endless', () =>
  (async function* () {
    const chunk = new Uint8Array(64 * 1024).fill(120)
    for (;;) yield chunk
  })(),
)
app.get('/http-only', () => 'http only')

app.websocket('/ws/echo', async () => {
  websocketsRunning++
  try {
    for await (const message of websocket) await websocket.send(message)
  } finally {
    websocketsRunning--
  }
})
// Accepts, then never reads: the flood case.
app.websocket('/ws/deaf', async () => {
  websocketsRunning++
  try {
    await websocket.accept()
    await new Promise((resolve) => websocket.signal.addEventListener('abort', resolve))
  } finally {
    websocketsRunning--
  }
})

process.on('message', (message: { type: string }) => {
  if (message.type !== 'stats') return
  globalThis.gc?.()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  process.send?.({
    type: 'stats',
    memory: { rss, heapUsed, external, arrayBuffers },
    errors,
    seen: Object.fromEntries(seen),
    websocketsRunning,
  })
})

const server = await app.listen({ port: 0 })
const address = server.address()
process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`)
