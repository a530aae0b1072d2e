/**
 * `flagon run`: the development server (Quart's `run_command`). It loads the app and calls `app.run()`,
 * which prints ` * Running on http://…` and stops gracefully on SIGINT/SIGTERM. With `--reload` (the
 * default in debug mode) a supervisor restarts it when a source changes (reload.ts); with `--workers N`
 * node:cluster shares the port between N processes (workers.ts).
 */
import cluster from 'node:cluster'
import { createServer } from 'node:net'
import { dirname } from 'node:path'
import { Command, UsageError } from './commands.js'
import { locateApp } from './discover.js'
import {
  APP_OPTIONS,
  DEBUG_OPTIONS,
  debugFlag,
  type GlobalOptions,
  loadEnvironment,
  prepareApp,
  withCommandOptions,
} from './options.js'
import { runWithReloader } from './reload.js'
import { runWorkers } from './workers.js'

/** The environment variable that marks the process the reloader started (Werkzeug's `WERKZEUG_RUN_MAIN`). */
export const RELOADER_CHILD_ENV = 'FLAGON_RUN_MAIN'

/** What `flagon run` was asked to do, with the defaults applied. */
export interface RunSettings {
  app: string | undefined
  envFile: string | undefined
  /** Undefined: the app's own DEBUG setting. */
  debug: boolean | undefined
  host: string | undefined
  /** Undefined: the app's default (5000, or SERVER_NAME's port). */
  port: number | undefined
  reload: boolean
  workers: number
}

/**
 * The `run` command. `globals` are the options given before it; `originalEnv` is the environment
 * before the env files were loaded, which the reloader gives each new process so edits to `.env` apply.
 */
export function runCommand(globals: GlobalOptions, originalEnv: NodeJS.ProcessEnv): Command<any> {
  return new Command(
    'run',
    {
      description: 'Run a development server.',
      withAppContext: false,
      options: {
        host: {
          type: 'string',
          short: 'h',
          description: 'The interface to bind to (default 127.0.0.1, or FLAGON_RUN_HOST).',
        },
        port: {
          type: 'string',
          short: 'p',
          description: 'The port to bind to (default 5000, or FLAGON_RUN_PORT).',
        },
        ...DEBUG_OPTIONS,
        reload: {
          type: 'boolean',
          description: 'Restart when a source file changes (default: on in debug mode).',
        },
        'no-reload': { type: 'boolean', description: 'Do not restart when a source file changes.' },
        workers: {
          type: 'string',
          short: 'w',
          metavar: 'N',
          description: 'Serve with N processes (node:cluster).  [default: 1]',
        },
        ...APP_OPTIONS,
      },
    },
    async ({ values }) => {
      const options = withCommandOptions(globals, values)
      loadEnvironment(options)
      const debug = debugFlag(options)
      const settings: RunSettings = {
        app: options.app,
        envFile: options.envFile,
        debug,
        host: values.host ?? (process.env.FLAGON_RUN_HOST || undefined),
        port: parsePort(values.port ?? (process.env.FLAGON_RUN_PORT || undefined)),
        reload: values.reload === true ? true : values['no-reload'] === true ? false : (debug ?? false),
        workers: parseWorkers(values.workers ?? (process.env.FLAGON_RUN_WORKERS || '1')),
      }
      if (settings.reload && process.env[RELOADER_CHILD_ENV] !== 'true')
        return superviseWithReloader(settings, originalEnv)
      if (settings.workers > 1 && cluster.isPrimary) return runWorkers(settings.workers)
      return serve(settings)
    },
  )
}

/** Loads the app and serves it with `app.run()`; the returned promise never settles (run() exits the process). */
export async function serve(settings: RunSettings): Promise<never> {
  const app = await prepareApp(settings)
  const managed = cluster.isWorker || process.env[RELOADER_CHILD_ENV] === 'true'
  // Tell the reloader where the app lives, so it watches that too; a reloader already gone is no error.
  if (managed && !cluster.isWorker && process.connected) {
    process.send?.({ flagon: 'rootPath', rootPath: app.rootPath }, undefined, undefined, () => {})
  }
  await app.run({
    ...(settings.host !== undefined && { host: settings.host }),
    ...(settings.port !== undefined && { port: settings.port }),
    ...(settings.debug !== undefined && { debug: settings.debug }),
  })
  if (managed) superviseSignals()
  return new Promise<never>(() => {})
}

async function superviseWithReloader(settings: RunSettings, originalEnv: NodeJS.ProcessEnv): Promise<number> {
  const location = locateApp({ app: settings.app })
  // A port picked once, so every restart listens where the first one did.
  const port = settings.port === 0 ? await freePort(settings.host ?? '127.0.0.1') : settings.port
  return runWithReloader({
    args: childArgs({ ...settings, port }),
    env: { ...originalEnv, [RELOADER_CHILD_ENV]: 'true' },
    roots: [dirname(location.file)],
  })
}

// In a process the reloader or the cluster primary started, the parent decides when to stop: run()
// stops gracefully on the first signal, and a second one (Ctrl+C reaches the whole process group, then
// the parent forwards it) must not kill the process halfway. If the parent dies, stop too.
function superviseSignals(): void {
  const absorb = () => {}
  process.on('SIGINT', absorb)
  process.on('SIGTERM', absorb)
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}

function childArgs(settings: RunSettings): string[] {
  const args = ['run', '--no-reload']
  if (settings.app !== undefined) args.push('--app', settings.app)
  if (settings.envFile !== undefined) args.push('--env-file', settings.envFile)
  if (settings.debug !== undefined) args.push(settings.debug ? '--debug' : '--no-debug')
  if (settings.host !== undefined) args.push('--host', settings.host)
  if (settings.port !== undefined) args.push('--port', String(settings.port))
  if (settings.workers > 1) args.push('--workers', String(settings.workers))
  return args
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`Invalid value for '-p' / '--port': '${value}' is not a port number (0 to 65535).`)
  }
  return port
}

function parseWorkers(value: string): number {
  const workers = Number(value)
  if (!/^\d+$/.test(value) || workers < 1) {
    throw new UsageError(
      `Invalid value for '-w' / '--workers': '${value}' is not a whole number of at least 1.`,
    )
  }
  return workers
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
