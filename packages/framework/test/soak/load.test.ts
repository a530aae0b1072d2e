/**
 * Load and faults (issue 11): 200 keep-alive connections (180 HTTP over the route mix, 20
 * websockets) against the soak server, every answer checked, the server's RSS read each second;
 * then the same on the Redis session store, with `redis-server` stopped mid-run and started again.
 * The test command runs the short form (10 s; Redis down 3 s); `pnpm soak` the long one (60 s; 10 s).
 */
import { describe, expect, it } from 'vitest'
import { FULL, runSoak } from './soak.js'

const SECONDS = FULL ? 60 : 10
const WARMUP = FULL ? 10 : 3
const HTTP = 180
const WEBSOCKETS = 20
/** RSS may move this much between the end of warm-up and the end of the run. */
const RSS_GROWTH_MiB = 40
/** Sessions are served again this soon after redis-server is back (ioredis retries every ≤ 0.5 s). */
const RECOVERY_SECONDS = 5
/** The heap after a full GC, once the load is over, may be this much above the warm-up's. */
const HEAP_GROWTH_MiB = 8

describe('200 concurrent keep-alive connections over the route mix', () => {
  it(
    'get every answer right, and the server memory stays flat',
    async () => {
      const run = await runSoak({
        name: 'route mix, cookie sessions',
        seconds: SECONDS,
        warmup: WARMUP,
        http: HTTP,
        websockets: WEBSOCKETS,
      })
      run.report.print()
      expect(run.load.failures).toEqual([])
      expect(run.load.errors).toBe(0)
      expect(run.load.wrong).toBe(0)
      expect(run.load.unavailable).toBe(0)
      expect(run.load.sessionsCorrupted).toBe(0)
      expect(run.load.requests).toBeGreaterThan(SECONDS * 500)
      expect(run.errorsLogged).toEqual([])
      expect(run.serverExited).toBeNull()
      expect(run.rssAtEndMiB - run.rssAfterWarmupMiB).toBeLessThan(RSS_GROWTH_MiB)
      expect(run.heapAfterMiB - run.heapAfterWarmupMiB).toBeLessThan(HEAP_GROWTH_MiB)
    },
    (SECONDS + 30) * 1000,
  )
})

describe('the same on the Redis store, with redis-server stopped mid-run', () => {
  it(
    'answers clean 503s while it is down, recovers within seconds, and corrupts no session',
    async () => {
      const outage = FULL ? { at: 20, seconds: 10 } : { at: 3, seconds: 3 }
      const run = await runSoak({
        name: `route mix, Redis sessions, redis-server down for ${outage.seconds} s`,
        seconds: SECONDS,
        warmup: WARMUP,
        http: HTTP,
        websockets: WEBSOCKETS,
        redisOutage: outage,
      })
      run.report.print()
      expect(run.load.failures).toEqual([])
      expect(run.load.errors).toBe(0)
      expect(run.load.wrong).toBe(0)
      expect(run.load.unavailable).toBeGreaterThan(0)
      expect(run.load.sessionsCorrupted).toBe(0)
      // No hang: the slowest answer is the store timeout's (SESSION_STORE_TIMEOUT, 2 s), under the
      // client's 5 s deadline (a request past it counts as an error above).
      expect(run.load.maxLatencyMs).toBeLessThan(5000)
      expect(run.load.recoverySeconds).not.toBeNull()
      expect(run.load.recoverySeconds!).toBeLessThan(RECOVERY_SECONDS)
      expect(run.serverExited).toBeNull()
      expect(run.heapAfterMiB - run.heapAfterWarmupMiB).toBeLessThan(HEAP_GROWTH_MiB)
    },
    (SECONDS + 30) * 1000,
  )
})
