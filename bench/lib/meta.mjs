/** What a report says about the run: the machine, the versions, the commit. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, release } from 'node:os'
import { fileURLToPath } from 'node:url'

const bench = fileURLToPath(new URL('../', import.meta.url))

const packageVersion = (name) => {
  try {
    return JSON.parse(readFileSync(`${bench}node_modules/${name}/package.json`, 'utf8')).version
  } catch {
    return 'unknown'
  }
}

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: bench, encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

/** The machine, wrk's version, Flagon's commit, and the versions of the `targets`' packages. */
export function runMeta(targets) {
  return {
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, kernel: release() },
    harnessNode: process.version,
    wrk: execFileSync('sh', ['-c', 'wrk --version 2>&1 | head -1'], { encoding: 'utf8' }).split(' ')[1] ?? '',
    flagonCommit: git('rev-parse', '--short', 'HEAD')
      ? `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', '../packages') ? ' (with uncommitted changes)' : ''}`
      : 'an unknown commit (no git)',
    versions: Object.fromEntries(
      [...new Set(targets.flatMap((t) => t.packages))].map((name) => [name, packageVersion(name)]),
    ),
  }
}
