/**
 * The options every `flagon` command shares (Quart's `--app`, `-e/--env-file`, `--debug/--no-debug`), and
 * what they do before a command runs: load the env files, set `FLAGON_DEBUG`, find the app.
 */
import type { Flagon } from '../app.js'
import type { CommandOptions } from './commands.js'
import { UsageError } from './commands.js'
import { loadApp } from './discover.js'
import { loadDotenv } from './env-file.js'

/** The shared options, as given on the command line. */
export interface GlobalOptions {
  app?: string | undefined
  envFile?: string | undefined
  debug?: boolean | undefined
}

/** `--app` and `--env-file`, which `run` and `routes` also accept after their name. */
export const APP_OPTIONS = {
  app: {
    type: 'string',
    short: 'A',
    metavar: 'MODULE[:NAME]',
    description:
      'The app to load: a module path, optionally :name or :factory(). Default FLAGON_APP, else app.ts or src/app.ts.',
  },
  'env-file': {
    type: 'string',
    short: 'e',
    metavar: 'FILE',
    description: 'Load environment variables from this file, then .env and .flagonenv; set variables win.',
  },
} as const satisfies CommandOptions

/** `--debug` and `--no-debug`. */
export const DEBUG_OPTIONS = {
  debug: { type: 'boolean', description: 'Set debug mode (FLAGON_DEBUG).' },
  'no-debug': { type: 'boolean', description: 'Unset debug mode.' },
} as const satisfies CommandOptions

/** The shared options given after a command's name override those given before it. */
export function withCommandOptions(globals: GlobalOptions, values: Record<string, unknown>): GlobalOptions {
  const debug = values['no-debug'] === true ? false : values.debug === true ? true : undefined
  return {
    app: (values.app as string | undefined) ?? globals.app,
    envFile: (values['env-file'] as string | undefined) ?? globals.envFile,
    debug: debug ?? globals.debug,
  }
}

let environmentLoaded = false

/**
 * Loads the env files (once) and records `--debug`/`--no-debug` in `FLAGON_DEBUG`, so that the app's
 * module and any child process see it.
 * @throws UsageError when the `--env-file` file does not exist.
 */
export function loadEnvironment(options: GlobalOptions): void {
  if (!environmentLoaded) {
    environmentLoaded = true
    try {
      loadDotenv({ path: options.envFile })
    } catch (error) {
      throw new UsageError(`Invalid value for '-e' / '--env-file': ${(error as Error).message}`)
    }
  }
  if (options.debug !== undefined) process.env.FLAGON_DEBUG = options.debug ? '1' : '0'
}

/** Debug mode as the command line and `FLAGON_DEBUG` set it; undefined leaves the app's config alone. */
export function debugFlag(options: GlobalOptions): boolean | undefined {
  if (options.debug !== undefined) return options.debug
  const value = process.env.FLAGON_DEBUG
  if (value === undefined || value === '') return undefined
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase())
}

/** Loads the environment, then the app, with DEBUG set from `--debug` or `FLAGON_DEBUG` when given. */
export async function prepareApp(options: GlobalOptions): Promise<Flagon> {
  loadEnvironment(options)
  const app = await loadApp({ app: options.app })
  const debug = debugFlag(options)
  if (debug !== undefined) app.config.DEBUG = debug
  return app
}
