/**
 * A rule compiled against a map's converters: the parts the matcher walks (Werkzeug's `RulePart`s, one
 * per `/`-separated segment), and the path-to-regexp functions that match a dynamic part and build the
 * URL. Everything here runs once, at `UrlMap.add`; matching only calls what it made.
 */
import { compile, type MatchFunction, match, type ParamData } from 'path-to-regexp'
import type { Converter, ConverterArg, ConverterClass } from './converters.js'
import { ValidationError } from './converters.js'
import { encodeQuery, quotePath } from './encoding.js'
import type { Rule } from './rule.js'
import { parseConverterArgs, parseRule, type RuleToken } from './syntax.js'
import { type Weighting, weighPart } from './weight.js'

/** A segment the matcher compares as text. */
export interface StaticPart {
  readonly static: true
  readonly text: string
}

/** A segment with converters (or, when `final`, the rest of the path, for a converter that spans slashes). */
export interface DynamicPart {
  readonly static: false
  /** Same key, same matching: rules share the matcher state for such parts, as in Werkzeug. */
  readonly key: string
  readonly weight: Weighting
  readonly final: boolean
  /** A final part that ended in `/`: a trailing slash on the request is split off for the redirect check. */
  readonly suffixed: boolean
  readonly converters: readonly Converter[]
  /** The path-to-regexp parameter name of each converter's value, in order. */
  readonly keys: readonly string[]
  /** Set when the part is more than one lone variable; a lone variable needs no regex at all. */
  readonly matcher: MatchFunction<ParamData> | undefined
}

export type Part = StaticPart | DynamicPart

/** A rule ready for the matcher and the builder. */
export interface CompiledRule {
  readonly rule: Rule
  /** The host part first (`''` when the map doesn't match hosts), then the path's parts. */
  readonly parts: readonly Part[]
  /** The variable names, in the order the parts yield their values. */
  readonly variables: readonly string[]
  readonly converters: ReadonlyMap<string, Converter>
  /** The rule's methods, sorted once, for every match's `allowedMethods`. */
  readonly methods: readonly string[]
  /** Builds the host and path (query included), or returns undefined when a converter refuses a value. */
  build(values: Readonly<Record<string, unknown>>): { host: string; path: string } | undefined
}

// Options shared by every part matcher: the path is already percent-decoded, and slashes are the map's business.
const MATCH_OPTIONS = { decode: false, end: true, trailing: false, sensitive: true } as const

/**
 * Compiles a rule: instantiates its converters and makes its part matchers and builders.
 * @throws Error naming an unknown converter, bad converter arguments, or two adjacent variables.
 */
export function compileRule(
  rule: Rule,
  converterClasses: ReadonlyMap<string, ConverterClass>,
  hostMatching: boolean,
): CompiledRule {
  const converters = new Map<string, Converter>()
  const instantiate = (token: VariableToken): Converter => {
    const converter = makeConverter(rule, token, converterClasses)
    converters.set(token.name, converter)
    return converter
  }
  // Werkzeug merges duplicate slashes in the rule itself when the rule merges them in requests.
  const tokens = rule.mergeSlashes ? parseRule(rule.path.replace(/\/{2,}/g, '/')) : rule.tokens
  const hostTokens = hostMatching ? rule.hostTokens.map(lowercaseStatic) : []
  const parts: Part[] = []
  const variables: string[] = []
  if (hostTokens.length === 0) parts.push({ static: true, text: '' })
  else parts.push(...splitParts(rule, hostTokens, instantiate, variables))
  parts.push(...splitParts(rule, tokens, instantiate, variables))

  const buildHost = builder(rule, hostTokens, converters)
  const buildPath = builder(rule, tokens, converters)
  return {
    rule,
    parts,
    variables,
    converters,
    methods: Object.freeze([...rule.methods].sort()),
    build(values) {
      try {
        const host = buildHost(values)
        const path = buildPath(values)
        const query = encodeQuery(Object.entries(values).filter(([key]) => !rule.arguments.has(key)))
        return { host, path: query ? `${path}?${query}` : path }
      } catch (error) {
        if (error instanceof ValidationError) return undefined
        throw error
      }
    },
  }
}

type VariableToken = Extract<RuleToken, { kind: 'variable' }>

// Werkzeug's _parse_rule: one part per segment, except that a converter spanning slashes makes the part
// "final" — it takes the rest of the rule, slashes included.
function splitParts(
  rule: Rule,
  tokens: readonly RuleToken[],
  instantiate: (token: VariableToken) => Converter,
  variables: string[],
): Part[] {
  const parts: Part[] = []
  let pieces: Array<{ token: RuleToken; converter?: Converter }> = []
  let final = false
  const flush = (suffixed: boolean) => {
    parts.push(makePart(rule, pieces, final, suffixed))
    pieces = []
    final = false
  }
  for (const token of tokens) {
    if (token.kind === 'variable') {
      const converter = instantiate(token)
      variables.push(token.name)
      if (converter.partIsolating === false) final = true
      pieces.push({ token, converter })
    } else if (token.kind === 'static') pieces.push({ token })
    else if (final) pieces.push({ token })
    else flush(false)
  }
  const last = pieces.at(-1)
  if (final && last?.token.kind === 'slash') {
    pieces.pop()
    flush(true)
    parts.push({ static: true, text: '' })
  } else flush(false)
  return parts
}

