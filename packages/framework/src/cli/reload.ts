/**
 * The reloader of `flagon run --reload`, Werkzeug's idea on node: this process never loads the app; it
 * starts `flagon run --no-reload` as a child process, watches the app's sources, and on a change (after
 * a short debounce, so a save that touches several files restarts once) stops the child gracefully and
 * starts a new one. A child that crashes is restarted on the next change.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { relative } from 'node:path'
import { SourceWatcher } from './watch.js'

/** How to start the child and what to watch. */
export interface ReloaderOptions {
  /** The CLI arguments of the child (after the script). */
  args: string[]
  env: NodeJS.ProcessEnv
  /** The directories whose sources are watched; the child adds the app's rootPath when it has loaded. */
  roots: string[]
  /** Milliseconds to wait for more changes before restarting. */
  debounce?: number
  /** Seconds a child may take to stop before it is killed. */
  stopTimeout?: number
}

/** Runs the app under the reloader until SIGINT or SIGTERM; resolves with the exit code (0). */
export function runWithReloader(options: ReloaderOptions): Promise<number> {
  const debounce = options.debounce ?? 100
  const stopTimeout = options.stopTimeout ?? 5
  let child: ChildProcess | undefined
  let pending: NodeJS.Timeout | undefined
  let restarting: Promise<void> | undefined
  let stopping = false

  const start = () => {
    const current = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...options.args], {
      env: options.env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    })
    current.on('message', (message: { flagon?: string; rootPath?: unknown }) => {
      if (message?.flagon === 'rootPath' && typeof message.rootPath === 'string')
        watcher.add(message.rootPath)
    })
    current.on('error', (error) => process.stderr.write(` * Could not start the app: ${error.message}\n`))
    current.on('exit', (code, signal) => {
      if (current !== child || stopping || restarting) return
      process.stderr.write(
        ` * The app stopped (${signal ?? `exit code ${code}`}); it restarts when a source file changes.\n`,
      )
    })
    child = current
  }

  const restart = async (file: string) => {
    process.stderr.write(` * Detected change in '${relative(process.cwd(), file)}', reloading\n`)
    if (child) await stopChild(child, stopTimeout)
    if (!stopping) start()
  }

  const watcher = new SourceWatcher((file) => {
    if (stopping) return
    clearTimeout(pending)
    pending = setTimeout(() => {
      // Changes during a restart queue one more restart after it.
      const previous = restarting ?? Promise.resolve()
      const next = previous.then(() => restart(file))
      restarting = next
      void next.finally(() => {
        if (restarting === next) restarting = undefined
      })
    }, debounce)
  })
  for (const root of options.roots) watcher.add(root)

  process.stderr.write(' * Restarting with fs.watch\n')
  start()

  return new Promise((resolve) => {
    const stop = async () => {
      if (stopping) return
      stopping = true
      clearTimeout(pending)
      watcher.close()
      await restarting
      if (child) await stopChild(child, stopTimeout)
      resolve(0)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/** Sends SIGTERM, waits for the exit, and kills the child if it takes longer than `timeout` seconds. */
function stopChild(child: ChildProcess, timeout: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout * 1000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
