/**
 * The error `UrlMap.build` (and so `urlFor`) throws: it carries what was asked for and says what to
 * change. Werkzeug's `BuildError` (routing/exceptions.py), with the diagnosis in the message.
 */
import type { Rule } from './rule.js'

/** What a `BuildError` carries; `missing` and `suggestion` are set when they apply. */
export interface BuildErrorInit {
  readonly endpoint: string
  readonly values: Readonly<Record<string, unknown>>
  readonly method: string | undefined
  readonly suggestion?: string | undefined
  readonly missing?: readonly string[]
  readonly reason: string
}

/**
 * No URL could be built for an endpoint with the values given.
 * @example
 * try { map.build('user.sho', {}) } catch (error) {
 *   if (error instanceof BuildError) error.suggestion // 'user.show'
 * }
 */
export class BuildError extends Error {
  readonly endpoint: string
  readonly values: Readonly<Record<string, unknown>>
  readonly method: string | undefined
  /** The registered endpoint whose name is closest, when the endpoint is unknown and one is close. */
  readonly suggestion: string | undefined
  /** The parameters the endpoint's closest rule needs and the values lack. */
  readonly missing: readonly string[]

  constructor(init: BuildErrorInit) {
    const method = init.method === undefined ? '' : `, method ${init.method}`
    super(`urlFor(${JSON.stringify(init.endpoint)}${method}): ${init.reason}`)
    this.name = 'BuildError'
    this.endpoint = init.endpoint
    this.values = init.values
    this.method = init.method
    this.suggestion = init.suggestion
    this.missing = init.missing ?? []
  }
}

/**
 * Explains why none of an endpoint's rules could build a URL, naming the closest rule's missing values.
 * `endpoints` are all the registered ones, used to suggest a name when `rules` is empty.
 */
export function explainBuildFailure(
  endpoint: string,
  values: Readonly<Record<string, unknown>>,
  method: string | undefined,
  rules: readonly Rule[],
  endpoints: Iterable<string>,
): BuildError {
  const base = { endpoint, values, method }
  if (rules.length === 0) {
    const suggestion = closestName(endpoint, endpoints)
    const hint =
      suggestion === undefined
        ? ' Check the name, or register a route for it.'
        : ` Did you mean "${suggestion}"?`
    return new BuildError({ ...base, suggestion, reason: `there is no endpoint of that name.${hint}` })
  }
  const usable = rules.filter((rule) => method === undefined || rule.methods.has(method))
  if (usable.length === 0) {
    const accepted = [...new Set(rules.flatMap((rule) => [...rule.methods]))].sort().join(', ')
    return new BuildError({
      ...base,
      reason: `no rule for this endpoint accepts ${method}; its rules accept ${accepted}. Pass one of those as the method.`,
    })
  }
  const scored = usable.map((rule) => ({
    rule,
    missing: [...rule.arguments].filter((name) => !(name in rule.defaults) && !(name in values)),
    conflicts: Object.keys(rule.defaults).filter(
      (name) => name in values && values[name] !== rule.defaults[name],
    ),
  }))
  scored.sort((a, b) => a.missing.length + a.conflicts.length - (b.missing.length + b.conflicts.length))
  const best = scored[0]!
  if (best.missing.length > 0) {
    const names = best.missing.map((name) => `"${name}"`).join(', ')
    const noun = best.missing.length === 1 ? 'a value' : 'values'
    return new BuildError({
      ...base,
      missing: best.missing,
      reason: `the rule "${best.rule.path}" needs ${noun} for ${names}; pass ${best.missing.length === 1 ? 'it' : 'them'} in the values.`,
    })
  }
  if (best.conflicts.length > 0) {
    const fixed = best.conflicts
      .map((name) => `${name}=${JSON.stringify(best.rule.defaults[name])}`)
      .join(', ')
    return new BuildError({
      ...base,
      reason: `the rule "${best.rule.path}" fixes ${fixed}, and the values differ; no other rule of this endpoint fits.`,
    })
  }
  return new BuildError({
    ...base,
    reason: `a converter of the rule "${best.rule.path}" refused one of the values; check their types.`,
  })
}

/** The candidate most like `name`, if any is at least half alike (by edit distance). */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestScore = 0.499
  for (const candidate of candidates) {
    const score = 1 - editDistance(name, candidate) / Math.max(name.length, candidate.length, 1)
    if (score > bestScore) {
      best = candidate
      bestScore = score
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost))
    }
    previous = current
  }
  return previous[b.length]!
}
