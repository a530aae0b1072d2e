/**
 * The URL map: every rule of an app, matched against each request and used to build URLs. Werkzeug's
 * `Map` and `MapAdapter.match`/`build` (routing/map.py), without the app: the caller turns an outcome into
 * a 404, 405, 308 or 400, and makes a redirect's path absolute.
 */
import { type CompiledRule, compileRule } from './compile.js'
import { type ConverterClass, defaultConverters } from './converters.js'
import { quotePath } from './encoding.js'
import { explainBuildFailure } from './errors.js'
import { Matcher, type SearchResult } from './matcher.js'
import type { Rule } from './rule.js'

/** What `UrlMap.match` found for a request. */
export type MatchOutcome =
  | {
      kind: 'match'
      rule: Rule
      params: Record<string, unknown>
      /** An OPTIONS request the framework answers itself (the rule provides automatic options). */
      automaticOptions: boolean
      /** For automatic OPTIONS, every method the path accepts (the `Allow` header); otherwise the rule's. */
      allowedMethods: readonly string[]
    }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allowedMethods: readonly string[] }
  /** Redirect (308) to this path, already percent-encoded; the caller adds the origin and the query string. */
  | { kind: 'redirect'; path: string }
  /** An HTTP request for a websocket-only rule, or the reverse: the caller answers 400. */
  | { kind: 'websocketMismatch' }

/** Map-wide settings; rules that set their own win. */
export interface UrlMapOptions {
  /** Redirect `/a` to a rule `/a/` (default true). */
  strictSlashes?: boolean
  /** Match rules against the request's host too, using each rule's `host` pattern (default false). */
  hostMatching?: boolean
  /** Redirect paths with `//` inside to the merged path (default true). */
  mergeSlashes?: boolean
  /** Redirect a URL that spells out a value another rule provides as a default (default true). */
  redirectDefaults?: boolean
}

/** Options for `UrlMap.match`. */
export interface MatchOptions {
  /** The request method; a websocket handshake matches as `GET`. */
  method: string
  websocket?: boolean
  /** The request's host; compared only when the map has hostMatching. Strip a default port first. */
  host?: string
}

/** Options for `UrlMap.build`. */
export interface BuildOptions {
  /** Use a rule that accepts this method (Quart's `_method`); default: a GET rule first, then any. */
  method?: string
  /** Prefer rules of this kind when an endpoint has both websocket and HTTP rules. */
  websocket?: boolean
  /** With hostMatching, prefer the rule whose host is this one. */
  host?: string
}

/** A built URL: the path (with `?query` for values no variable took), the rule used, and its host. */
export interface BuildResult {
  path: string
  rule: Rule
  /** The built host of a host-matching rule; `''` otherwise. */
  host: string
}

/**
 * The routing table.
 * @example
 * const map = new UrlMap()
 * map.add(new Rule('/users/<int:id>', { endpoint: 'user' }))
 * map.match('/users/7', { method: 'GET' }) // { kind: 'match', params: { id: 7 }, … }
 * map.build('user', { id: 7, tab: 'posts' }).path // '/users/7?tab=posts'
 */
export class UrlMap {
  readonly strictSlashes: boolean
  readonly hostMatching: boolean
  readonly mergeSlashes: boolean
  readonly redirectDefaults: boolean
  /** Converters by the name rules use; register custom ones here before adding the rules that use them. */
  readonly converters: Map<string, ConverterClass> = new Map(defaultConverters)
  readonly #matcher = new Matcher()
  readonly #rules: CompiledRule[] = []
  // Per endpoint, in Werkzeug's build order: more arguments first, then more defaults.
  readonly #byEndpoint = new Map<string, CompiledRule[]>()

  constructor(options: UrlMapOptions = {}) {
    this.strictSlashes = options.strictSlashes ?? true
    this.hostMatching = options.hostMatching ?? false
    this.mergeSlashes = options.mergeSlashes ?? true
    this.redirectDefaults = options.redirectDefaults ?? true
  }

  /**
   * Adds a rule, compiling it now so that a mistake fails at registration rather than on a request.
   * @throws Error for an unknown converter, bad converter arguments, two adjacent variables, or a rule
   *   already added to a map.
   */
  add(rule: Rule): void {
    rule.bind({ strictSlashes: this.strictSlashes, mergeSlashes: this.mergeSlashes })
    const compiled = compileRule(rule, this.converters, this.hostMatching)
    this.#matcher.add(compiled)
    this.#rules.push(compiled)
    const siblings = this.#byEndpoint.get(rule.endpoint) ?? []
    siblings.push(compiled)
    siblings.sort(
      (a, b) =>
        b.rule.arguments.size - a.rule.arguments.size ||
        Object.keys(b.rule.defaults).length - Object.keys(a.rule.defaults).length,
    )
    this.#byEndpoint.set(rule.endpoint, siblings)
  }

  /**
   * Matches a request path (percent-decoded, as the server gives it) with its method, kind and host.
   * @example map.match('/slash', { method: 'GET' }) // { kind: 'redirect', path: '/slash/' }
   */
  match(path: string, options: MatchOptions): MatchOutcome {
    const method = options.method.toUpperCase()
    const websocket = options.websocket ?? false
    const domain = this.#domain(options.host)
    const requested = normalizePath(path)
    const result = this.#matcher.search(domain, requested, method, websocket)
    if (result.slashRequired) return { kind: 'redirect', path: quotePath(`${requested}/`) }
    if (result.rule) return this.#matched(result, { method, domain, requested, websocket })
    if (this.mergeSlashes && requested.includes('//')) {
      const merged = requested.replace(DUPLICATE_SLASHES, '/')
      // The same result object, so methods allowed on the unmerged path still count (as in Werkzeug).
      const second = this.#matcher.search(domain, merged, method, websocket, result)
      if (second.slashRequired) return { kind: 'redirect', path: quotePath(`${merged}/`) }
      if (second.rule?.rule.mergeSlashes) return { kind: 'redirect', path: quotePath(merged) }
    }
    if (result.allowed) return { kind: 'methodNotAllowed', allowedMethods: sorted(result.allowed) }
    if (result.websocketMismatch) return { kind: 'websocketMismatch' }
    return { kind: 'notFound' }
  }

