/** Serves the notes app for development: `pnpm start` at the repository's root. */
import { createApp } from './app.js'

const app = createApp()
await app.run({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5000) })
