/**
 * A target's server process: spawned fresh for each run and pinned to the server core with taskset.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { pinned, SERVER_CORE } from './cores.mjs'
import { withOpenFiles } from './open-files.mjs'

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/**
 * Starts `node <file>` on the server core and resolves once it answers HTTP on `readyPath`
 * (any status), with the milliseconds that took: the cold start, spawn to first response.
 * `openFiles` makes room for that many open files (the idle-connection scenarios), and `nodeArgs`
 * go before the file.
 */
export async function startServer({ node, file, env, port, readyPath, openFiles, nodeArgs = [] }) {
  const t0 = performance.now()
  const args = [...nodeArgs, file]
  const command = openFiles ? withOpenFiles(openFiles, node, args) : [node, args]
  const child = spawn(...pinned(SERVER_CORE, ...command), {
    env: { ...process.env, ...env, PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  let exited = false
  child.once('exit', () => {
    exited = true
  })
  const deadline = t0 + 20_000
  for (;;) {
    if (exited) throw new Error(`${file} exited before it answered:\n${stderr}`)
    if (await answers(port, readyPath)) break
    if (performance.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${file} did not answer on port ${port} within 20 s:\n${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return {
    pid: child.pid,
    startMs: performance.now() - t0,
    stderr: () => stderr,
    async stop() {
      if (exited) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await gone
    },
  }
}

function answers(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume()
      res.once('end', () => resolve(true))
    })
    req.once('error', () => resolve(false))
    req.end()
  })
}
