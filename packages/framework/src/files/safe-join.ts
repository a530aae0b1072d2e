/**
 * Joining untrusted path parts onto a trusted directory, as Werkzeug's `safe_join`: the guard in
 * front of `sendFromDirectory` and the static route. A part that could leave the directory makes
 * the whole join null, and the caller answers 404.
 */
import { join, posix } from 'node:path'

/**
 * Joins `paths` (from the URL) onto `directory` (from the app), or returns null when a part is
 * absolute, climbs out with `..`, or holds a backslash, a NUL, a drive letter (`C:`) or, on
 * Windows, a device name (`CON`, `NUL.txt`). The checks are the same on every platform except the
 * device names, so an app behaves alike wherever it runs. Symbolic links inside the directory are
 * followed, as Werkzeug does.
 *
 * @example
 * safeJoin('/srv/static', 'css/site.css') // '/srv/static/css/site.css'
 * safeJoin('/srv/static', '../secret')    // null
 */
export function safeJoin(directory: string, ...paths: string[]): string | null {
  // An empty directory would make the first untrusted part the root of the path (Werkzeug).
  const parts = [directory || '.']
  for (const path of paths) {
    if (isUnsafe(path)) return null
    const normalized = path === '' ? '' : posix.normalize(path)
    if (normalized === '..' || normalized.startsWith('../') || posix.isAbsolute(normalized)) return null
    parts.push(normalized)
  }
  return join(...parts)
}

function isUnsafe(part: string): boolean {
  if (part.includes('\\') || part.includes('\0') || /^[a-z]:/i.test(part)) return true
  return process.platform === 'win32' && part.split('/').some(isWindowsDevice)
}

const WINDOWS_DEVICES = /^(con|prn|aux|nul|com\d|lpt\d)$/i

function isWindowsDevice(segment: string): boolean {
  return WINDOWS_DEVICES.test(segment.split('.')[0]!.trim())
}
