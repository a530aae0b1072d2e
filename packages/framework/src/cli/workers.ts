/**
 * `flagon run --workers N`: this process becomes the node:cluster primary and forks N workers, each of
 * which loads the app and calls `app.run()`; the primary shares the listening socket between them. On
 * SIGINT or SIGTERM every worker is asked to stop gracefully; if one dies on its own, the others are
 * stopped too, so a broken app does not keep serving from fewer processes than asked for.
 */
import cluster, { type Worker } from 'node:cluster'

/** Options of `runWorkers`. */
export interface WorkersOptions {
  /** Seconds a worker may take to stop before it is killed (default 40: SHUTDOWN_TIMEOUT and some). */
  stopTimeout?: number
}

/**
 * Forks `count` workers (each runs this CLI again, with the same arguments) and resolves with the exit
 * code once all have exited: 0 after a signal, otherwise the first failing worker's code.
 */
export function runWorkers(count: number, options: WorkersOptions = {}): Promise<number> {
  const stopTimeout = options.stopTimeout ?? 40
  process.stderr.write(` * Starting ${count} workers (node:cluster)\n`)
  const workers = new Set<Worker>()
  for (let i = 0; i < count; i++) workers.add(cluster.fork())

  return new Promise((resolve) => {
    let stopping = false
    let exitCode = 0
    const stopAll = (code: number) => {
      if (stopping) return
      stopping = true
      exitCode = code
      for (const worker of workers) worker.process.kill('SIGTERM')
      setTimeout(() => {
        for (const worker of workers) worker.process.kill('SIGKILL')
      }, stopTimeout * 1000).unref()
    }
    const onSignal = () => stopAll(0)
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    cluster.on('exit', (worker, code, signal) => {
      workers.delete(worker)
      if (!stopping) {
        process.stderr.write(
          ` * Worker ${worker.process.pid} stopped (${signal ?? `exit code ${code}`}); stopping the others.\n`,
        )
        stopAll(code || 1)
      }
      if (workers.size === 0) {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        resolve(exitCode)
      }
    })
  })
}
