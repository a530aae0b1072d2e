/**
 * A URL rule: the pattern, its endpoint and what it accepts (methods, websocket or HTTP, host). Built by
 * the app's `route()`, then added to a `UrlMap`, which compiles it once. Werkzeug's `Rule`, with Flask's
 * method defaults (`HEAD` with `GET`, automatic `OPTIONS`).
 */
import { parseRule, type RuleToken } from './syntax.js'

/** What a rule accepts besides its path; see `Rule`. */
export interface RuleOptions {
  endpoint: string
  /** Default `['GET']`. `HEAD` is added when `GET` is present, `OPTIONS` when automatic options apply. */
  methods?: readonly string[]
  /** Values given to the view that the URL does not carry, as in `/book` with `{ page: 0 }`. */
  defaults?: Record<string, unknown>
  /** Whether `/a` is redirected to a rule `/a/` (default: the map's setting, which defaults to true). */
  strictSlashes?: boolean
  /** Whether `//` inside a request path is redirected to `/` (default: the map's setting, true). */
  mergeSlashes?: boolean
  /** A host pattern, converters allowed (`<sub>.example.com`); used only when the map has hostMatching. */
  host?: string
  websocket?: boolean
  /** Answer `OPTIONS` automatically; default true for HTTP rules that don't list `OPTIONS` themselves. */
  provideAutomaticOptions?: boolean
}

/** The settings a map fills in for the rules that leave them open. */
export interface RuleMapSettings {
  readonly strictSlashes: boolean
  readonly mergeSlashes: boolean
}

const WEBSOCKET_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * One URL rule, validated as it is made: the syntax is read here, converters are looked up when the rule
 * is added to a map.
 * @example new Rule('/users/<int:id>', { endpoint: 'user', methods: ['GET', 'POST'] })
 * @throws Error for a malformed rule, a rule not starting with `/`, a name used twice, or a websocket rule
 *   with methods other than GET, HEAD and OPTIONS.
 * @throws TypeError when `methods` is a string rather than a list.
 */
export class Rule {
  readonly path: string
  readonly endpoint: string
  readonly methods: ReadonlySet<string>
  readonly websocket: boolean
  readonly defaults: Readonly<Record<string, unknown>>
  readonly host: string | undefined
  /** The variable names of the path and host, and the keys of `defaults`: what building the URL may use. */
  readonly arguments: ReadonlySet<string>
  readonly provideAutomaticOptions: boolean
  /** The path read into tokens (before slashes are merged). */
  readonly tokens: readonly RuleToken[]
  /** The host pattern read into tokens; empty without a host. */
  readonly hostTokens: readonly RuleToken[]
  #strictSlashes: boolean | undefined
  #mergeSlashes: boolean | undefined
  #bound = false

  constructor(path: string, options: RuleOptions) {
    if (!path.startsWith('/')) {
      throw new Error(`The URL rule "${path}" must start with a slash: write "/${path}".`)
    }
    this.path = path
    this.endpoint = options.endpoint
    this.websocket = options.websocket ?? false
    this.defaults = Object.freeze({ ...options.defaults })
    this.host = options.host
    this.#strictSlashes = options.strictSlashes
    this.#mergeSlashes = options.mergeSlashes
    this.tokens = parseRule(path)
    this.hostTokens = options.host === undefined ? [] : parseRule(options.host)

    const methods = normalizeMethods(path, options.methods)
    if (this.websocket) {
      const extra = [...methods].filter((method) => !WEBSOCKET_METHODS.has(method))
      if (extra.length > 0) {
        throw new Error(
          `The websocket rule "${path}" lists ${extra.join(', ')}; websocket rules accept only GET, HEAD and OPTIONS.`,
        )
      }
    }
    // Flask: automatic OPTIONS unless the rule handles OPTIONS itself; Quart turns it off for websockets.
    this.provideAutomaticOptions =
      options.provideAutomaticOptions ?? (!methods.has('OPTIONS') && !this.websocket)
    if (this.provideAutomaticOptions) methods.add('OPTIONS')
    this.methods = methods

    const names = new Set(Object.keys(this.defaults))
    for (const token of [...this.hostTokens, ...this.tokens]) {
      if (token.kind !== 'variable') continue
      if (names.has(token.name) && !(token.name in this.defaults)) {
        throw new Error(
          `The URL rule "${path}" uses the variable name "${token.name}" in both its host and its path; rename one.`,
        )
      }
      names.add(token.name)
    }
    this.arguments = names
  }

  /** Whether a request for `/a` is redirected to this rule `/a/`; the map's setting when the rule has none. */
  get strictSlashes(): boolean {
    return this.#strictSlashes ?? true
  }

  /** Whether `//` in a request path is redirected to `/` for this rule; the map's setting when it has none. */
  get mergeSlashes(): boolean {
    return this.#mergeSlashes ?? true
  }

  /** Whether the rule ends in `/` (a "branch" in Werkzeug's words). */
  get isBranch(): boolean {
    return this.path.endsWith('/')
  }

  /**
   * Fills the settings this rule left to its map; `UrlMap.add` calls it.
   * @throws Error when the rule already belongs to a map (build a new Rule for a second map).
   */
  bind(settings: RuleMapSettings): void {
    if (this.#bound) {
      throw new Error(
        `The rule "${this.path}" (endpoint "${this.endpoint}") is already in a map; create a new Rule.`,
      )
    }
    this.#bound = true
    this.#strictSlashes ??= settings.strictSlashes
    this.#mergeSlashes ??= settings.mergeSlashes
  }

  /**
   * Whether the rule can build a URL from these values (Werkzeug's `suitable_for`): it accepts the method,
   * every argument has a value or a default, and values given for defaulted arguments equal the defaults.
   */
  suitableFor(values: Readonly<Record<string, unknown>>, method?: string): boolean {
    if (method !== undefined && !this.methods.has(method)) return false
    for (const name of this.arguments) if (!(name in this.defaults) && !(name in values)) return false
    for (const [name, value] of Object.entries(this.defaults)) {
      if (name in values && values[name] !== value) return false
    }
    return true
  }

  /**
   * Whether this rule is the canonical URL for the same endpoint's `other` rule when the values equal this
   * rule's defaults (Werkzeug's `provides_defaults_for`): `/book` with `{ page: 0 }` for `/book/<int:page>`.
   */
  providesDefaultsFor(other: Rule): boolean {
    return (
      Object.keys(this.defaults).length > 0 &&
      this.endpoint === other.endpoint &&
      this !== other &&
      this.arguments.size === other.arguments.size &&
      [...this.arguments].every((name) => other.arguments.has(name))
    )
  }

  toString(): string {
    return `${this.path} -> ${this.endpoint}`
  }
}

function normalizeMethods(path: string, methods: readonly string[] | undefined): Set<string> {
  if (typeof methods === 'string') {
    throw new TypeError(
      `The methods of the rule "${path}" must be a list of strings, like ['GET', 'POST'], not the string "${methods}".`,
    )
  }
  const result = new Set((methods ?? ['GET']).map((method) => method.toUpperCase()))
  if (result.has('GET')) result.add('HEAD')
  return result
}
