/**
 * Room for many open sockets. Node raises its own soft limit on open files to the hard limit at
 * start, so only the hard limit matters: when it is below what a run needs, prlimit raises it for
 * the one command if this process may (root with CAP_SYS_RESOURCE), and otherwise we say how.
 */
import { execFileSync } from 'node:child_process'

const hardLimit = () => Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim())

const canRaise = (needed) => {
  try {
    execFileSync('prlimit', [`--nofile=${needed}:${needed}`, 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * `[command, args]` unchanged when `needed` files can be open, else wrapped in prlimit.
 * @throws Error when the hard limit is too low and this process cannot raise it
 */
export function withOpenFiles(needed, command, args) {
  const hard = hardLimit()
  if (!Number.isFinite(hard) || hard >= needed) return [command, args]
  if (!canRaise(needed)) {
    throw new Error(
      `The idle-connection scenarios hold ${needed} files open, and the hard limit on open files is ${hard}, ` +
        `which this user cannot raise: raise it (\`ulimit -Hn ${needed}\` as root, or limits.conf), ` +
        'or leave those scenarios out with --scenarios.',
    )
  }
  return ['prlimit', [`--nofile=${needed}:${needed}`, command, ...args]]
}
