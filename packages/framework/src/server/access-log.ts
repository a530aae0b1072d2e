/**
 * The development server's access log: one line per response, in Hypercorn's spirit
 * (`client "METHOD path HTTP/v" status bytes microseconds`). Query values are masked and no
 * header is printed, so tokens in URLs and cookie values never reach the log.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from '../logging.js'

/** One logged response. */
export interface AccessLogEntry {
  readonly remoteAddr: string | undefined
  readonly method: string
  /** The path, with the values of the query string replaced by `…`. */
  readonly path: string
  readonly httpVersion: string
  readonly status: number
  readonly bytes: number | undefined
  readonly microseconds: number
}

/** Logs every response `server` sends: to `logger.info`, or to a function of yours. */
export function logAccess(server: Server, sink: Logger | ((entry: AccessLogEntry) => void)): void {
  const write = typeof sink === 'function' ? sink : (entry: AccessLogEntry) => sink.info(formatAccess(entry))
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint()
    res.once('finish', () => {
      const length = res.getHeader('content-length')
      write({
        remoteAddr: req.socket.remoteAddress,
        method: req.method ?? 'GET',
        path: maskQuery(req.url ?? '/'),
        httpVersion: req.httpVersion,
        status: res.statusCode,
        bytes: length === undefined ? undefined : Number(length),
        microseconds: Number((process.hrtime.bigint() - started) / 1000n),
      })
    })
  })
}

/** The entry as one line: `127.0.0.1 "GET /a?q=… HTTP/1.1" 200 12 345`. */
export function formatAccess(entry: AccessLogEntry): string {
  return `${entry.remoteAddr ?? '-'} "${entry.method} ${entry.path} HTTP/${entry.httpVersion}" ${entry.status} ${entry.bytes ?? '-'} ${entry.microseconds}`
}

function maskQuery(url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const masked = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      return eq === -1 ? pair : `${pair.slice(0, eq)}=…`
    })
  return `${url.slice(0, q)}?${masked.join('&')}`
}
