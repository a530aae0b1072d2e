/**
 * Vitest's global setup: installs the Debian packages of the whole suite before any test file runs.
 * Installed by each file on its own, they waited on one another's apt lock longer than a file's hooks
 * may take.
 */
import { ensureDebianPackages, TEST_PACKAGES } from './debian-packages.js'

export default function setup(): void {
  ensureDebianPackages(TEST_PACKAGES)
}
