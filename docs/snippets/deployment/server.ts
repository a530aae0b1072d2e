import type { AddressInfo } from 'node:net'
import type { Flagon } from '@flagon/framework'

/**
 * Serves `app` for production: beforeServing runs, then it listens. `stop()` shuts down gracefully: no
 * new connections, in-flight requests finish (up to SHUTDOWN_TIMEOUT), background tasks get
 * BACKGROUND_TASK_SHUTDOWN_TIMEOUT, websockets are closed with 1001, then afterServing runs.
 */
export async function serve(app: Flagon, options: { host?: string; port?: number } = {}) {
  const server = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8000 })
  const { port } = server.address() as AddressInfo
  app.logger.info(`Listening on ${options.host ?? '127.0.0.1'}:${port}`)
  return { port, stop: () => app.close() }
}
