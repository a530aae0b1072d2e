/**
 * The app under load and faults, run in a child process of its own (started with the hostile
 * harness's `HostileServer.start(config, { script })`), so its memory is measured apart from the
 * load generator's. Routes: the mix the load client checks (plaintext, JSON, params, session,
 * template, echo, websocket echo) and the faulty handlers (one that throws, one that never
 * resolves, one that streams forever).
 *
 * Config overrides arrive as JSON in HOSTILE_CONFIG; with `SESSION_TYPE: 'redis'` in them the
 * sessions are kept in Redis (useServerSessions). It prints `port <n>` once listening, and answers
 * `stats` messages over IPC with its memory after a full GC, the errors logged, its open
 * connections, and counters of the faulty handlers (how many started, ended, were collected).
 */
import {
  currentObject,
  Flagon,
  renderTemplateString,
  request,
  session,
  useServerSessions,
  websocket,
} from '../../src/index.js'

const app = new Flagon('soak')
app.config.SECRET_KEY = 'soak-suite-secret-key'
app.config.fromMapping(JSON.parse(process.env.HOSTILE_CONFIG ?? '{}') as Record<string, unknown>)
if (app.config.SESSION_TYPE === 'redis') useServerSessions(app)

const errors: string[] = []
const counters: Record<string, number> = {
  hangStarted: 0,
  hangCollected: 0,
  streamsStarted: 0,
  streamsEnded: 0,
  websocketsRunning: 0,
}
const log = app.logger
app.logger = {
  ...log,
  error: (message: string, ...rest: unknown[]) => void errors.push(message, ...rest.map(String)),
}
// Counts the never-resolving requests that the garbage collector could take back.
const collected = new FinalizationRegistry<void>(() => {
  counters.hangCollected!++
})

app.get('/plain', () => 'plain ok')
app.get('/json', () => ({ n: Number(request.args.get('n')), list: [1, 2, 3], nested: { ok: true } }))
app.get('/users/<int:id>/posts/<slug>', ({ id, slug }) => `user ${id} post ${slug}`)
app.post('/echo', async () => new Uint8Array(await request.body()))
// The session names its owner: a session served to another client, or a count that skips, shows.
app.get('/session/<owner>', ({ owner }) => {
  const stored = session.get('owner')
  if (stored !== undefined && stored !== owner)
    return [`session of ${String(stored)} served to ${owner}`, 409]
  const n = ((session.get('n') as number | undefined) ?? 0) + 1
  session.set('owner', owner)
  session.set('n', n)
  return `${owner} ${n}`
})
// Reads without writing: the check every client makes of its session once the load is over.
app.get('/session-check/<owner>', () => `${String(session.get('owner'))} ${String(session.get('n'))}`)
app.get('/template/<name>', ({ name }) =>
  renderTemplateString('<p>Hello {{ name }}</p><ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>', {
    name,
    items: [1, 2, 3],
  }),
)
app.websocket('/ws/echo', async () => {
  counters.websocketsRunning!++
  try {
    for await (const message of websocket) await websocket.send(message)
  } finally {
    counters.websocketsRunning!--
  }
})

app.get('/fault/throw', () => {
  throw new Error('a handler that throws')
})
app.get('/fault/hang', () => {
  counters.hangStarted!++
  collected.register(currentObject(request))
  return new Promise<string>(() => {})
})
app.get('/fault/stream', () =>
  (async function* () {
    counters.streamsStarted!++
    try {
      const chunk = new Uint8Array(16 * 1024).fill(120)
      for (;;) {
        yield chunk
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    } finally {
      counters.streamsEnded!++
    }
  })(),
)

const server = await app.listen({ port: 0 })

process.on('message', (message: { type: string }) => {
  if (message.type !== 'stats') return
  globalThis.gc?.()
  // The registry's callbacks run after a GC, on a later turn: give them one.
  setTimeout(() => {
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
    server.getConnections((_, connections) => {
      process.send?.({
        type: 'stats',
        memory: { rss, heapUsed, external, arrayBuffers },
        errors,
        seen: {},
        websocketsRunning: counters.websocketsRunning,
        connections,
        counters,
      })
    })
  }, 20)
})

const address = server.address()
process.stdout.write(`port ${typeof address === 'object' && address ? address.port : 0}\n`)
