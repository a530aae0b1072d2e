/**
 * The idle-connections client, run in a process of its own on the load core. It opens N
 * connections, has each answer one exchange (a websocket echo, or one keep-alive HTTP request), so
 * that every one is known to be open and to have been served, and then holds them without a byte.
 *
 * Usage: node idle-client.mjs '{"port":…,"path":"/ws","kind":"websocket"|"http","connections":1000,"answer":"…"}'
 * Prints `{"opened":N}` once all are open and answered; when its stdin ends, prints
 * `{"ok":true,"closed":K}` (K: how many the server closed meanwhile) and exits. On a wrong answer
 * it prints `{"ok":false,"error":…}` and exits 1.
 */
import { connect } from 'node:net'
import { exchange, frame, message, open } from './ws-raw.mjs'

const options = JSON.parse(process.argv[2])
// Opened this many at a time, so the server's accept backlog is never what fails.
const BATCH = 100

async function openWebsocket() {
  const socket = await open(options.port, options.path)
  const { sent, echo } = frame(message(0))
  const got = await exchange(socket, sent, echo.length)
  if (!got.equals(echo)) throw new Error(`the first echo was ${JSON.stringify(got.toString('latin1'))}`)
  return socket
}

/** One GET on a fresh keep-alive connection, its answer read whole (Content-Length or chunked). */
function openKeepAlive() {
  return new Promise((resolve, reject) => {
    const socket = connect(options.port, '127.0.0.1')
    let buffer = Buffer.alloc(0)
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      const end = buffer.indexOf('\r\n\r\n')
      if (end === -1) return
      const head = buffer.subarray(0, end).toString('latin1')
      const body = buffer.subarray(end + 4)
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]
      const whole =
        length === undefined ? body.toString('latin1').endsWith('0\r\n\r\n') : body.length >= Number(length)
      if (!whole) return
      socket.off('data', onData)
      if (!head.startsWith('HTTP/1.1 200'))
        return reject(new Error(`GET ${options.path} answered ${JSON.stringify(head.split('\r\n')[0])}`))
      if (/\r\nconnection:\s*close/i.test(head))
        return reject(new Error(`GET ${options.path} answered with Connection: close, not kept alive`))
      if (length !== undefined && body.toString('utf8') !== options.answer)
        return reject(new Error(`GET ${options.path} answered ${JSON.stringify(body.toString('utf8'))}`))
      resolve(socket)
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.once('close', () => reject(new Error(`GET ${options.path}: closed before a whole answer`)))
    socket.write(`GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\n\r\n`)
  })
}

async function main() {
  const openOne = options.kind === 'websocket' ? openWebsocket : openKeepAlive
  const sockets = []
  while (sockets.length < options.connections) {
    const batch = Math.min(BATCH, options.connections - sockets.length)
    sockets.push(...(await Promise.all(Array.from({ length: batch }, openOne))))
  }
  let closed = 0
  for (const socket of sockets) {
    socket.on('close', () => closed++)
    socket.on('error', () => {}) // a reset shows as a close, counted above
  }
  process.stdout.write(`${JSON.stringify({ opened: sockets.length })}\n`)
  process.stdin.resume()
  await new Promise((resolve) => process.stdin.once('end', resolve))
  process.stdout.write(`${JSON.stringify({ ok: true, closed })}\n`)
  process.exit(0)
}

try {
  await main()
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(error?.message ?? error) })}\n`)
  process.exit(1)
}
