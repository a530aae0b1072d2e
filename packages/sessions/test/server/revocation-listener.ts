/**
 * The other app process of the revocation test: server-side sessions on the Redis at argv[2], listening
 * for revocations. Prints `ready`, then one JSON line per event with the wall-clock time it arrived.
 */
import { RedisStore, ServerSideSessionInterface } from '../../src/index.js'

const store = new RedisStore(process.argv[2]!)
const sessionInterface = new ServerSideSessionInterface(store)
await sessionInterface.subscribeRevocations((event) => {
  process.stdout.write(`${JSON.stringify({ ...event, at: performance.timeOrigin + performance.now() })}\n`)
})
process.stdout.write('ready\n')
process.stdin.resume()
process.stdin.on('end', async () => {
  await store.close()
  process.exit(0)
})
