/** Serves the chat example: `pnpm --filter @flagon/example-chat start`, then open two tabs. */
import { createApp } from './app.js'

await createApp().run({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5000) })
