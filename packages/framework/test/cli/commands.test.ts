import { describe, expect, it } from 'vitest'
import { CommandError, CommandGroup, type InvokeContext } from '../../src/cli/commands.js'
import { currentApp, Flagon } from '../../src/index.js'
import { flagon } from './cli-process.js'

/** Invokes `cli` in this process with a real app; returns the exit code and what was written. */
async function invoke(cli: CommandGroup, argv: string[]) {
  let stdout = ''
  let stderr = ''
  const context: InvokeContext = {
    prog: 'flagon',
    app: new Flagon('in-process'),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  }
  const code = await cli.invoke(argv, context)
  return { code, stdout, stderr }
}

function exampleCli(seen: string[]): CommandGroup {
  const cli = new CommandGroup()
  cli.command(
    'greet',
    {
      description: 'Greets someone.\nA second line that the list does not show.',
      options: {
        name: { type: 'string', short: 'n', default: 'world', description: 'Who to greet.' },
        shout: { type: 'boolean', description: 'Greet loudly.' },
        tag: { type: 'string', multiple: true, metavar: 'TAG' },
      },
    },
    ({ values }) => {
      seen.push(
        `${values.shout ? 'HELLO' : 'hello'} ${values.name} from ${currentApp.name} ${values.tag ?? []}`,
      )
    },
  )
  cli.command('sum', { args: 'NUMBER...' }, async ({ positionals }) => {
    await new Promise((resolve) => setTimeout(resolve, 5))
    seen.push(String(positionals.reduce((sum, n) => sum + Number(n), 0)))
  })
  cli.command('outside', { withAppContext: false }, () => {
    seen.push(String(Boolean(Object.keys(currentApp).length)))
  })
  cli.command('explode', () => {
    throw new Error('the command blew up')
  })
  cli.command('refuse', () => {
    throw new CommandError('the database is locked', 3)
  })
  cli.command('code', () => 4)
  cli
    .group('db', { description: 'Database commands.' })
    .command('init', { description: 'Creates the tables.' }, () => {
      seen.push(`init in ${currentApp.name}`)
    })
  return cli
}

// [name, argv, exit code, what the handler saw, stdout contains, stderr contains]
const cases: Array<
  [name: string, argv: string[], code: number, seen: string[], stdout: string, stderr: string]
> = [
  ['runs in an app context with its defaults', ['greet'], 0, ['hello world from in-process '], '', ''],
  [
    'parses long, short and repeated options',
    ['greet', '-n', 'Ada', '--shout', '--tag', 'a', '--tag', 'b'],
    0,
    ['HELLO Ada from in-process a,b'],
    '',
    '',
  ],
  ['awaits an async handler and passes positionals', ['sum', '1', '2', '39'], 0, ['42'], '', ''],
  ['runs a command of a nested group', ['db', 'init'], 0, ['init in in-process'], '', ''],
  ['exits with the number a handler returns', ['code'], 4, [], '', ''],
  [
    'reports a thrown error with its stack, exit code 1',
    ['explode'],
    1,
    [],
    '',
    "Error: 'flagon explode' failed.\nError: the command blew up\n    at ",
  ],
  [
    'reports a CommandError as its message, with its exit code',
    ['refuse'],
    3,
    [],
    '',
    'Error: the database is locked\n',
  ],
  ['refuses an unknown option, exit code 2', ['greet', '--loud'], 2, [], '', "Unknown option '--loud'"],
  [
    'refuses positionals a command does not take',
    ['greet', 'Ada'],
    2,
    [],
    '',
    "Try 'flagon greet --help' for help.",
  ],
  ['suggests the command meant', ['gret'], 2, [], '', "Error: No such command 'gret'. Did you mean 'greet'?"],
  ['lists the commands of a group', ['db'], 0, [], 'Commands:\n  init  Creates the tables.\n', ''],
]

describe('invoking a command group', () => {
  for (const [name, argv, code, seen, stdout, stderr] of cases) {
    it(name, async () => {
      const calls: string[] = []
      const result = await invoke(exampleCli(calls), argv)
      expect(calls).toEqual(seen)
      expect(result.stdout).toContain(stdout)
      if (stderr) expect(result.stderr).toContain(stderr)
      else expect(result.stderr).toBe('')
      expect(result.code).toBe(code)
    })
  }

  it('runs a command without an app context when asked to', async () => {
    const result = await invoke(exampleCli([]), ['outside'])
    expect(result.stderr).toContain('`currentApp` was used outside')
  })

  it("shows a command's help", async () => {
    const result = await invoke(exampleCli([]), ['greet', '--help'])
    expect(result.stdout).toBe(`Usage: flagon greet [OPTIONS]

  Greets someone.
  A second line that the list does not show.

Options:
  -n, --name NAME  Who to greet.  [default: world]
  --shout          Greet loudly.
  --tag TAG
  --help           Show this message and exit.
`)
  })
})

describe('registering commands', () => {
  it('refuses a name used twice in a group', () => {
    const cli = new CommandGroup()
    cli.command('seed', () => {})
    expect(() => cli.command('seed', () => {})).toThrow('a command named "seed" is already registered')
  })

  it('refuses a name that could not be typed as a command', () => {
    expect(() => new CommandGroup().command('--seed', () => {})).toThrow('not a valid command name')
  })

  it('returns the same group when asked for it again', () => {
    const cli = new CommandGroup()
    expect(cli.group('db')).toBe(cli.group('db'))
  })
})

// The same through the real `flagon` process, on the commands-app fixture.
describe.concurrent("the app's own commands from the command line", () => {
  const app = ['--app', 'commands-app.ts']

  it('runs a command inside an app context, with its options', async () => {
    const result = await flagon([...app, 'hello', '-n', 'Ada', '--shout'])
    expect(result).toEqual({ code: 0, stdout: 'HELLO ADA FROM COMMANDS-APP\n', stderr: '' })
  })

  it('exits with 1 and the stack when a command throws', async () => {
    const result = await flagon([...app, 'explode'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain("Error: 'flagon explode' failed.\nError: the command blew up\n")
  })

  it('lists them in the help, beside the built-in commands', async () => {
    const result = await flagon([...app, '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Commands:
  add        Adds numbers.
  db         Database commands.
  debug
  env        Prints environment variables.
  exit-code
  explode
  hello      Greets someone from inside the app context.
  outside
  refuse
  routes     Show the routes for the app.
  run        Run a development server.
`)
  })

  it('prints the versions with --version', async () => {
    const result = await flagon(['--version'])
    expect(result.stdout).toMatch(/^Node\.js \d+\.\d+\.\d+\nFlagon \d+\.\d+\.\d+\n$/)
    expect(result.code).toBe(0)
  })

  it('refuses an unknown global option', async () => {
    const result = await flagon(['--colour', 'routes'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Unknown option '--colour'")
  })
})