function makePart(
  rule: Rule,
  pieces: ReadonlyArray<{ token: RuleToken; converter?: Converter }>,
  final: boolean,
  suffixed: boolean,
): Part {
  const converters = pieces.flatMap((piece) => (piece.converter ? [piece.converter] : []))
  if (converters.length === 0) {
    return { static: true, text: pieces.map(({ token }) => textOf(token)).join('') }
  }
  let pattern = ''
  let key = ''
  let index = 0
  for (const { token, converter } of pieces) {
    if (token.kind !== 'variable' || !converter) {
      pattern += escapePattern(textOf(token))
      key += escapePattern(textOf(token))
      continue
    }
    pattern += `${converter.partIsolating === false ? '*' : ':'}"p${index++}"`
    key += `<${token.converter}(${token.args})>`
  }
  const lone = pieces.length === 1 && !final
  let matcher: MatchFunction<ParamData> | undefined
  try {
    matcher = lone ? undefined : match(pattern, MATCH_OPTIONS)
  } catch (error) {
    throw new Error(
      `The URL rule "${rule.path}" cannot be matched: ${(error as Error).message.split(';')[0]}. ` +
        'Put some text between two variables, as in <a>-<b>.',
    )
  }
  return {
    static: false,
    key: `${final ? 'final:' : ''}${key}`,
    weight: weighPart(pieces),
    final,
    suffixed,
    converters,
    keys: converters.map((_, i) => `p${i}`),
    matcher,
  }
}

// Builds one side (host or path) with path-to-regexp's compile; the converters' text is encoded here, so
// compile gets it ready-made (encode: false).
function builder(
  rule: Rule,
  tokens: readonly RuleToken[],
  converters: ReadonlyMap<string, Converter>,
): (values: Readonly<Record<string, unknown>>) => string {
  let pattern = ''
  const slots: Array<{ param: string; name: string; converter: Converter }> = []
  for (const token of tokens) {
    if (token.kind !== 'variable') {
      pattern += escapePattern(quotePath(textOf(token)))
      continue
    }
    const converter = converters.get(token.name)!
    // Werkzeug resolves a variable that has a default to that constant, once.
    if (token.name in rule.defaults) {
      pattern += escapePattern(quotePath(converter.toUrl(rule.defaults[token.name])))
      continue
    }
    const param = `p${slots.length}`
    slots.push({ param, name: token.name, converter })
    pattern += `:"${param}"`
  }
  const fill = compile(pattern, { encode: false })
  return (values) => {
    const data: Record<string, string> = {}
    for (const { param, name, converter } of slots) data[param] = quotePath(converter.toUrl(values[name]))
    return fill(data)
  }
}

function makeConverter(
  rule: Rule,
  token: VariableToken,
  classes: ReadonlyMap<string, ConverterClass>,
): Converter {
  const Class = classes.get(token.converter)
  if (!Class) {
    const known = [...classes.keys()].sort().join(', ')
    throw new Error(
      `The URL rule "${rule.path}" uses the converter "${token.converter}", which is not registered ` +
        `(known: ${known}). Register it first: map.converters.set('${token.converter}', MyConverter).`,
    )
  }
  const where = `the converter <${token.converter}(${token.args}):${token.name}> in the URL rule "${rule.path}"`
  let args: ConverterArg[]
  try {
    const { positional, keyword } = parseConverterArgs(token.args)
    args = [...positional]
    for (const [name, value] of keyword) {
      const position = Class.argumentNames?.indexOf(camelCase(name)) ?? -1
      if (position < 0) {
        const names = Class.argumentNames?.join(', ') || 'none'
        throw new Error(`it has no argument "${name}" (keyword arguments: ${names})`)
      }
      args[position] = value
    }
    return new Class(...(args as Array<string | number | boolean | null>))
  } catch (error) {
    throw new Error(`Cannot build ${where}: ${(error as Error).message}`)
  }
}

function lowercaseStatic(token: RuleToken): RuleToken {
  return token.kind === 'static' ? { kind: 'static', text: token.text.toLowerCase() } : token
}

function textOf(token: RuleToken): string {
  return token.kind === 'static' ? token.text : token.kind === 'slash' ? '/' : ''
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

// path-to-regexp's own escaping of literal text (its escapeText).
function escapePattern(text: string): string {
  return text.replace(/[{}()[\]+?!:*\\]/g, '\\$&')
}
