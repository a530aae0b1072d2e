/**
 * Serving on node:http: `listen()` runs the start-up lifespan and then accepts connections;
 * `closeGracefully()` stops accepting, lets in-flight requests finish (bounded), then closes.
 * `run()` is the development server on top: it logs where it listens and stops on SIGINT/SIGTERM.
 */
import { createServer, type Server, type ServerOptions } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Flagon } from '../app.js'
import type { Websocket } from '../wrappers/websocket.js'
import { logAccess } from './access-log.js'
import { clientErrorHandler } from './node.js'

/** Where to listen. */
export interface ListenOptions {
  /** Default 127.0.0.1, or the host of SERVER_NAME. */
  host?: string
  /** Default 5000, or the port of SERVER_NAME; 0 picks a free port. */
  port?: number
}

/** Options of the development server. */
export interface RunOptions extends ListenOptions {
  /** Turns DEBUG on. */
  debug?: boolean
  /** Log each response (`client "GET /path HTTP/1.1" 200 12 345`, query values masked); default true. */
  accessLog?: boolean
}

/** Runs beforeServing, then listens; resolves with the listening server. */
export async function listen(app: Flagon, options: ListenOptions): Promise<Server> {
  const { host, port } = address(app, options)
  await app.startServing()
  const server = createServer(serverOptions(app), app.handler)
  server.keepAliveTimeout = app.config.KEEP_ALIVE_TIMEOUT * 1000
  server.on('upgrade', app.upgradeHandler)
  server.on('clientError', clientErrorHandler())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}

/**
 * Stops accepting connections, waits up to `timeoutSeconds` for in-flight requests, then
 * cuts what is left. Idle keep-alive connections are closed at once.
 */
export async function closeGracefully(server: Server, timeoutSeconds: number): Promise<void> {
  if (!server.listening) return
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  // Connections still busy now become idle keep-alive ones later; close each as soon as it is.
  server.closeIdleConnections()
  const sweeper = setInterval(() => server.closeIdleConnections(), 25)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.closeAllConnections()
      resolve()
    }, timeoutSeconds * 1000)
  })
  await Promise.race([closed, timedOut])
  clearTimeout(timer)
  await closed
  clearInterval(sweeper)
}

/**
 * Gives open websockets `graceSeconds` to end on their own, then closes the rest with 1001
 * (going away) and waits for them to finish.
 */
export async function closeWebsockets(open: ReadonlySet<Websocket>, graceSeconds: number): Promise<void> {
  const deadline = Date.now() + graceSeconds * 1000
  while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
  for (const websocket of open) {
    if (websocket.accepted && !websocket.closed) websocket.close(1001, 'Server shutting down').catch(() => {})
    else websocket.socket?.terminate()
  }
  // Handlers get a moment to see the close and end; one that never ends does not hold up the shutdown.
  const finish = Date.now() + 2000
  while (open.size > 0 && Date.now() < finish) await new Promise((r) => setTimeout(r, 10))
}

/** The development server: listen, log, and shut down gracefully on SIGINT or SIGTERM. */
export async function run(app: Flagon, options: RunOptions): Promise<Server> {
  if (options.debug !== undefined) app.config.DEBUG = options.debug
  const server = await app.listen(options)
  if (options.accessLog !== false) logAccess(server, app.logger)
  // Ready for a signal before saying where it listens: a supervisor may stop it as soon as it reads that.
  const stop = () => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error('Error while shutting down', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  const { address: host, port } = server.address() as AddressInfo
  const shown = host.includes(':') ? `[${host}]` : host
  process.stderr.write(
    ` * Serving Flagon app '${app.name}'\n * Debug mode: ${app.debug ? 'on' : 'off'}\n` +
      ' * This is a development server; in production, use app.listen() behind a process manager\n' +
      ` * Running on http://${shown}:${port} (CTRL + C to quit)\n`,
  )
  return server
}

/** How often Node looks for connections past HEADERS_TIMEOUT; Node's own default is every 30 s. */
const CHECK_INTERVAL_MS = 250

/**
 * The connection limits from the config. Node closes a connection that has not sent its headers
 * within `headersTimeout`, but only notices at its next check, so the timeout is shortened by one
 * check interval: a slowloris or silent client is gone by HEADERS_TIMEOUT at the latest.
 */
function serverOptions(app: Flagon): ServerOptions {
  const seconds = app.config.HEADERS_TIMEOUT
  const headersMs = seconds === 0 ? 0 : Math.max(seconds * 1000 - CHECK_INTERVAL_MS, 1)
  return {
    headersTimeout: headersMs,
    // Node refuses a request timeout shorter than the headers one; a slow body is BODY_TIMEOUT's to end.
    requestTimeout: Math.max(300_000, headersMs),
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
    maxHeaderSize: app.config.MAX_HEADER_SIZE,
  }
}

function address(app: Flagon, options: ListenOptions): { host: string; port: number } {
  const serverName = app.config.SERVER_NAME as string | null
  const [nameHost, namePort] = serverName ? serverName.split(':') : []
  return {
    host: options.host ?? nameHost ?? '127.0.0.1',
    port: options.port ?? (namePort ? Number(namePort) : 5000),
  }
}
