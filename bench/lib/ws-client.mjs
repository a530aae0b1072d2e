/**
 * The closed-loop websocket echo client, run in a process of its own on the load core. Each
 * connection sends one 64-byte text frame, waits for its echo, and sends the next. Frames are
 * masked once, up front, and echoes are recognised by length and compared byte for byte, so the
 * client does a fraction of the server's work per message and never becomes the bottleneck.
 *
 * Usage: node ws-client.mjs '{"port":…,"path":"/ws","connections":50,"warmup":1,"duration":5,"pid":…}'
 * Prints one JSON line: messages, seconds, latency percentiles, the server's CPU share, errors.
 * With "check": true it only verifies the handshake and a few echoes, and exits 1 on a wrong answer.
 */
import { cpuWindow } from './proc.mjs'
import { exchange, frame, message, open } from './ws-raw.mjs'

const options = JSON.parse(process.argv[2])
const EMPTY = Buffer.alloc(0)

async function check() {
  const socket = await open(options.port, options.path)
  for (let i = 0; i < 3; i++) {
    const { sent, echo } = frame(message(i))
    const got = await exchange(socket, sent, echo.length)
    if (!got.equals(echo))
      throw new Error(
        `echo ${i} was ${JSON.stringify(got.toString('latin1'))}, not the 64-byte text frame sent`,
      )
  }
  socket.destroy()
}

async function load() {
  const frames = Array.from({ length: 8 }, (_, i) => frame(message(i)))
  const buckets = new Uint32Array(1_000_000) // latency histogram, 1 µs per bucket up to 1 s
  let counting = false
  let messages = 0
  let errors = 0
  const sockets = await Promise.all(
    Array.from({ length: options.connections }, () => open(options.port, options.path)),
  )
  for (const [n, socket] of sockets.entries()) {
    let k = n % frames.length
    let pending = EMPTY
    let sentAt = 0
    const next = () => {
      k = (k + 1) % frames.length
      sentAt = performance.now()
      socket.write(frames[k].sent)
    }
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      const echo = frames[k].echo
      if (pending.length < echo.length) return
      if (pending.length !== echo.length || !pending.equals(echo)) errors++
      pending = EMPTY
      if (counting) {
        messages++
        buckets[Math.min(buckets.length - 1, Math.round((performance.now() - sentAt) * 1000))]++
      }
      next()
    })
    socket.on('error', () => errors++)
    next()
  }
  await sleep(options.warmup * 1000)
  const window = cpuWindow(options.pid, options.serverCore)
  const client0 = process.cpuUsage()
  counting = true
  await sleep(options.duration * 1000)
  counting = false
  const cpu = window.stop()
  const client = process.cpuUsage(client0)
  for (const socket of sockets) socket.destroy()
  return {
    messages,
    errors,
    ...cpu,
    clientCpuPct: ((client.user + client.system) / 1e6 / cpu.seconds) * 100,
    latencyUs: { p50: percentile(buckets, messages, 0.5), p99: percentile(buckets, messages, 0.99) },
  }
}

function percentile(buckets, count, p) {
  const wanted = Math.ceil(count * p)
  let seen = 0
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]
    if (seen >= wanted) return i
  }
  return buckets.length
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

try {
  let result = { ok: true }
  if (options.check) await check()
  else result = await load()
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error?.message ?? error) })}\n`)
  process.exit(1)
}
