import { describe, expect, it } from 'vitest'
import { currentApp, Flagon, g, gotBackgroundException, hasRequestContext } from '../../src/index.js'

describe('background tasks', () => {
  it('run in a fresh app context after the response, and testApp waits for them', async () => {
    const app = new Flagon('background')
    const seen: unknown[] = []
    app.get('/', () => {
      g.user = 'ann'
      app.addBackgroundTask(async (n: number) => {
        await new Promise((r) => setTimeout(r, 30))
        seen.push(n, currentApp.name, hasRequestContext(), g.get('user'))
      }, 7)
      return 'started'
    })
    await app.testApp(async (client) => {
      expect(await (await client.get('/')).text()).toBe('started')
      expect(seen).toEqual([])
    })
    expect(seen).toEqual([7, 'background', false, undefined])
  })

  it('log and signal a failure, and the app keeps serving', async () => {
    const app = new Flagon('failing')
    const logged: string[] = []
    app.logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void logged.push(m) }
    const signalled: unknown[] = []
    const disconnect = gotBackgroundException.connect((_, { error }) => void signalled.push(error))
    app.get('/', () => {
      app.addBackgroundTask(() => {
        throw new Error('task failed')
      })
      return 'ok'
    })
    await app.testApp(async (client) => {
      await client.get('/')
      await new Promise((r) => setTimeout(r, 10))
      expect((await client.get('/')).status).toBe(200)
    })
    disconnect()
    expect(logged).toContain('Exception in background task')
    expect((signalled[0] as Error).message).toBe('task failed')
  })

  it('shutdown waits no longer than BACKGROUND_TASK_SHUTDOWN_TIMEOUT', async () => {
    const app = new Flagon('slow')
    app.config.BACKGROUND_TASK_SHUTDOWN_TIMEOUT = 0.05
    app.logger = { debug() {}, info() {}, warn() {}, error() {} }
    const started = Date.now()
    await app.testApp(async () => {
      app.addBackgroundTask(() => new Promise((r) => setTimeout(r, 2000).unref()))
    })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
