import { app } from './app.js'

await app.run({ port: 5000 })
