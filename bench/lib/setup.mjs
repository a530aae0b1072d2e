/**
 * What the benchmark needs on the machine: wrk and taskset from Debian (installed with apt-get when
 * missing), two cores, and a built @flagon/framework. Fails with what to do when one cannot be had.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

const has = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function aptInstall(packages) {
  process.stderr.write(`Installing ${packages.join(', ')} with apt-get …\n`)
  const sudo = process.getuid?.() === 0 ? [] : ['sudo']
  const run = (args) =>
    execFileSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit' })
  try {
    run(['apt-get', 'install', '-y', ...packages])
  } catch {
    run(['apt-get', 'update'])
    run(['apt-get', 'install', '-y', ...packages])
  }
}

/** Makes sure wrk (unless only checking), taskset, two cores and the framework's build are there. */
export function setup({ wrk = true } = {}) {
  const missing = [wrk && !has('wrk') ? 'wrk' : null, has('taskset') ? null : 'util-linux'].filter(Boolean)
  if (missing.length > 0) aptInstall(missing)
  if ((wrk && !has('wrk')) || !has('taskset')) {
    throw new Error(
      'The benchmark needs wrk and taskset: install them with `apt-get install -y wrk util-linux`.',
    )
  }
  if (availableParallelism() < 2) {
    throw new Error(
      'The benchmark pins the server and the load generator to two different cores; this machine has one.',
    )
  }
  const framework = fileURLToPath(new URL('../node_modules/@flagon/framework/dist/index.js', import.meta.url))
  if (!existsSync(framework)) {
    throw new Error(
      '@flagon/framework is not built: run `pnpm install && pnpm build` at the repository root first.',
    )
  }
}
