/**
 * The real Flask, for the interop tests: Debian's python3-flask and python3-itsdangerous under
 * /usr/bin/python3 (not whatever python is first on PATH). When they are missing they are installed
 * with apt-get, as CI runs as root on Debian with nothing else set up; the tests never skip.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ensureDebianPackages } from '../../../../scripts/debian-packages.js'

/** The interpreter Debian's packages belong to. */
export const PYTHON = '/usr/bin/python3'

const SCRIPT = fileURLToPath(new URL('./flask_cookies.py', import.meta.url))

/**
 * Makes sure `/usr/bin/python3` can import flask and itsdangerous, installing Debian's packages if not.
 *
 * @throws Error when they cannot be installed.
 */
export function ensureFlask(): void {
  if (canImportFlask()) return
  ensureDebianPackages(['python3-flask', 'python3-itsdangerous'])
  if (!canImportFlask()) throw new Error(`${PYTHON} still cannot import flask after apt-get install.`)
}

/** Runs flask_cookies.py in one process for a whole batch of cases, and returns its results. */
export function runFlask<T>(mode: 'make' | 'load' | 'sign', timestamp: number, cases: unknown[]): T[] {
  const output = execFileSync(PYTHON, ['-I', SCRIPT, mode], {
    input: JSON.stringify({ timestamp, cases }),
    encoding: 'utf8',
  })
  return JSON.parse(output) as T[]
}

function canImportFlask(): boolean {
  try {
    execFileSync(PYTHON, ['-I', '-c', 'import flask, itsdangerous'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}
