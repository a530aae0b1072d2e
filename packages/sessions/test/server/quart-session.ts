/**
 * Quart-Session's side of the interop tests: quart_session.py under Debian's /usr/bin/python3, with
 * python3-flask (its tagged JSON) and python3-redis. When they are missing they are installed with
 * apt-get, as CI runs as root on Debian with nothing else set up; the tests never skip.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ensureDebianPackages } from '../../../../scripts/debian-packages.js'

const PYTHON = '/usr/bin/python3'
const SCRIPT = fileURLToPath(new URL('./quart_session.py', import.meta.url))
const PACKAGES = ['python3-flask', 'python3-itsdangerous', 'python3-redis']

/** What Quart-Session's side is told: where the store is, and its settings. */
export interface QuartSessionSettings {
  /** `redis://…` or `host:port` for Memcached. */
  address: string
  prefix: string
  /** Seconds (PERMANENT_SESSION_LIFETIME). */
  lifetime: number
  /** SECRET_KEY with SESSION_USE_SIGNER; null without. */
  secret: string | null
}

/** A value as Python holds it: `[type name, value]`, containers described recursively. */
export type Described = [type: string, value: unknown]

/**
 * Makes sure `/usr/bin/python3` can import flask, itsdangerous and redis, installing Debian's packages if not.
 *
 * @throws Error when they cannot be installed.
 */
export function ensureQuartSessionSide(): void {
  if (canImport()) return
  ensureDebianPackages(PACKAGES)
  if (!canImport()) throw new Error(`${PYTHON} still cannot import flask and redis after apt-get install.`)
}

/** Quart-Session stores a new session (a fixed set of tagged types); its id and cookie. */
export function quartWrites(settings: QuartSessionSettings): { sid: string; cookie: string; record: string } {
  return run('write', settings)
}

/** Quart-Session opens the session a cookie names: the record, its TTL (Redis) and the data as Python sees it. */
export function quartReads(
  settings: QuartSessionSettings,
  cookie: string,
): { sid: string; record: string | null; ttl: number | null; data: Described | null } {
  return run('read', { ...settings, cookie })
}

/** A Quart view sets one key of the session a cookie names, and Quart-Session saves it whole. */
export function quartUpdates(
  settings: QuartSessionSettings,
  cookie: string,
  key: string,
  value: unknown,
): { record: string } {
  return run('update', { ...settings, cookie, key, value })
}

/** A Quart view clears the session a cookie names: Quart-Session deletes its record. */
export function quartLogsOut(settings: QuartSessionSettings, cookie: string): void {
  run('logout', { ...settings, cookie })
}

function run<T>(mode: string, request: unknown): T {
  const output = execFileSync(PYTHON, ['-I', SCRIPT, mode], {
    input: JSON.stringify(request),
    encoding: 'utf8',
  })
  return JSON.parse(output) as T
}

function canImport(): boolean {
  try {
    execFileSync(PYTHON, ['-I', '-c', 'import flask, itsdangerous, redis'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}
