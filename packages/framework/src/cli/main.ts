#!/usr/bin/env node
/**
 * The `flagon` command (Quart's `quart`): `flagon [--app module[:name]] [-e file] [--debug] COMMAND`.
 * The built-in commands are `run` and `routes`; any other name is looked up in the app's `app.cli`
 * group and runs inside an app context. Before a command runs, `.env` and `.flagonenv` are loaded.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { CommandGroup, formatHelp, reportError, UsageError } from './commands.js'
import { appCommands } from './discover.js'
import { APP_OPTIONS, DEBUG_OPTIONS, type GlobalOptions, prepareApp, withCommandOptions } from './options.js'
import { routesCommand } from './routes.js'
import { runCommand } from './run.js'

const ROOT_OPTIONS = {
  ...APP_OPTIONS,
  ...DEBUG_OPTIONS,
  version: { type: 'boolean', description: 'Show the Flagon version and exit.' },
} as const
const ROOT_DESCRIPTION = `A general utility script for Flagon applications.

An application to load must be given with the '--app' option, the 'FLAGON_APP' environment
variable, or an 'app.ts' or 'src/app.ts' file in the current directory.`
const VALUE_OPTIONS = new Set(['-A', '--app', '-e', '--env-file'])

// Taken before any env file is loaded: the reloader gives each restart this one, so edits to .env apply.
const originalEnv = { ...process.env }

/** Runs the CLI; resolves with the exit code, or never when the command serves until a signal. */
async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseGlobalOptions>
  try {
    parsed = parseGlobalOptions(argv)
  } catch (error) {
    return reportError(error, 'flagon')
  }
  const { globals, version, help, rest } = parsed
  if (version) {
    process.stdout.write(`Node.js ${process.versions.node}\nFlagon ${frameworkVersion()}\n`)
    return 0
  }
  const builtins = new CommandGroup()
  builtins.add(runCommand(globals, originalEnv))
  builtins.add(routesCommand(globals))
  const [name, ...args] = rest
  if (name === undefined || help) return rootHelp(globals, builtins)
  const builtin = builtins.get(name)
  if (builtin) return builtin.invoke(args, { prog: `flagon ${name}` })

  let app: Awaited<ReturnType<typeof prepareApp>>
  try {
    app = await prepareApp(globals)
  } catch (error) {
    reportError(error, 'flagon')
    process.stderr.write(`Error: No such command '${name}'.\n`)
    return 2
  }
  return appCommands(app).invoke(rest, { prog: 'flagon', app })
}

/** Splits the options before the command's name from the rest, and parses them. */
function parseGlobalOptions(argv: string[]) {
  let end = 0
  while (end < argv.length) {
    const arg = argv[end]!
    if (arg === '--') break
    if (!arg.startsWith('-') || arg === '-') break
    end += VALUE_OPTIONS.has(arg) ? 2 : 1
  }
  const rest = argv.slice(argv[end] === '--' ? end + 1 : end)
  const options = { ...ROOT_OPTIONS, help: { type: 'boolean' } } as const
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}
  for (const [key, { type, ...option }] of Object.entries(options)) {
    config[key] = 'short' in option ? { type, short: option.short } : { type }
  }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: argv.slice(0, end), options: config, strict: true }).values as typeof values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const globals: GlobalOptions = withCommandOptions({}, values)
  return { globals, version: values.version === true, help: values.help === true, rest }
}

/** `flagon --help`: the global options, the built-in commands and, when the app loads, its own. */
async function rootHelp(globals: GlobalOptions, builtins: CommandGroup): Promise<number> {
  const commands = [...builtins.list()]
  let note = ''
  try {
    const app = await prepareApp(globals)
    for (const entry of appCommands(app).list()) {
      if (!builtins.get(entry.name)) commands.push(entry)
    }
    commands.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  } catch (error) {
    note = `\nThe app's own commands are not listed: ${(error as Error).message.split('\n')[0]}\n`
  }
  process.stdout.write(
    formatHelp({
      usage: 'flagon [OPTIONS] COMMAND [ARGS]...',
      description: ROOT_DESCRIPTION,
      options: ROOT_OPTIONS,
      commands,
    }) + note,
  )
  return 0
}

function frameworkVersion(): string {
  const file = new URL('../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}

process.exit(await main(process.argv.slice(2)))
