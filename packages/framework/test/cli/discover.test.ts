import { afterAll, describe, expect, it } from 'vitest'
import { loadApp, NoAppError, parseAppSpec } from '../../src/cli/discover.js'
import { FIXTURES, flagon, removeTempDirs, tempDir } from './cli-process.js'

afterAll(removeTempDirs)

describe('parseAppSpec', () => {
  const specs: Array<[spec: string, module: string, name: string | undefined, args: unknown[] | undefined]> =
    [
      ['app.ts', 'app.ts', undefined, undefined],
      ['src/app.ts:app', 'src/app.ts', 'app', undefined],
      ['app:createApp()', 'app', 'createApp', []],
      ['app:createApp("dev", 2)', 'app', 'createApp', ['dev', 2]],
      ['C:\\site\\app.ts', 'C:\\site\\app.ts', undefined, undefined],
      ['C:\\site\\app.ts:application', 'C:\\site\\app.ts', 'application', undefined],
    ]
  for (const [spec, module, name, args] of specs) {
    it(`reads ${spec}`, () => {
      expect(parseAppSpec(spec)).toEqual({ module, name, args })
    })
  }

  it('refuses arguments that are not JSON', () => {
    expect(() => parseAppSpec('app:createApp(dev)')).toThrow(NoAppError)
  })
})

// Discovery in this process: which app `loadApp` returns, or the error it gives.
describe('loadApp', () => {
  const at = (spec: string) => ({ app: spec, cwd: FIXTURES })

  it('takes the export named after the colon', async () => {
    expect((await loadApp(at('two-apps.ts:admin'))).name).toBe('admin')
  })

  it('calls a factory named with arguments', async () => {
    expect((await loadApp(at('factory-app:createApp("from-args")'))).name).toBe('from-args')
  })

  it('calls createApp() when the module exports no app', async () => {
    expect((await loadApp(at('factory-app.ts'))).name).toBe('made-by-factory')
  })

  const failures: Array<[name: string, spec: string, message: string]> = [
    [
      'two apps in the module',
      'two-apps.ts',
      "Detected multiple Flagon applications in module 'two-apps.ts' ('admin', 'site'). Use 'flagon --app two-apps.ts:name' to specify the correct one.",
    ],
    [
      'a name the module does not export',
      'routes-app.ts:api',
      "Failed to find attribute 'api' in 'routes-app.ts'.",
    ],
    [
      'a module that throws while importing',
      'broken-app.ts',
      "While importing 'broken-app.ts', an error was raised:\n\nError: the database URL is missing\n    at ",
    ],
    [
      'a module with no app in it',
      '../cli-process.ts',
      'Failed to find a Flagon application or factory in module',
    ],
    ['an export that is not an app', 'two-apps.ts:default', "Failed to find attribute 'default'"],
  ]
  for (const [name, spec, message] of failures) {
    it(`says what to do: ${name}`, async () => {
      const error = await loadApp(at(spec)).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(NoAppError)
      expect((error as NoAppError).message).toContain(message)
      expect((error as NoAppError).exitCode).toBe(2)
    })
  }
})

// Which app a command line finds, from `flagon routes`' output, or the error it prints.
describe.concurrent('finding the app from the command line', () => {
  it('reads FLAGON_APP', async () => {
    const result = await flagon(['routes'], { env: { FLAGON_APP: 'empty-app.ts' } })
    expect(result.stdout).toBe('No routes were registered.\n')
  })

  it('finds src/app.ts in the working directory, and its factory', async () => {
    const dir = tempDir({ 'src/app.ts': 'fixture:factory-app.ts' })
    const result = await flagon(['routes'], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('made-by-factory')
  })

  const failures: Array<[name: string, args: string[], message: string]> = [
    [
      'no app anywhere',
      ['routes'],
      "Error: Could not locate a Flagon application. Use the 'flagon --app' option, the 'FLAGON_APP' environment variable, or an 'app.ts' or 'src/app.ts' file in the current directory.",
    ],
    ['a module that does not exist', ['--app', 'nowhere', 'routes'], "Error: Could not import 'nowhere'"],
  ]
  for (const [name, args, message] of failures) {
    it(`exits with 2 and says what to do: ${name}`, async () => {
      const result = await flagon(args, { cwd: tempDir({}) })
      expect(result.stderr).toContain(message)
      expect(result.code).toBe(2)
    })
  }

  it('shows why the app could not be found for an unknown command', async () => {
    const result = await flagon(['deploy'], { cwd: tempDir({}) })
    expect(result.stderr).toContain('Could not locate a Flagon application')
    expect(result.stderr).toContain("No such command 'deploy'.")
    expect(result.code).toBe(2)
  })
})
