/**
 * Commands of the `flagon` CLI as data: a `Command` is a name, parseArgs-style options and a handler; a
 * `CommandGroup` holds commands and nested groups. The app holds one as `app.cli` (Quart's `AppGroup`):
 * `flagon <name>` finds the command there and, like Quart's `with_appcontext`, runs it in an app context.
 */
import { parseArgs } from 'node:util'

/** An option of a command: node:util parseArgs' option config, plus what the help shows. */
export interface CommandOption {
  type: 'string' | 'boolean'
  /** A one-letter alias: `-n` for `--name`. */
  short?: string
  /** Whether the option may be given several times; its value is then an array. */
  multiple?: boolean
  default?: string | boolean | readonly string[] | readonly boolean[]
  /** One line for the help. */
  description?: string
  /** The value's name in the help (`--out FILE`); default the option's name in capitals. */
  metavar?: string
}

/** A command's options by long name, as parseArgs takes them. */
export type CommandOptions = Record<string, CommandOption>

/** How a command is called and described. */
export interface CommandSpec<O extends CommandOptions = CommandOptions> {
  /** Shown by `--help`; its first line is shown in the list of commands. */
  description?: string
  options?: O
  /**
   * The positional arguments as the usage line shows them, e.g. `'NAME [MORE]...'`. A command
   * without `args` accepts no positional arguments.
   */
  args?: string
  /** Run the handler inside `app.appContext()`; default true, as Quart's `with_appcontext`. */
  withAppContext?: boolean
}

/** The parsed value of each option: a string or boolean (an array with `multiple`), undefined if not given and no default. */
export type CommandValues<O extends CommandOptions> = {
  -readonly [K in keyof O]: O[K] extends { default: unknown }
    ? OptionValue<O[K]>
    : OptionValue<O[K]> | undefined
}
type OptionValue<T> = T extends { multiple: true }
  ? Array<T extends { type: 'boolean' } ? boolean : string>
  : T extends { type: 'boolean' }
    ? boolean
    : string

/** What a handler receives: the parsed option values and the positional arguments. */
export interface CommandArgs<O extends CommandOptions = CommandOptions> {
  values: CommandValues<O>
  positionals: string[]
}

/** A command's function. It may be async; a number it returns is the exit code. */
export type CommandHandler<O extends CommandOptions = CommandOptions> = (
  args: CommandArgs<O>,
) => unknown | Promise<unknown>

/**
 * An error that ends a command with a message and no stack trace (click's `ClickException`).
 * @example throw new CommandError('The database is locked; is another process using it?')
 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CommandError'
  }
}

/** A command called the wrong way: unknown option, bad value, missing argument. Exits with 2, as click does. */
export class UsageError extends CommandError {
  constructor(message: string) {
    super(message, 2)
    this.name = 'UsageError'
  }
}

/** What invoking a command needs: how it was called (for messages) and the app whose context it runs in. */
export interface InvokeContext {
  /** The command line so far, e.g. `flagon db`. */
  prog: string
  app?: { appContext(): { run<T>(fn: () => T | Promise<T>): Promise<T> } } | undefined
  /** Where help and error messages go; default process.stdout and process.stderr. */
  stdout?: Output
  stderr?: Output
}

/** Something text can be written to, as process.stdout. */
export interface Output {
  write(text: string): unknown
}

/** One command; made by `CommandGroup.command()`. */
export class Command<const O extends CommandOptions = CommandOptions> {
  readonly description: string
  readonly options: O
  readonly args: string | undefined
  readonly withAppContext: boolean

  constructor(
    readonly name: string,
    spec: CommandSpec<O>,
    readonly handler: CommandHandler<O>,
  ) {
    checkName(name)
    this.description = spec.description ?? ''
    this.options = spec.options ?? ({} as O)
    this.args = spec.args
    this.withAppContext = spec.withAppContext ?? true
  }

  /** The help text for `prog --help`. */
  help(prog: string): string {
    return formatHelp({
      usage: `${prog} [OPTIONS]${this.args ? ` ${this.args}` : ''}`,
      description: this.description,
      options: this.options,
    })
  }

