/**
 * Quart's rule syntax, read into tokens: `/users/<int(min=1):id>` is a slash, the text `users`, a slash
 * and the variable `id`. A port of Werkzeug's `_part_re` and `parse_converter_args` (routing/rules.py),
 * so every rule Quart accepts reads the same here, and a malformed one fails at registration.
 */

/** One piece of a rule: a `/`, literal text, or a `<converter(args):name>` variable. */
export type RuleToken =
  | { readonly kind: 'slash' }
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly converter: string; readonly args: string }

/** A converter's arguments as written: positional ones in order, keyword ones by name. */
export interface ConverterArgs {
  readonly positional: ReadonlyArray<string | number | boolean | null>
  readonly keyword: ReadonlyMap<string, string | number | boolean | null>
}

// Werkzeug's _part_re, made sticky so each token must start where the previous one ended.
const PART = /(\/)|([^</]+)|<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>/y

/**
 * Splits a rule (or a host pattern) into tokens.
 * @example parseRule('/u/<int:id>') // slash, static 'u', slash, variable id (int)
 * @throws Error when the rule is malformed or names a variable twice.
 */
export function parseRule(rule: string): RuleToken[] {
  const tokens: RuleToken[] = []
  const names = new Set<string>()
  PART.lastIndex = 0
  while (PART.lastIndex < rule.length) {
    const at = PART.lastIndex
    const found = PART.exec(rule)
    if (!found) {
      throw new Error(
        `The URL rule "${rule}" is malformed at "${rule.slice(at)}". ` +
          'Write variables as <name> or <converter:name>, e.g. /users/<int:id>.',
      )
    }
    const [, slash, text, converter, args, name] = found
    if (slash !== undefined) tokens.push({ kind: 'slash' })
    else if (text !== undefined) tokens.push({ kind: 'static', text })
    else if (name !== undefined) {
      if (names.has(name)) {
        throw new Error(
          `The URL rule "${rule}" uses the variable name "${name}" twice; give each one its own name.`,
        )
      }
      names.add(name)
      tokens.push({ kind: 'variable', name, converter: converter ?? 'default', args: args ?? '' })
    }
  }
  return tokens
}

// Werkzeug's _converter_args_re: one `name=value,` or `value,` at a time.
const ARG = /\s*(?:(\w+)\s*=\s*)?(True|False|\d+.\d+|\d+.|\d+|[\w\d_.]+|[urUR]?("[^"]*?"|'[^']*'))\s*,/y

/**
 * Reads a converter's argument list the way Werkzeug does: `True`/`False`/`None`, numbers, bare words
 * and quoted strings.
 * @example parseConverterArgs('a, "c,d", signed=True') // positional ['a', 'c,d'], keyword signed → true
 * @throws Error naming the part that cannot be read.
 */
export function parseConverterArgs(text: string): ConverterArgs {
  const positional: Array<string | number | boolean | null> = []
  const keyword = new Map<string, string | number | boolean | null>()
  const source = `${text},`
  if (text.trim() === '') return { positional, keyword }
  ARG.lastIndex = 0
  while (ARG.lastIndex < source.length) {
    const at = ARG.lastIndex
    const found = ARG.exec(source)
    if (!found) {
      throw new Error(
        `Cannot read the converter argument "${source.slice(at, -1)}". ` +
          'Use numbers, True/False/None, bare words or quoted strings, e.g. any(a, "b c").',
      )
    }
    const [, name, raw = '', quoted] = found
    const value = quoted === undefined ? pythonize(raw) : quoted.slice(1, -1)
    if (name === undefined) positional.push(value)
    else keyword.set(name, value)
  }
  return { positional, keyword }
}

const CONSTANTS = new Map<string, boolean | null>([
  ['None', null],
  ['True', true],
  ['False', false],
])
const NUMBER = /^\d+(?:\.\d*)?$/

function pythonize(raw: string): string | number | boolean | null {
  const constant = CONSTANTS.get(raw)
  if (constant !== undefined) return constant
  if (NUMBER.test(raw)) return Number(raw)
  return raw
}
