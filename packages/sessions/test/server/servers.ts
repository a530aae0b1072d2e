/**
 * Real Redis and Memcached servers for the tests: installed from Debian's packages when missing,
 * started on free loopback ports without persistence, stopped (and restarted on the same port, for the
 * fault tests) on demand. Besides a plain Redis: one that speaks only TLS, with a certificate from a CA
 * made for the test, and a Redis Cluster of three masters. Every process started here is killed when the
 * test file's process exits; its temporary directories are removed then, or by the next test process.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ensureDebianPackages } from '../../../../scripts/debian-packages.js'

/** A server process on a fixed port. */
export interface TestServer {
  readonly port: number
  /** `redis://127.0.0.1:N`, `rediss://127.0.0.1:N` or `127.0.0.1:N`. */
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

/** A Redis server that accepts only TLS, with a certificate for `127.0.0.1` signed by a throwaway CA. */
export interface TlsTestServer extends TestServer {
  /** The CA's certificate (PEM): what a client must trust, e.g. ioredis's `tls: { ca }`. */
  readonly ca: string
  /** The same certificate, as a file (for `NODE_EXTRA_CA_CERTS`, or `redis-cli --cacert`). */
  readonly caFile: string
}

/** A Redis Cluster of three masters, each holding a third of the slots, no replicas. */
export interface TestCluster {
  readonly nodes: readonly TestServer[]
  /** The masters' addresses, for `new Cluster(cluster.startupNodes)`. */
  readonly startupNodes: ReadonlyArray<{ host: string; port: number }>
  /** Kills every node. */
  stop(): Promise<void>
}

const execFileAsync = promisify(execFile)
const running = new Set<ChildProcess>()
const directories: string[] = []
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
})

// Redis without persistence: the tests' records live only as long as the server.
const ephemeral = { bind: '127.0.0.1', save: '', appendonly: 'no' }

/** A Redis server with no persistence, on a free loopback port. */
export function startRedis(): Promise<TestServer> {
  ensureInstalled('redis-server')
  return startServer(
    (port) => ['redis-server', redisOptions({ port, ...ephemeral, dir: '/tmp' })],
    (port) => `redis://127.0.0.1:${port}`,
  )
}

/**
 * A Redis server on a free loopback port that speaks only TLS (`--port 0` closes the plain port). Its
 * certificate names `127.0.0.1` and is signed by a CA made here with `openssl`, trusted by nothing else:
 * a client connects only if it is given {@link TlsTestServer.ca}, so the tests prove the verification.
 */
export async function startRedisTls(): Promise<TlsTestServer> {
  ensureInstalled('redis-server', 'openssl')
  const dir = temporaryDirectory('tls')
  makeCertificates(dir)
  const tls = {
    'tls-cert-file': join(dir, 'server.pem'),
    'tls-key-file': join(dir, 'server.key'),
    'tls-ca-cert-file': join(dir, 'ca.pem'),
    'tls-auth-clients': 'no',
  }
  const server = await startServer(
    (port) => ['redis-server', redisOptions({ port: 0, 'tls-port': port, ...tls, ...ephemeral, dir })],
    (port) => `rediss://127.0.0.1:${port}`,
  )
  const caFile = join(dir, 'ca.pem')
  return Object.assign(server, { ca: readFileSync(caFile, 'utf8'), caFile })
}

/**
 * A Redis Cluster of three masters on free loopback ports, joined by `redis-cli --cluster create`;
 * resolves once every node reports `cluster_state:ok` (two to four seconds: redis-cli waits in whole
 * seconds for the nodes to agree).
 */
