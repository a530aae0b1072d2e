import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, type TestContext } from 'vitest'
import { get, removeTempDirs, runningUrl, type Started, startFlagon, tempDir } from './cli-process.js'

afterAll(removeTempDirs)

/** Starts the CLI; a test that fails does not leave it (or its children) running. */
function start(
  { onTestFinished }: TestContext,
  args: string[],
  options: Parameters<typeof startFlagon>[1] = {},
): Started {
  const cli = startFlagon(args, options)
  // The test's own hook: in concurrent tests the global one may belong to another test.
  onTestFinished(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) await cli.stop('SIGTERM')
  })
  return cli
}

describe.concurrent('flagon run', () => {
  it('prints where it listens, serves the app, and exits with 0 on SIGTERM', async (context) => {
    const cli = start(context, ['--app', 'server-app.ts', 'run', '--port', '0'])
    const url = await runningUrl(cli)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(cli.stderr()).toContain("Serving Flagon app 'server-app'\n * Debug mode: off\n")
    expect(await get(`${url}/`)).toEqual({ status: 200, body: 'hello, version 1' })
    expect(await cli.stop('SIGTERM')).toBe(0)
  })

  it('turns debug on with --debug, and the reloader with it', async (context) => {
    const dir = tempDir({ 'app.ts': 'fixture:server-app.ts', '.env': 'GREETING=from .env\n' })
    const cli = start(context, ['run', '--debug', '-p', '0'], { cwd: dir })
    const url = await runningUrl(cli)
    expect(cli.stderr()).toContain(' * Restarting with fs.watch\n')
    expect(cli.stderr()).toContain(' * Debug mode: on\n')
    expect(JSON.parse((await get(`${url}/env/GREETING`)).body)).toEqual({
      GREETING: 'from .env',
      debug: true,
    })
    expect(await cli.stop('SIGTERM')).toBe(0)
  })

  it('restarts with --reload when a source file changes, on the same port', async (context) => {
    const dir = tempDir({ 'app.ts': 'fixture:server-app.ts' })
    const cli = start(context, ['run', '--reload', '--port', '0'], { cwd: dir })
    const url = await runningUrl(cli)
    expect((await get(`${url}/`)).body).toBe('hello, version 1')

    const seen = cli.stderr().length
    const file = join(dir, 'app.ts')
    writeFileSync(file, readFileSync(file, 'utf8').replace('hello, version 1', 'hello, version 2'))
    await cli.waitForStderr(/ \* Detected change in 'app\.ts', reloading\n/, seen)
    expect(await runningUrl(cli, seen)).toBe(url)
    expect((await get(`${url}/`)).body).toBe('hello, version 2')
    expect(await cli.stop('SIGTERM')).toBe(0)
  })

  it('serves from N processes with --workers N, and stops them all on SIGTERM', async (context) => {
    const cli = start(context, ['--app', 'server-app.ts', 'run', '--workers', '2', '--port', '0'])
    const url = await runningUrl(cli)
    // Each worker prints its own line; wait for the second, so both accept.
    await cli.waitForStderr(/Running on[\s\S]*Running on/)
    const pids = new Set<string>()
    for (let i = 0; i < 20 && pids.size < 2; i++) pids.add((await get(`${url}/pid`)).body)
    expect(pids.size).toBe(2)
    expect(pids.has(String(cli.child.pid))).toBe(false)
    expect(await cli.stop('SIGTERM')).toBe(0)
    for (const pid of pids) expect(isAlive(Number(pid))).toBe(false)
  })

  it('refuses a port that is not a number (exit code 2)', async (context) => {
    const cli = start(context, ['--app', 'server-app.ts', 'run', '--port', 'http'])
    expect(await cli.exited).toBe(2)
    expect(cli.stderr()).toContain("Invalid value for '-p' / '--port': 'http' is not a port number")
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
