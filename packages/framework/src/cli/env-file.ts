/**
 * `.env` files, loaded by the CLI before it looks for the app (so `FLAGON_APP` may come from one), as
 * Quart does with python-dotenv: the `-e/--env-file` file first, then `.env`, then `.flagonenv` from the
 * working directory. A variable already set is never overwritten, so the environment wins over every
 * file and an earlier file over a later one. `FLAGON_SKIP_DOTENV=1` skips `.env` and `.flagonenv`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import * as util from 'node:util'

/** The files the CLI loads by default, in order. */
export const DEFAULT_ENV_FILES = ['.env', '.flagonenv'] as const

/** Options of `loadDotenv`. */
export interface LoadDotenvOptions {
  /** A file given with `-e/--env-file`, loaded first; it must exist. */
  path?: string | undefined
  /** Where `.env` and `.flagonenv` are looked for; default the working directory. */
  cwd?: string
  /** The environment to fill; default `process.env`. */
  env?: NodeJS.ProcessEnv
}

/**
 * Loads the env files the CLI would load, returning the paths that were read.
 * @throws Error when `path` is given but does not exist.
 */
export function loadDotenv(options: LoadDotenvOptions = {}): string[] {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const files: string[] = []
  if (options.path !== undefined) {
    const path = resolve(cwd, options.path)
    if (!existsSync(path)) throw new Error(`The env file '${options.path}' does not exist.`)
    files.push(path)
  }
  if (!skipDotenv(env)) {
    for (const name of DEFAULT_ENV_FILES) {
      const path = resolve(cwd, name)
      if (existsSync(path)) files.push(path)
    }
  }
  for (const path of files) loadEnvFile(path, env)
  return files
}

/** Sets each variable of the file at `path` that `env` does not have yet; returns the names set. */
export function loadEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const set: string[] = []
  for (const [name, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (env[name] !== undefined || value === undefined) continue
    env[name] = value
    set.push(name)
  }
  return set
}

/**
 * Reads the `NAME=value` lines of an env file: Node's own `util.parseEnv` where it exists (20.12+),
 * otherwise a small parser of the same format (comments, `export `, single, double and back quotes).
 */
export function parseEnv(content: string): Record<string, string | undefined> {
  const native = (util as { parseEnv?: (content: string) => Record<string, string | undefined> }).parseEnv
  return native ? native(content) : parseEnvSimply(content)
}

/** The fallback parser of `parseEnv`, exported for its tests: one `NAME=value` per line. */
export function parseEnvSimply(content: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const line of content.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    const raw = match[2]!
    const quote = raw[0]
    const end = quote === '"' || quote === "'" || quote === '`' ? raw.indexOf(quote, 1) : -1
    if (end > 0) {
      const value = raw.slice(1, end)
      result[match[1]!] = quote === '"' ? value.replaceAll('\\n', '\n') : value
    } else {
      result[match[1]!] = raw.replace(/(^|\s)#.*$/, '').trim()
    }
  }
  return result
}

// Flask's get_load_dotenv: any value but 0/false/no (or empty) skips the default files.
function skipDotenv(env: NodeJS.ProcessEnv): boolean {
  const value = env.FLAGON_SKIP_DOTENV
  if (!value) return false
  return !['0', 'false', 'no'].includes(value.toLowerCase())
}