export async function startRedisCluster(): Promise<TestCluster> {
  ensureInstalled('redis-server', 'redis-cli')
  const dir = temporaryDirectory('cluster')
  // Each node needs a second port for the cluster bus (port + 10000 unless told, which may be taken).
  const ports = await freePorts(6)
  const nodes = await Promise.all(
    [0, 1, 2].map((i) =>
      startServer(
        (port) => [
          'redis-server',
          redisOptions({
            port,
            'cluster-enabled': 'yes',
            'cluster-port': ports[i + 3]!,
            'cluster-config-file': join(dir, `nodes-${port}.conf`),
            ...ephemeral,
            dir,
          }),
        ],
        (port) => `redis://127.0.0.1:${port}`,
        ports[i],
      ),
    ),
  )
  const cluster: TestCluster = {
    nodes,
    startupNodes: nodes.map(({ port }) => ({ host: '127.0.0.1', port })),
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()))
    },
  }
  try {
    const addresses = nodes.map(({ port }) => `127.0.0.1:${port}`)
    await execFileAsync(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      { timeout: 15_000 },
    )
    await waitForClusterState(nodes)
  } catch (error) {
    await cluster.stop()
    throw error
  }
  return cluster
}

/** A Memcached server on a free loopback port (TCP only). */
export function startMemcached(): Promise<TestServer> {
  ensureInstalled('memcached')
  // Memcached refuses to run as root unless told which user to become.
  const user = userInfo().uid === 0 ? ['-u', 'root'] : []
  return startServer(
    (port) => ['memcached', ['-p', String(port), '-U', '0', '-l', '127.0.0.1', ...user]],
    (port) => `127.0.0.1:${port}`,
  )
}

async function startServer(
  command: (port: number) => [string, string[]],
  address: (port: number) => string,
  given?: number,
): Promise<TestServer> {
  const port = given ?? (await freePorts(1))[0]!
  const [bin, args] = command(port)
  let child: ChildProcess | undefined
  const server: TestServer = {
    port,
    address: address(port),
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

// A CA (EC P-256, valid for a day) and a server certificate it signs for the IP 127.0.0.1, which is
// what Node checks the certificate against when it connects to 127.0.0.1: ca.pem, server.pem, server.key.
function makeCertificates(dir: string): void {
  const openssl = (args: string) => execFileSync('openssl', args.split(' '), { cwd: dir, stdio: 'pipe' })
  const newKey = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'
  openssl(`req -x509 ${newKey} -subj /CN=flagon-test-ca -days 1 -keyout ca.key -out ca.pem`)
  openssl(`req -new ${newKey} -subj /CN=127.0.0.1 -keyout server.key -out server.csr`)
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n')
  const signedByCa = '-CA ca.pem -CAkey ca.key -CAcreateserial'
  openssl(`x509 -req -in server.csr ${signedByCa} -days 1 -extfile server.ext -out server.pem`)
}

// redis-server's command line: `--name value` for each option.
function redisOptions(options: Record<string, string | number>): string[] {
  return Object.entries(options).flatMap(([name, value]) => [`--${name}`, String(value)])
}

async function waitForClusterState(nodes: readonly TestServer[]): Promise<void> {
  const deadline = Date.now() + 10_000
  let states: string[] = []
  while (Date.now() < deadline) {
    states = await Promise.all(
      nodes.map(async ({ port }) => {
        const { stdout } = await execFileAsync('redis-cli', ['-p', String(port), 'cluster', 'info'])
        return /^cluster_state:(\w+)/m.exec(stdout)?.[1] ?? 'unknown'
      }),
    )
    if (states.every((state) => state === 'ok')) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`The Redis Cluster did not come up within 10 s: cluster_state is ${states.join(', ')}.`)
}

// The test runner kills its workers, so the exit handler above often does not run: each new directory is
// named after its process, and the directories of processes that are gone are removed first.
function temporaryDirectory(kind: string): string {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^flagon-redis-\w+-(\d+)-/.exec(name)?.[1])
    if (pid && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true })
  }
  const directory = mkdtempSync(join(tmpdir(), `flagon-redis-${kind}-${process.pid}-`))
  directories.push(directory)
  return directory
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// Debian's package for each command the tests run.
const packageOf: Record<string, string> = {
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  memcached: 'memcached',
  openssl: 'openssl',
}

function ensureInstalled(...bins: string[]): void {
  ensureDebianPackages(bins.map((bin) => packageOf[bin] ?? bin))
}

// Listening on them all at once, so that the n ports differ.
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer().listen(0, '127.0.0.1'))
  await Promise.all(servers.map((server) => once(server, 'listening')))
  const ports = servers.map((server) => (server.address() as { port: number }).port)
  await Promise.all(servers.map((server) => once(server.close(), 'close')))
  return ports
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
