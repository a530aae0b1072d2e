/**
 * Finds the rule for a path: Werkzeug's StateMachineMatcher (routing/matcher.py), a trie of parts. Literal
 * segments are `Map` lookups, so a static route costs one lookup per segment whatever the number of rules,
 * and a dynamic part is only tried by requests that reached its branch. At each node: the literal child
 * first, then the dynamic ones by weight, backtracking when a converter says no.
 */
import type { CompiledRule, DynamicPart } from './compile.js'
import { ValidationError } from './converters.js'
import { compareWeights } from './weight.js'

interface Edge {
  readonly part: DynamicPart
  readonly state: State
}

class State {
  readonly static = new Map<string, State>()
  readonly dynamic: Edge[] = []
  readonly rules: CompiledRule[] = []
}

/** What one search found: a rule and its converted values, or why there is none. */
export interface SearchResult {
  rule: CompiledRule | undefined
  values: unknown[]
  /** The path matches a strict-slashes rule once a `/` is added: redirect there. */
  slashRequired: boolean
  /** Methods of rules whose path matched but whose methods did not include the request's; made on the first. */
  allowed: Set<string> | undefined
  websocketMismatch: boolean
}

// Parts left after a suffixed final part swallowed a trailing slash (Werkzeug: remaining = [""]).
const TRAILING_SLASH: readonly string[] = ['']

/** The rule trie of one `UrlMap`. */
export class Matcher {
  readonly #root = new State()
  /** How many dynamic parts (converter or regex runs) searches have tried, for tests and diagnostics. */
  dynamicTests = 0

  /** Adds a compiled rule; identical dynamic parts share one branch, as in Werkzeug. */
  add(compiled: CompiledRule): void {
    let state = this.#root
    for (const part of compiled.parts) {
      if (part.static) {
        const next = state.static.get(part.text) ?? new State()
        state.static.set(part.text, next)
        state = next
        continue
      }
      let edge = state.dynamic.find((candidate) => candidate.part.key === part.key)
      if (!edge) {
        edge = { part, state: new State() }
        state.dynamic.push(edge)
        // Stable sort: equal weights keep registration order.
        state.dynamic.sort((a, b) => compareWeights(a.part.weight, b.part.weight))
      }
      state = edge.state
    }
    state.rules.push(compiled)
  }

  /**
   * Searches for the first rule, in Werkzeug's order, that matches the domain and path and accepts the
   * method and kind of request. Pass the same `result` to a second search to accumulate `allowed`.
   */
  search(
    domain: string,
    path: string,
    method: string,
    websocket: boolean,
    result = emptyResult(),
  ): SearchResult {
    const search: Search = { method, websocket, result }
    const parts = path.split('/')
    parts.unshift(domain)
    result.rule = this.#visit(this.#root, parts, 0, search)
    if (!result.rule) result.values.length = 0
    return result
  }

  #visit(state: State, parts: readonly string[], index: number, search: Search): CompiledRule | undefined {
    const { result } = search
    if (index === parts.length) {
      for (const rule of state.rules) if (this.#accepts(rule, search)) return rule
      // The path would match with a trailing slash: a strict rule asks for a redirect, a lax one matches.
      for (const rule of state.static.get('')?.rules ?? []) {
        if (rule.rule.websocket !== search.websocket || !rule.rule.methods.has(search.method)) continue
        if (!rule.rule.strictSlashes) return rule
        result.slashRequired = true
        return undefined
      }
      return undefined
    }
    const segment = parts[index]!
    const literal = state.static.get(segment)
    if (literal) {
      const found = this.#visit(literal, parts, index + 1, search)
      if (found || result.slashRequired) return found
    }
    for (const { part, state: next } of state.dynamic) {
      const mark = result.values.length
      let target = segment
      let rest = parts
      let restIndex = index + 1
      if (part.final) {
        target = parts.slice(index).join('/')
        restIndex = parts.length
        if (part.suffixed && target.endsWith('/')) {
          target = target.slice(0, -1)
          rest = TRAILING_SLASH
          restIndex = 0
        }
      }
      if (this.#test(part, target, result.values)) {
        const found = this.#visit(next, rest, restIndex, search)
        if (found || result.slashRequired) return found
      }
      result.values.length = mark
    }
    // Only a trailing slash is left: rules without strict slashes match anyway.
    if (index === parts.length - 1 && segment === '') {
      for (const rule of state.rules) if (!rule.rule.strictSlashes && this.#accepts(rule, search)) return rule
    }
    return undefined
  }

  #accepts(compiled: CompiledRule, { method, websocket, result }: Search): boolean {
    const { rule } = compiled
    if (!rule.methods.has(method)) {
      result.allowed ??= new Set()
      for (const allowed of rule.methods) result.allowed.add(allowed)
    } else if (rule.websocket !== websocket) result.websocketMismatch = true
    else return true
    return false
  }

  // Runs the part's matcher (if it needs one) and converters, pushing the converted values.
  #test(part: DynamicPart, target: string, values: unknown[]): boolean {
    this.dynamicTests++
    try {
      if (!part.matcher) {
        values.push(part.converters[0]!.toValue(target))
        return true
      }
      const found = part.matcher(target)
      if (!found) return false
      for (let i = 0; i < part.converters.length; i++) {
        const raw = found.params[part.keys[i]!]
        if (typeof raw !== 'string') return false
        values.push(part.converters[i]!.toValue(raw))
      }
      return true
    } catch (error) {
      if (error instanceof ValidationError) return false
      throw error
    }
  }
}

interface Search {
  readonly method: string
  readonly websocket: boolean
  readonly result: SearchResult
}

function emptyResult(): SearchResult {
  return { rule: undefined, values: [], slashRequired: false, allowed: undefined, websocketMismatch: false }
}