  /** Parses `argv`, runs the handler (in an app context when there is an app) and returns the exit code. */
  async invoke(argv: string[], context: InvokeContext): Promise<number> {
    if (wantsHelp(argv)) {
      ;(context.stdout ?? process.stdout).write(this.help(context.prog))
      return 0
    }
    let parsed: CommandArgs<O>
    try {
      parsed = parseCommandLine(argv, this.options, this.args !== undefined) as CommandArgs<O>
    } catch (error) {
      return reportError(error, context.prog, context.stderr)
    }
    const call = () => this.handler(parsed)
    try {
      const result =
        context.app && this.withAppContext ? await context.app.appContext().run(call) : await call()
      return typeof result === 'number' ? result : 0
    } catch (error) {
      return reportError(error, context.prog, context.stderr)
    }
  }
}

/**
 * A group of commands: `app.cli`, or a nested group made with `group()`.
 * @example
 * app.cli.command('greet', { description: 'Say hello.', options: { name: { type: 'string', default: 'you' } } },
 *   ({ values }) => console.log(`Hello, ${values.name}! This is ${currentApp.name}.`))
 * // flagon greet --name Ada
 */
export class CommandGroup {
  readonly name: string
  description: string
  readonly #entries = new Map<string, Command<any> | CommandGroup>()

  constructor(options: { name?: string; description?: string } = {}) {
    this.name = options.name ?? ''
    if (this.name) checkName(this.name)
    this.description = options.description ?? ''
  }

  /**
   * Registers a command; `flagon <name>` runs it. Returns the command.
   * @throws Error when the name is taken in this group or is not a valid command name.
   */
  command(name: string, handler: CommandHandler<{}>): Command<{}>
  command<const O extends CommandOptions>(
    name: string,
    spec: CommandSpec<O>,
    handler: CommandHandler<O>,
  ): Command<O>
  command(
    name: string,
    specOrHandler: CommandSpec | CommandHandler,
    handler?: CommandHandler,
  ): Command<CommandOptions> {
    const command =
      typeof specOrHandler === 'function'
        ? new Command(name, {}, specOrHandler)
        : new Command(name, specOrHandler, handler ?? missingHandler(name))
    this.add(command)
    return command
  }

  /**
   * A nested group of commands: `flagon <name> <command>`. Returns the existing group of that name if any.
   * @example const db = app.cli.group('db', { description: 'Database commands.' }); db.command('init', initDb)
   */
  group(name: string, options: { description?: string } = {}): CommandGroup {
    const existing = this.#entries.get(name)
    if (existing instanceof CommandGroup) return existing
    const group = new CommandGroup({ name, ...options })
    this.add(group)
    return group
  }

  /**
   * Adds a command or a group made elsewhere (a blueprint's commands, a plugin's).
   * @throws Error when a command or group of that name is already there.
   */
  add(entry: Command<any> | CommandGroup): void {
    if (this.#entries.has(entry.name)) {
      throw new Error(
        `cli: a command named "${entry.name}" is already registered${this.name ? ` in the group "${this.name}"` : ''}. ` +
          'Give the new one another name.',
      )
    }
    this.#entries.set(entry.name, entry)
  }

  /** The command or group of this name, if any. */
  get(name: string): Command<any> | CommandGroup | undefined {
    return this.#entries.get(name)
  }