  /**
   * Every method some rule accepts for this path (Werkzeug's `allowed_methods`), sorted; empty if none.
   * @example map.allowedMethods('/users/7') // ['GET', 'HEAD', 'OPTIONS', 'POST']
   */
  allowedMethods(path: string, options: Omit<MatchOptions, 'method'> = {}): string[] {
    return this.#allowed(this.#domain(options.host), normalizePath(path), options.websocket ?? false)
  }

  /**
   * Builds the URL of an endpoint: variables from `values`, the other values as the query string
   * (`{ q: 'x y', z: [1, 2] }` gives `?q=x+y&z=1&z=2`); values equal to a rule's default are left out.
   * @throws BuildError when the endpoint is unknown or no rule of it fits the values and method.
   */
  build(endpoint: string, values: Record<string, unknown>, options: BuildOptions = {}): BuildResult {
    // Werkzeug ignores values that are None.
    const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value != null))
    const rules = this.#byEndpoint.get(endpoint) ?? []
    const method = options.method?.toUpperCase()
    const built =
      (method === undefined ? this.#tryBuild(rules, given, 'GET', options) : undefined) ??
      this.#tryBuild(rules, given, method, options)
    if (built) return built
    throw explainBuildFailure(
      endpoint,
      values,
      method,
      rules.map(({ rule }) => rule),
      this.#byEndpoint.keys(),
    )
  }

  /** The rules, in the order they were added. */
  *iterRules(): Iterable<Rule> {
    for (const { rule } of this.#rules) yield rule
  }

  /** The endpoint names, each once, in the order first added. */
  endpoints(): Iterable<string> {
    return this.#byEndpoint.keys()
  }

  /** How many dynamic parts (converter or regex runs) matching has tried so far; for tests and benchmarks. */
  get dynamicTests(): number {
    return this.#matcher.dynamicTests
  }

  #domain(host: string | undefined): string {
    return this.hostMatching ? (host ?? '').toLowerCase() : ''
  }

  #matched(result: SearchResult, request: Request): MatchOutcome {
    const { method } = request
    const compiled = result.rule!
    const { rule } = compiled
    const params: Record<string, unknown> = {}
    for (let i = 0; i < compiled.variables.length; i++) params[compiled.variables[i]!] = result.values[i]
    Object.assign(params, rule.defaults)
    const redirect = this.redirectDefaults ? this.#defaultRedirect(compiled, params, method) : undefined
    if (redirect !== undefined) return { kind: 'redirect', path: redirect }
    const automaticOptions = method === 'OPTIONS' && rule.provideAutomaticOptions
    return {
      kind: 'match',
      rule,
      params,
      automaticOptions,
      allowedMethods: automaticOptions
        ? this.#allowed(request.domain, request.requested, request.websocket)
        : compiled.methods,
    }
  }

  // Werkzeug's get_default_redirect: a rule earlier in build order that supplies these values as its
  // defaults is the canonical URL (/book/0 -> /book when /book has { page: 0 }).
  #defaultRedirect(
    compiled: CompiledRule,
    params: Record<string, unknown>,
    method: string,
  ): string | undefined {
    for (const other of this.#byEndpoint.get(compiled.rule.endpoint) ?? []) {
      if (other === compiled) break
      if (!other.rule.providesDefaultsFor(compiled.rule) || !other.rule.suitableFor(params, method)) continue
      const built = other.build({ ...params, ...other.rule.defaults })
      if (built) return built.path
    }
    return undefined
  }

  // Werkzeug's allowed_methods: no rule accepts the method '--', so the search visits every rule the
  // path matches and collects their methods.
  #allowed(domain: string, requested: string, websocket: boolean): string[] {
    const result = this.#matcher.search(domain, requested, '--', websocket)
    if (this.mergeSlashes && requested.includes('//')) {
      this.#matcher.search(domain, requested.replace(DUPLICATE_SLASHES, '/'), '--', websocket, result)
    }
    return sorted(result.allowed ?? [])
  }

  #tryBuild(
    rules: readonly CompiledRule[],
    values: Record<string, unknown>,
    method: string | undefined,
    options: BuildOptions,
  ): BuildResult | undefined {
    let fallback: BuildResult | undefined
    const kinds = options.websocket === undefined ? [undefined] : [options.websocket, !options.websocket]
    for (const kind of kinds) {
      for (const compiled of rules) {
        if (kind !== undefined && compiled.rule.websocket !== kind) continue
        if (!compiled.rule.suitableFor(values, method)) continue
        const built = compiled.build(values)
        if (!built) continue
        const result = { path: built.path, host: built.host, rule: compiled.rule }
        if (!this.hostMatching || options.host === undefined || built.host === options.host.toLowerCase()) {
          return result
        }
        fallback ??= result
      }
    }
    return fallback
  }
}

const DUPLICATE_SLASHES = /\/{2,}/g
const LEADING_SLASHES = /^\/+/

interface Request {
  readonly method: string
  readonly domain: string
  readonly requested: string
  readonly websocket: boolean
}

// Werkzeug drops leading duplicate slashes silently: '//a' is '/a'.
function normalizePath(path: string): string {
  return path === '' ? '' : `/${path.replace(LEADING_SLASHES, '')}`
}

function sorted(methods: Iterable<string>): string[] {
  return [...methods].sort()
}
