/**
 * Finding the app, as Quart's `find_best_app` / `locate_app` do: `--app module[:name]`, else the
 * `FLAGON_APP` variable, else `app.ts` (or `src/app.ts`, or their `.js` twins) in the working directory.
 * A module is a file path; without a name, the module's export `app`, `application` or `default` is used,
 * else its only Flagon app, else a factory `createApp()` / `makeApp()`. TypeScript loads through tsx.
 */
import { existsSync, statSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Flagon } from '../app.js'
import { CommandError, CommandGroup } from './commands.js'

/**
 * Discovery failed: no app, several, or a module that could not be loaded. Exits with 2, as Quart's
 * `NoAppException` (a usage error) does.
 */
export class NoAppError extends CommandError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 2)
    this.name = 'NoAppError'
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** Where the app comes from: a module file and, optionally, the export (or factory call) in it. */
export interface AppLocation {
  /** The absolute path of the module. */
  file: string
  /** The export to use; undefined: look for one. */
  name: string | undefined
  /** Arguments for a factory given as `name(args)`. */
  args: unknown[] | undefined
  /** The module as it was named (the `--app` or `FLAGON_APP` value without `:name`, or a default file). */
  module: string
}

/** Options of `locateApp` and `loadApp`. */
export interface DiscoverOptions {
  /** The `--app` value; default the `FLAGON_APP` environment variable. */
  app?: string | undefined
  /** Where relative module paths are resolved and default files looked for; default the working directory. */
  cwd?: string
}

/** The files looked for when no app is named, in order. */
export const DEFAULT_APP_FILES = [
  'app.ts',
  'app.mts',
  'app.js',
  'app.mjs',
  'src/app.ts',
  'src/app.mts',
  'src/app.js',
  'src/app.mjs',
] as const

const EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx'])
const NAMES = ['app', 'application', 'default']
const FACTORIES = ['createApp', 'makeApp']

/**
 * Finds the app's module without loading it.
 * @throws NoAppError when no app is named and no default file exists, or the named module does not exist.
 */
export function locateApp(options: DiscoverOptions = {}): AppLocation {
  const cwd = options.cwd ?? process.cwd()
  const spec = options.app ?? (process.env.FLAGON_APP || undefined)
  if (spec === undefined) {
    const found = DEFAULT_APP_FILES.find((file) => existsSync(join(cwd, file)))
    if (!found) {
      throw new NoAppError(
        "Could not locate a Flagon application. Use the 'flagon --app' option, the 'FLAGON_APP' " +
          "environment variable, or an 'app.ts' or 'src/app.ts' file in the current directory.",
      )
    }
    return { file: join(cwd, found), name: undefined, args: undefined, module: found }
  }
  const { module, name, args } = parseAppSpec(spec)
  const file = resolveModule(module, cwd)
  if (!file) {
    throw new NoAppError(
      `Could not import '${module}': there is no such file relative to ${cwd} ` +
        `(also tried the extensions ${EXTENSIONS.join(', ')} and ${module}/index.*).`,
    )
  }
  return { file, name, args, module }
}

/**
 * Finds, imports and returns the app.
 * @throws NoAppError when discovery fails: no app, several apps, a missing export, an error while importing.
 */
export async function loadApp(options: DiscoverOptions = {}): Promise<Flagon> {
  const location = locateApp(options)
  const module = await importModule(location)
  return findApp(module, location)
}

/** Imports the app's module, registering tsx first when the file is TypeScript. */
export async function importModule(location: AppLocation): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.has(extname(location.file))) await registerTypeScript()
  try {
    return (await import(pathToFileURL(location.file).href)) as Record<string, unknown>
  } catch (error) {
    throw new NoAppError(
      `While importing '${moduleName(location)}', an error was raised:\n\n${usersStack(error)}`,
      {
        cause: error,
      },
    )
  }
}

/**
 * Picks the app out of a loaded module (Quart's `find_best_app`, or `find_app_by_string` with a name).
 * @throws NoAppError when there is none, several, or the named export is not an app or app factory.
 */
