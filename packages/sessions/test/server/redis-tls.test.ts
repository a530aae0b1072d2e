/**
 * The Redis store over TLS, on a real redis-server that speaks only TLS with a certificate from a CA
 * made for the test: the store and interface contracts, the certificate verified (an unknown CA or
 * another name is refused, with a warning that says what to do), pub/sub and reconnection over TLS, and
 * a `rediss://` URL from the config alone.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisStore, type RevocationEvent, StoreUnavailable, useServerSessions } from '../../src/index.js'
import { fakeApp } from '../host.js'
import { Browser, type FakeServerApp, serverSessions } from './host.js'
import { serverInterfaceContract } from './interface-contract.js'
import { startRedisTls, type TlsTestServer } from './servers.js'
import { sleep, storeContract } from './store-contract.js'

let server: TlsTestServer
beforeAll(async () => {
  server = await startRedisTls()
})
afterAll(async () => {
  await server?.stop()
})

/** A store given the test CA, as a user with a CA of their own gives theirs. */
const trusting = (options: { logger?: { warn(message: string): void } } = {}) =>
  new RedisStore(server.address, { ...options, clientOptions: { tls: { ca: server.ca } } })

describe('over TLS, given the CA', () => {
  storeContract('redis', () => trusting())
  serverInterfaceContract('redis', () => trusting())
})

describe('the redis store over TLS', () => {
  it('SESSION_REDIS = "rediss://…" refuses a certificate from an unknown CA (503), and the warning says what to do', async () => {
    const app = fakeApp({
      SESSION_TYPE: 'redis',
      SESSION_REDIS: server.address,
      SESSION_STORE_TIMEOUT: 0.3,
    }) as FakeServerApp
    const iface = useServerSessions(app)
    try {
      const error = await new Browser(app, iface)
        .request((s) => s.set('user', 'ann'))
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreUnavailable)
      expect(app.logs).toEqual([
        [
          'warn',
          "The Redis session store refused the server's TLS certificate (self-signed certificate in " +
            'certificate chain); retrying. If a CA of your own signed it, give the store that CA: ' +
            'new RedisStore(url, { clientOptions: { tls: { ca } } }), or the NODE_EXTRA_CA_CERTS ' +
            'environment variable.',
        ],
      ])
    } finally {
      await iface.close()
    }
  })

  it('checks the name too: the CA known, a certificate for 127.0.0.1 does not pass for redis.example', async () => {
    const logged: string[] = []
    const store = new RedisStore(server.address, {
      logger: { warn: (message) => void logged.push(message) },
      clientOptions: { tls: { ca: server.ca, servername: 'redis.example' } },
    })
    const { browser } = serverSessions(store, { SESSION_STORE_TIMEOUT: 0.3 })
    await expect(browser().request((s) => s.set('user', 'ann'))).rejects.toBeInstanceOf(StoreUnavailable)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/refused the server's TLS certificate \(Hostname\/IP does not match/)
    await store.close()
  })

  it('SESSION_REDIS = "rediss://…" from the config alone connects when the CA is in NODE_EXTRA_CA_CERTS', async () => {
    // Node reads NODE_EXTRA_CA_CERTS once, at start-up: an app process of its own.
    const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
    const app = `
      const { storeFromConfig } = await import(${JSON.stringify(index)})
      const store = storeFromConfig({ SESSION_TYPE: 'redis', SESSION_REDIS: process.argv[1] })
      await store.set('from-config', 'over TLS', 60)
      process.stdout.write(await store.get('from-config'))
      await store.close()`
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', app, server.address],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: server.caFile }, timeout: 15_000 },
    )
    expect(stdout).toBe('over TLS')
  })

  it("revocation events reach another connection: the store's pub/sub connection speaks TLS too", async () => {
    const [here, there] = [trusting(), trusting()]
    const heard: RevocationEvent[] = []
    const unsubscribe = await serverSessions(there).iface.subscribeRevocations((event) => heard.push(event))
    const { iface, browser } = serverSessions(here)
    const b = browser()
    const { session } = await b.request((s) => s.set('user', 'ann'))
    await b.request((s) => s.clear())
    const deadline = Date.now() + 1000
    while (heard.length === 0 && Date.now() < deadline) await sleep(2)
    expect(heard).toEqual([{ idHash: iface.idHash(session.sid), reason: 'cleared' }])
    await unsubscribe()
    await Promise.all([here.close(), there.close()])
  })

  it('reconnects over TLS when the server comes back, and says once that it lost the connection', async () => {
    const logged: string[] = []
    const store = trusting({ logger: { warn: (message) => void logged.push(message) } })
    await store.set('before', 'x', 60)
    await server.stop()
    await server.start()
    // The server kept nothing (no persistence); what matters is that the store writes and reads again.
    await store.set('after', 'y', 60)
    expect(await store.get('after')).toBe('y')
    expect(logged).toEqual(['The Redis session store lost its connection; reconnecting.'])
    await store.close()
  })
})
