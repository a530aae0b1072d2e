/**
 * Runs the `flagon` CLI, or a script, as a real process from the repository's root, as a user would:
 * `node --import tsx packages/framework/src/cli/main.ts …args`, without the tester's FLAGON_* variables.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository's root, where the commands run. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The CLI's source; `node --import tsx` runs it without a build. */
export const FLAGON = fileURLToPath(new URL('../../../packages/framework/src/cli/main.ts', import.meta.url))

/** What a finished process left. */
export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `flagon …args` to the end. */
export async function flagon(args: string[]): Promise<Finished> {
  const child = node([FLAGON, ...args])
  const [stdout, stderr] = [collect(child.stdout), collect(child.stderr)]
  const code = await exited(child)
  return { code, stdout: stdout(), stderr: stderr() }
}

/** A server started by `serve`. */
export interface Serving {
  /** Where it listens, from its ` * Running on …` line. */
  url: string
  /** Stops it with SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>
}

/** Starts `node --import tsx …args` and waits until it says where it listens. */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Serving> {
  const child = node(args, env)
  const stderr = collect(child.stderr)
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', () => {
      const found = / \* Running on (http:\/\/\S+)/.exec(stderr())
      if (found) resolve(found[1]!)
    })
    child.once('close', (code) => reject(new Error(`exited with ${code} before listening:\n${stderr()}`)))
  })
  return {
    url,
    stop() {
      child.kill('SIGTERM')
      return exited(child)
    },
  }
}

function node(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('FLAGON_') && name !== 'NODE_OPTIONS'),
  )
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...clean, ...env } })
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    text += chunk
  })
  return () => text
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', resolve)
  })
}