export async function findApp(module: Record<string, unknown>, location: AppLocation): Promise<Flagon> {
  const where = moduleName(location)
  if (location.name !== undefined) {
    if (!(location.name in module))
      throw new NoAppError(`Failed to find attribute '${location.name}' in '${where}'.`)
    const value = module[location.name]
    if (location.args !== undefined && typeof value !== 'function') {
      throw new NoAppError(`'${location.name}' in '${where}' is not a function, so it cannot be called.`)
    }
    const app = typeof value === 'function' ? await callFactory(value, location.args ?? [], location) : value
    if (!isFlagonApp(app)) {
      throw new NoAppError(`A valid Flagon application was not obtained from '${where}:${location.name}'.`)
    }
    return app
  }
  for (const name of NAMES) {
    if (isFlagonApp(module[name])) return module[name]
  }
  const apps = new Map<Flagon, string[]>()
  for (const [name, value] of Object.entries(module)) {
    if (isFlagonApp(value)) apps.set(value, [...(apps.get(value) ?? []), name])
  }
  if (apps.size === 1) return [...apps.keys()][0]!
  if (apps.size > 1) {
    const names = [...apps.values()]
      .map((aliases) => `'${aliases.sort()[0]}'`)
      .sort()
      .join(', ')
    throw new NoAppError(
      `Detected multiple Flagon applications in module '${where}' (${names}). ` +
        `Use 'flagon --app ${where}:name' to specify the correct one.`,
    )
  }
  for (const name of [...FACTORIES, 'default']) {
    const factory = module[name]
    if (typeof factory !== 'function' || isFlagonApp(factory)) continue
    const app = await callFactory(factory, [], { ...location, name })
    if (isFlagonApp(app)) return app
    throw new NoAppError(`The factory '${name}' in '${where}' did not return a Flagon application.`)
  }
  throw new NoAppError(
    `Failed to find a Flagon application or factory in module '${where}'. ` +
      `Export it as 'app', or a factory as 'createApp', or use 'flagon --app ${where}:name' to name it.`,
  )
}

/**
 * Splits `module[:name]` (name may be a call: `createApp("dev")`, its arguments read as JSON).
 * @throws NoAppError when the name or its arguments cannot be read.
 */
export function parseAppSpec(spec: string): {
  module: string
  name: string | undefined
  args: unknown[] | undefined
} {
  // The last colon followed by an identifier; a Windows drive letter (C:\...) is not one.
  const match = /^(.+):([A-Za-z_$][\w$]*)(?:\((.*)\))?$/s.exec(spec)
  if (!match) {
    if (/:[^\\/]*$/.test(spec) && !/^[A-Za-z]:[\\/]/.test(spec)) {
      throw new NoAppError(
        `'${spec}' is not a valid app name: write module:name, as in 'app.ts:app' or 'app.ts:createApp()'.`,
      )
    }
    return { module: spec, name: undefined, args: undefined }
  }
  const [, module, name, rawArgs] = match
  if (rawArgs === undefined) return { module: module!, name, args: undefined }
  try {
    return { module: module!, name, args: JSON.parse(`[${rawArgs}]`) as unknown[] }
  } catch {
    throw new NoAppError(
      `Failed to parse the arguments of '${name}(${rawArgs})' in '${spec}': write them as JSON values, as in createApp("dev", 2).`,
    )
  }
}

/** Whether `value` looks like a Flagon app (by shape, so an app built from another copy of the package counts). */
export function isFlagonApp(value: unknown): value is Flagon {
  if (typeof value !== 'object' || value === null) return false
  const app = value as Record<string, unknown>
  const urlMap = app.urlMap as { iterRules?: unknown } | undefined
  return (
    typeof app.run === 'function' &&
    typeof app.appContext === 'function' &&
    typeof urlMap?.iterRules === 'function' &&
    typeof app.name === 'string'
  )
}

/** The app's `cli` group, or an empty one when the app has none. */
export function appCommands(app: Flagon): CommandGroup {
  const cli = (app as { cli?: unknown }).cli
  const isGroup =
    cli instanceof CommandGroup ||
    (typeof cli === 'object' && cli !== null && typeof (cli as CommandGroup).invoke === 'function')
  return isGroup ? (cli as CommandGroup) : new CommandGroup()
}

let registered = false

// Under `node --import tsx` (or tsx's binary) TypeScript already loads; registering twice breaks
// CommonJS-mode files, so register only when nothing does.
async function registerTypeScript(): Promise<void> {
  if (registered) return
  registered = true
  const runningAsTypeScript = TYPESCRIPT.has(extname(new URL(import.meta.url).pathname))
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')
  if (runningAsTypeScript || /\btsx\b/.test(flags)) return
  const { register } = await import('tsx/esm/api')
  register()
}

async function callFactory(factory: Function, args: unknown[], location: AppLocation): Promise<unknown> {
  try {
    return await factory(...args)
  } catch (error) {
    throw new NoAppError(
      `Calling '${location.name}' in '${moduleName(location)}' raised an error:\n\n${usersStack(error)}`,
      { cause: error },
    )
  }
}

function resolveModule(module: string, cwd: string): string | undefined {
  const base = resolve(cwd, module)
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => join(base, `index${ext}`)),
  ]
  // TypeScript's ESM style names a .ts file by its .js twin.
  if (/\.[mc]?js$/.test(base)) candidates.push(base.replace(/js$/, 'ts'))
  return candidates.find((file) => existsSync(file) && statSync(file).isFile())
}

// The stack down to the user's code: the frames of node's module loader and of this CLI say nothing.
function usersStack(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split('\n')
  const cut = lines.findIndex((line) => /\(node:internal\/modules\/|\bcli[\\/]discover\.[jt]s/.test(line))
  return (cut === -1 ? lines : lines.slice(0, cut)).join('\n')
}

function moduleName(location: AppLocation): string {
  return location.module
}
