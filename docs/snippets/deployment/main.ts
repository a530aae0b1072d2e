// The entry point a process manager (systemd, a container) starts: `node --import tsx main.ts`.
import { createApp } from './app.js'
import { serve } from './server.js'

const app = createApp()
const { stop } = await serve(app, { host: '127.0.0.1', port: Number(process.env.PORT ?? 8000) })
// SIGTERM is how process managers and container runtimes ask a process to stop.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
