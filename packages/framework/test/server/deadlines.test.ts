import type { ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { Deadlines } from '../../src/server/deadlines.js'

/** Just what the sweep looks at: whether the client's socket is gone and whether headers went out. */
function response(state: { destroyed?: boolean; headersSent?: boolean } = {}) {
  return {
    req: { socket: { destroyed: state.destroyed ?? false } },
    headersSent: state.headersSent ?? false,
  } as unknown as ServerResponse
}

describe('response deadlines', () => {
  it('expires a request at its limit, once', async () => {
    const deadlines = new Deadlines()
    let expired = 0
    deadlines.watch(response(), 0.05, () => expired++)
    await sleep(30)
    expect(expired).toBe(0)
    await sleep(80)
    expect(expired).toBe(1)
    await sleep(60)
    expect(expired).toBe(1)
  })

  it('lets go of a request answered in time', async () => {
    const deadlines = new Deadlines()
    let expired = 0
    const watched = deadlines.watch(response(), 0.04, () => expired++)
    deadlines.unwatch(watched)
    await sleep(100)
    expect(expired).toBe(0)
  })

  it('lets go of a request whose client left, or whose answer is already under way', async () => {
    const deadlines = new Deadlines()
    let expired = 0
    deadlines.watch(response({ destroyed: true }), 0.04, () => expired++)
    deadlines.watch(response({ headersSent: true }), 0.04, () => expired++)
    await sleep(100)
    expect(expired).toBe(0)
  })

  it('sweeps as often as the shortest limit needs, whatever came first', async () => {
    const deadlines = new Deadlines()
    const expired: string[] = []
    deadlines.watch(response(), 60, () => expired.push('long'))
    deadlines.watch(response(), 0.05, () => expired.push('short'))
    await sleep(120)
    expect(expired).toEqual(['short'])
  })
})
