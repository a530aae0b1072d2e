/** HTTP load: Debian's wrk on the load core, one thread, reporting through wrk-report.lua. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LOAD_CORE, pinned } from './cores.mjs'

const script = fileURLToPath(new URL('./wrk-report.lua', import.meta.url))

/** Runs wrk for `seconds` against `url` and resolves with its summary. */
export function wrk({ url, seconds, connections, headers = {} }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url)
  return new Promise((resolve, reject) => {
    execFile(
      ...pinned(LOAD_CORE, 'wrk', args),
      { timeout: (seconds + 30) * 1000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '))
        if (error || !line)
          return reject(new Error(`wrk ${args.join(' ')} failed: ${(stderr || stdout).split('\n')[0]}`))
        resolve(JSON.parse(line.slice('WRK_JSON '.length)))
      },
    )
  })
}
