/**
 * Real Redis and Memcached servers for the tests: installed from Debian's packages when missing,
 * started on free loopback ports without persistence, stopped (and restarted on the same port, for the
 * fault tests) on demand. Every process started here is killed when the test file's process exits.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { userInfo } from 'node:os'

/** A server process on a fixed port. */
export interface TestServer {
  readonly port: number
  /** `redis://127.0.0.1:N` or `127.0.0.1:N`. */
  readonly address: string
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>
  /** Starts it again on the same port; resolves when it accepts connections. */
  start(): Promise<void>
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  pause(): void
  /** Unfreezes it (SIGCONT). */
  resume(): void
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/** A Redis server with no persistence, on a free loopback port. */
export function startRedis(): Promise<TestServer> {
  ensureInstalled('redis-server')
  return startServer('redis', (port) => [
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
  ])
}

/** A Memcached server on a free loopback port (TCP only). */
export function startMemcached(): Promise<TestServer> {
  ensureInstalled('memcached')
  // Memcached refuses to run as root unless told which user to become.
  const user = userInfo().uid === 0 ? ['-u', 'root'] : []
  return startServer('memcached', (port) => [
    'memcached',
    ['-p', String(port), '-U', '0', '-l', '127.0.0.1', ...user],
  ])
}

async function startServer(
  kind: 'redis' | 'memcached',
  command: (port: number) => [string, string[]],
): Promise<TestServer> {
  const port = await freePort()
  const [bin, args] = command(port)
  let child: ChildProcess | undefined
  const server: TestServer = {
    port,
    address: kind === 'redis' ? `redis://127.0.0.1:${port}` : `127.0.0.1:${port}`,
    async start() {
      // setpriv (util-linux) has the kernel kill the server when this test process ends, however it
      // ends: an exit handler does not run when the test runner kills its worker.
      const started = spawn('setpriv', ['--pdeathsig', 'KILL', '--', bin, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      started.stderr?.on('data', (chunk) => {
        stderr += chunk
      })
      running.add(started)
      started.once('exit', () => running.delete(started))
      child = started
      try {
        await waitForPort(port, started)
      } catch (error) {
        started.kill('SIGKILL')
        throw new Error(`${bin} did not start on port ${port}: ${(error as Error).message}\n${stderr}`)
      }
    },
    async stop() {
      const stopping = child
      child = undefined
      if (!stopping || stopping.exitCode !== null || stopping.signalCode !== null) return
      const exited = once(stopping, 'exit')
      stopping.kill('SIGCONT')
      stopping.kill('SIGKILL')
      await exited
    },
    pause() {
      child?.kill('SIGSTOP')
    },
    resume() {
      child?.kill('SIGCONT')
    },
  }
  await server.start()
  return server
}

function ensureInstalled(bin: string): void {
  if (hasCommand(bin)) return
  // CI runs as root on Debian with nothing preinstalled; several test files may get here at once.
  const install = () =>
    execFileSync(
      'apt-get',
      [
        '-o',
        'DPkg::Lock::Timeout=300',
        'install',
        '-y',
        '--no-install-recommends',
        'redis-server',
        'memcached',
      ],
      { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    )
  try {
    install()
  } catch {
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { stdio: 'ignore' })
    install()
  }
  if (!hasCommand(bin)) throw new Error(`${bin} is still missing after apt-get install.`)
}

function hasCommand(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error('it did not accept connections within 10 s')
}
