/**
 * Serves the example: `REDIS_URL=redis://127.0.0.1:6379 PORT=5001 pnpm --filter @flagon/example-redis-sessions start`.
 * Start it twice on two ports: a colour saved on one is shown by the other.
 */
import { createApp } from './app.js'

await createApp().run({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5000) })
