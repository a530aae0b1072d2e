/**
 * The order in which the matcher tries the dynamic parts at one point of the path: Werkzeug's `Weighting`
 * (routing/rules.py). More literal text first, then longer text, then more converters, then lighter
 * converters (int 50 before string 100 before path 200). So `/<int:id>` is tried before `/<name>`, and
 * `/page-<n>` before `/<slug>`.
 */
import type { Converter } from './converters.js'
import type { RuleToken } from './syntax.js'

/** A part's sort key, compared field by field like Python's tuple. */
export interface Weighting {
  readonly staticCount: number
  readonly staticWeights: ReadonlyArray<readonly [number, number]>
  readonly argumentCount: number
  readonly argumentWeights: readonly number[]
}

/** Weighs a part from its tokens (slashes inside a final part count for nothing, as in Werkzeug). */
export function weighPart(pieces: ReadonlyArray<{ token: RuleToken; converter?: Converter }>): Weighting {
  const staticWeights: Array<readonly [number, number]> = []
  const argumentWeights: number[] = []
  for (const { token, converter } of pieces) {
    if (token.kind === 'static') staticWeights.push([staticWeights.length, -token.text.length])
    else if (converter) argumentWeights.push(converter.weight ?? 100)
  }
  return {
    staticCount: -staticWeights.length,
    staticWeights,
    argumentCount: -argumentWeights.length,
    argumentWeights,
  }
}

/** Compares two weightings; negative when `a` is tried first. */
export function compareWeights(a: Weighting, b: Weighting): number {
  return (
    a.staticCount - b.staticCount ||
    compareLists(a.staticWeights, b.staticWeights, (x, y) => x[0] - y[0] || x[1] - y[1]) ||
    a.argumentCount - b.argumentCount ||
    compareLists(a.argumentWeights, b.argumentWeights, (x, y) => x - y)
  )
}

// Python's list ordering: the first difference decides, else the shorter list comes first.
function compareLists<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compare(a[i] as T, b[i] as T)
    if (order !== 0) return order
  }
  return a.length - b.length
}
