import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../main.ts', import.meta.url))
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

describe('the development server of the example (pnpm start)', () => {
  it('logs where it listens, answers, and exits cleanly on SIGTERM', async () => {
    const child = spawn(tsx, [main], {
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let log = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding('utf8')
      child.stderr.on('data', (chunk: string) => {
        log += chunk
        const found = /Running on (http:\/\/\S+)/.exec(log)
        if (found) resolve(found[1]!)
      })
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${log}`)))
    })
    expect(log).toContain("Serving Flagon app 'app'")
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<h1>Notes</h1>')
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