  /** The commands and groups, sorted by name. */
  list(): Array<Command<any> | CommandGroup> {
    return [...this.#entries.values()].sort((a, b) => compare(a.name, b.name))
  }

  /** The help text for `prog --help`. */
  help(prog: string): string {
    return formatHelp({
      usage: `${prog} [OPTIONS] COMMAND [ARGS]...`,
      description: this.description,
      options: {},
      commands: this.list(),
    })
  }

  /** Finds the command named by `argv[0]` (through nested groups), runs it and returns the exit code. */
  async invoke(argv: string[], context: InvokeContext): Promise<number> {
    const [first, ...rest] = argv
    if (first === undefined || first === '--help') {
      ;(context.stdout ?? process.stdout).write(this.help(context.prog))
      return 0
    }
    const fail = (message: string) => reportError(new UsageError(message), context.prog, context.stderr)
    if (first.startsWith('-')) return fail(`No such option: ${first}`)
    const entry = this.get(first)
    if (!entry) return fail(noSuchCommand(first, this.list()))
    return entry.invoke(rest, { ...context, prog: `${context.prog} ${first}` })
  }
}

/** parseArgs over a command's options (the help-only keys removed); a bad command line is a `UsageError`. */
export function parseCommandLine(
  argv: string[],
  options: CommandOptions,
  allowPositionals: boolean,
): { values: Record<string, unknown>; positionals: string[] } {
  const config: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {}
  for (const [name, { description: _d, metavar: _m, ...option }] of Object.entries(options)) {
    config[name] = option as (typeof config)[string] & {}
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options: config, strict: true, allowPositionals })
    return { values: values as Record<string, unknown>, positionals }
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(error.message)
    throw error
  }
}

/** Writes the message of a failed command to stderr and returns its exit code. */
export function reportError(error: unknown, prog: string, stderr: Output = process.stderr): number {
  if (error instanceof UsageError) {
    stderr.write(`Error: ${error.message}\nTry '${prog} --help' for help.\n`)
  } else if (error instanceof CommandError) {
    stderr.write(`Error: ${error.message}\n`)
  } else {
    const shown = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
    stderr.write(`Error: '${prog}' failed.\n${shown}\n`)
  }
  return error instanceof CommandError ? error.exitCode : 1
}

/** What a help page is made of. */
export interface HelpPage {
  usage: string
  description?: string
  options: CommandOptions
  commands?: ReadonlyArray<{ name: string; description: string }>
}

/** A help page in click's layout: usage, description, options, commands. */
export function formatHelp(page: HelpPage): string {
  const parts = [`Usage: ${page.usage}\n`]
  if (page.description) parts.push(`${indent(page.description.trim())}\n`)
  const options: Array<[string, string]> = Object.entries(page.options).map(([name, option]) => [
    optionLabel(name, option),
    optionDescription(option),
  ])
  options.push(['--help', 'Show this message and exit.'])
  parts.push(`Options:\n${columns(options)}`)
  if (page.commands && page.commands.length > 0) {
    parts.push(`Commands:\n${columns(page.commands.map((c) => [c.name, firstLine(c.description)]))}`)
  }
  return `${parts.join('\n')}`
}

/** Whether argv asks for help before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (arg === '--help') return true
  }
  return false
}

function optionLabel(name: string, option: CommandOption): string {
  const flags = option.short ? `-${option.short}, --${name}` : `--${name}`
  if (option.type === 'boolean') return flags
  return `${flags} ${option.metavar ?? name.toUpperCase().replaceAll('-', '_')}`
}

function optionDescription(option: CommandOption): string {
  const text = option.description ?? ''
  if (option.default === undefined || option.type === 'boolean') return text
  const shown = Array.isArray(option.default) ? option.default.join(', ') : String(option.default)
  return `${text}${text ? '  ' : ''}[default: ${shown}]`
}

function columns(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `  ${right ? left.padEnd(width + 2) + right : left}\n`).join('')
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n')
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

function noSuchCommand(name: string, entries: ReadonlyArray<{ name: string }>): string {
  const close = entries.map((e) => e.name).filter((candidate) => editDistance(candidate, name) <= 2)
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : ''
  return `No such command '${name}'.${hint}`
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost))
    }
    previous = row
  }
  return previous[b.length]!
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][\w:.-]*$/.test(name)) {
    throw new Error(
      `cli: "${name}" is not a valid command name. Use letters, digits, "-", "_", ":" or ".", not starting with "-".`,
    )
  }
}

function missingHandler(name: string): never {
  throw new TypeError(`cli.command("${name}", spec, handler): the handler function is missing.`)
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
