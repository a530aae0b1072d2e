import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type TestServer } from '../../../packages/sessions/test/server/servers.js'

const main = fileURLToPath(new URL('../main.ts', import.meta.url))
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

let redis: TestServer
const children: ChildProcess[] = []

beforeAll(async () => {
  redis = await startRedis()
}, 120_000)

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM')
  await Promise.all(
    children.map((child) => new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)))),
  )
  await redis?.stop()
})

/** Starts one app process sharing the Redis; resolves with its URL. */
function serve(): Promise<string> {
  const child = spawn(tsx, [main], {
    env: { ...process.env, PORT: '0', REDIS_URL: redis.address, SECRET_KEY: 'shared-secret' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.push(child)
  let log = ''
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      log += chunk
      const found = /Running on (http:\/\/\S+)/.exec(log)
      if (found) resolve(found[1]!)
    })
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${log}`)))
  })
}

describe('two processes sharing one Redis', () => {
  it('a session created on one is read on the other', async () => {
    const [first, second] = await Promise.all([serve(), serve()])
    const saved = await fetch(`${first}/colour/`, {
      method: 'POST',
      body: new URLSearchParams({ colour: 'teal' }),
      redirect: 'manual',
    })
    expect(saved.status).toBe(302)
    const cookie = saved.headers.getSetCookie()[0]!.split(';')[0]!
    expect(cookie).not.toContain('teal')

    const page = await (await fetch(`${second}/`, { headers: { cookie } })).text()
    expect(page).toContain('Your colour is teal')
    const firstPid = /process (\d+)/.exec(
      await (await fetch(`${first}/`, { headers: { cookie } })).text(),
    )![1]
    const secondPid = /process (\d+)/.exec(page)![1]
    expect(firstPid).not.toBe(secondPid)
  }, 60_000)
})

describe('a user on two processes', () => {
  it('sees every device on either, and a logout on one closes the live socket on the other (4001)', async () => {
    const [first, second] = await Promise.all([serve(), serve()])
    const login = async (origin: string, agent: string) => {
      const response = await fetch(`${origin}/login`, {
        method: 'POST',
        body: new URLSearchParams({ user: 'ann' }),
        headers: { 'user-agent': agent },
        redirect: 'manual',
      })
      return response.headers.getSetCookie()[0]!.split(';')[0]!
    }
    const laptop = await login(first, 'laptop')
    const phone = await login(second, 'phone')
    const devices = await (await fetch(`${first}/devices`, { headers: { cookie: laptop } })).text()
    expect(devices).toContain('laptop')
    expect(devices).toContain('phone')

    const { WebSocket } = await import('ws')
    const socket = new WebSocket(`${first.replace('http', 'ws')}/live`, { headers: { cookie: phone } })
    await new Promise((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', reject)
    })
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    const started = Date.now()
    await fetch(`${second}/logout`, { method: 'POST', headers: { cookie: phone }, redirect: 'manual' })
    expect(await closed).toBe(4001)
    expect(Date.now() - started).toBeLessThan(1000)

    await fetch(`${second}/devices/log-out-others`, {
      method: 'POST',
      headers: { cookie: laptop },
      redirect: 'manual',
    })
    const after = await (await fetch(`${second}/devices`, { headers: { cookie: laptop } })).text()
    expect(after).not.toContain('phone')
  }, 60_000)
})
