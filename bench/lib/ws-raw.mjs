/**
 * A websocket client by hand, on a bare TCP socket: the handshake, verified, and pre-masked text
 * frames. What the load and idle clients share; a library client would cost more than the server.
 */
import { createHash, randomBytes } from 'node:crypto'
import { connect } from 'node:net'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** A masked client text frame carrying `payload` (at most 125 bytes), and the echo expected back. */
export function frame(payload) {
  const mask = randomBytes(4)
  const masked = Buffer.alloc(payload.length)
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i] ^ mask[i & 3]
  const sent = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked])
  const echo = Buffer.concat([Buffer.from([0x81, payload.length]), payload])
  return { sent, echo }
}

/** The `i`th test message: `size` bytes of text. */
export function message(i, size = 64) {
  return Buffer.from(`message ${i} `.padEnd(size, 'x').slice(0, size))
}

/** Opens a websocket to `path` and resolves with the socket once the 101 has been verified. */
export function open(port, path) {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64')
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64')
    const socket = connect(port, '127.0.0.1')
    socket.setNoDelay(true)
    let head = Buffer.alloc(0)
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end === -1) return
      socket.off('data', onData)
      const lines = head.subarray(0, end).toString().split('\r\n')
      const headers = new Map(
        lines
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      )
      if (!lines[0].startsWith('HTTP/1.1 101'))
        return reject(new Error(`handshake answered ${JSON.stringify(lines[0])}`))
      if (headers.get('sec-websocket-accept') !== accept)
        return reject(new Error('wrong Sec-WebSocket-Accept'))
      const rest = head.subarray(end + 4)
      if (rest.length > 0) return reject(new Error('the server sent a frame before any message'))
      resolve(socket)
    }
    socket.on('data', onData)
    socket.once('error', reject)
    // After the 101 this is a no-op: a settled promise ignores it.
    socket.once('close', () => reject(new Error('the server closed the connection during the handshake')))
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
  })
}

/** Sends `sent` and resolves with the next `length` bytes the socket receives. */
export function exchange(socket, sent, length) {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0)
    const onData = (chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      if (buffer.length < length) return
      socket.off('data', onData)
      socket.off('close', onClose)
      resolve(buffer)
    }
    const onClose = () => {
      socket.off('data', onData)
      reject(new Error('the server closed the connection instead of answering'))
    }
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.write(sent)
  })
}
