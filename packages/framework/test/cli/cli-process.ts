/**
 * Running the `flagon` CLI as a real process in the tests: `node --import tsx src/cli/main.ts …`, in a
 * chosen working directory, with an environment free of the tester's FLAGON_* variables.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const INDEX = pathToFileURL(fileURLToPath(new URL('../../src/index.js', import.meta.url))).href
const COMMANDS = pathToFileURL(fileURLToPath(new URL('../../src/cli/commands.js', import.meta.url))).href
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** What a finished CLI process left. */
export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Options of a CLI process. */
export interface CliOptions {
  cwd?: string
  env?: Record<string, string>
}

/** Runs `flagon …args` to the end. */
export async function flagon(args: string[], options: CliOptions = {}): Promise<Finished> {
  const started = startFlagon(args, options)
  const code = await started.exited
  return { code, stdout: started.stdout(), stderr: started.stderr() }
}

/** A CLI process still running. */
export interface Started {
  child: ChildProcess
  exited: Promise<number | null>
  stdout(): string
  stderr(): string
  /** Resolves with the match once stderr (from `from` on) matches `pattern`; rejects if the process exits first. */
  waitForStderr(pattern: RegExp, from?: number, timeout?: number): Promise<RegExpExecArray>
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `flagon …args` and returns at once. */
export function startFlagon(args: string[], options: CliOptions = {}): Started {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: options.cwd ?? FIXTURES,
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const listener of listeners) listener()
  })
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      resolve(code)
      for (const listener of listeners) listener()
    })
  })
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr(pattern, from = 0, timeout = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`timed out waiting for ${pattern}; stderr:\n${stderr}`)),
          timeout,
        )
        const check = () => {
          const match = pattern.exec(stderr.slice(from))
          if (match) done(undefined, match)
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(
              new Error(
                `the CLI exited (${child.exitCode ?? child.signalCode}) before ${pattern}; stderr:\n${stderr}`,
              ),
            )
          }
        }
        const done = (error?: Error, match?: RegExpExecArray) => {
          clearTimeout(timer)
          listeners.delete(check)
          if (error) reject(error)
          else resolve(match!)
        }
        listeners.add(check)
        check()
      })
    },
    stop(signal = 'SIGTERM') {
      child.kill(signal)
      return exited
    },
  }
}

/** The URL of the first ` * Running on …` line at or after `from` in the started CLI's stderr. */
export async function runningUrl(started: Started, from = 0): Promise<string> {
  const match = await started.waitForStderr(/ \* Running on (http:\/\/\S+) \(CTRL \+ C to quit\)/, from)
  return match[1]!
}

/** The environment without FLAGON_* variables, so the tester's own settings don't leak in. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('FLAGON_') && name !== 'NODE_OPTIONS') env[name] = value
  }
  return env
}

/**
 * A new temporary directory (an ESM package) holding `files`. A value `fixture:name.ts` copies that
 * fixture, its imports of the framework made absolute so that it runs from anywhere.
 */
export function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flagon-cli-'))
  tempDirs.push(dir)
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), content.startsWith('fixture:') ? fixtureSource(content.slice(8)) : content)
  }
  return dir
}

const tempDirs: string[] = []

/** Removes the directories `tempDir` made (call it in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A fixture's source with its framework imports made absolute. */
export function fixtureSource(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .replaceAll("'../../../src/index.js'", `'${INDEX}'`)
    .replaceAll("'../../../src/cli/commands.js'", `'${COMMANDS}'`)
}

/** A GET on a fresh connection (`Connection: close`), so that each request may reach another worker. */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
