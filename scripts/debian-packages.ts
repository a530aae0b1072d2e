/**
 * Debian packages the tests use (redis-server, memcached, Flask for the interop tests, chromium for
 * the docs site), installed with apt-get when missing: CI runs as root on a fresh Debian machine,
 * and no test skips for want of a service.
 */
import { execFileSync } from 'node:child_process'

/** Every package the test suite needs, installed once before any test file runs. */
export const TEST_PACKAGES = [
  'redis-server',
  'redis-tools',
  'memcached',
  'openssl',
  'python3-flask',
  'python3-itsdangerous',
  'python3-redis',
  'chromium',
]

/**
 * Installs those of `packages` that are not installed. Several test files may ask at once: apt-get
 * waits for the others' lock (up to 5 minutes) instead of failing.
 * @throws Error when apt-get cannot install them (not root, no network to Debian's mirrors).
 */
export function ensureDebianPackages(packages: readonly string[]): void {
  const missing = packages.filter((name) => !isInstalled(name))
  if (missing.length === 0) return
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const apt = (...args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, stdio: 'pipe' })
  const install = () => apt('install', '-y', '--no-install-recommends', ...missing)
  try {
    install()
  } catch {
    // A fresh machine has no package lists yet.
    apt('update')
    install()
  }
  const still = missing.filter((name) => !isInstalled(name))
  if (still.length > 0) throw new Error(`${still.join(', ')} still not installed after apt-get install.`)
}

function isInstalled(name: string): boolean {
  try {
    // dpkg-query's own format syntax, not a template placeholder.
    const format = '-f=$' + '{Status}'
    return execFileSync('dpkg-query', ['-W', format, name], { encoding: 'utf8' }).includes(
      'install ok installed',
    )
  } catch {
    return false
  }
}
