/** Serves the blog for development: `pnpm --filter @flagon/example-blog start`. */
import { createApp } from './app.js'

await createApp().run({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5000) })
