/** HTTP load: Debian's wrk on the load core, one thread, sending and reporting through wrk.lua. */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOAD_CORE, pinned } from './cores.mjs'

const script = fileURLToPath(new URL('./wrk.lua', import.meta.url))

/**
 * Runs wrk for `seconds` against `url` and resolves with its summary. `request` gives the method
 * and body (`headers` the rest), as the scenario's `request` does.
 */
export function wrk({ url, seconds, connections, headers = {}, request = {} }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url)
  const env = { ...process.env }
  if (request.method) env.WRK_METHOD = request.method
  if (request.body !== undefined) env.WRK_BODY_FILE = bodyFile(request.body)
  return new Promise((resolve, reject) => {
    execFile(
      ...pinned(LOAD_CORE, 'wrk', args),
      { env, timeout: (seconds + 30) * 1000 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '))
        if (error || !line)
          return reject(new Error(`wrk ${args.join(' ')} failed: ${(stderr || stdout).split('\n')[0]}`))
        resolve(JSON.parse(line.slice('WRK_JSON '.length)))
      },
    )
  })
}

// A body file named after its content: written once, however many runs send it.
function bodyFile(body) {
  const path = join(
    tmpdir(),
    `flagon-bench-body-${createHash('sha256').update(body).digest('hex').slice(0, 16)}`,
  )
  if (!existsSync(path)) writeFileSync(path, body)
  return path
}
