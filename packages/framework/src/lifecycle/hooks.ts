/**
 * The one runner for the functions registered per owner (the app, `null`, and blueprints),
 * in Quart's order: before-hooks from the app inwards, after- and teardown-hooks from the
 * innermost blueprint outwards, each owner's list reversed.
 */

/** The owners a request routed to `blueprints` (innermost first) runs, from the app inwards. */
export function ownersOutsideIn(blueprints: readonly string[]): Array<string | null> {
  return [null, ...[...blueprints].reverse()]
}

/** Every function of `map` for a before-hook, in order: the app's, then outer to inner blueprint. */
export function* beforeOrder<F>(
  map: ReadonlyMap<string | null, F[]>,
  blueprints: readonly string[],
): Generator<F> {
  if (map.size === 0) return
  for (const owner of ownersOutsideIn(blueprints)) {
    const list = map.get(owner)
    if (list) yield* list
  }
}

/** Every function of `map` for an after- or teardown-hook: inner blueprint to app, each list reversed. */
export function* afterOrder<F>(
  map: ReadonlyMap<string | null, F[]>,
  blueprints: readonly string[],
): Generator<F> {
  if (map.size === 0) return
  for (const owner of [...blueprints, null]) {
    const list = map.get(owner)
    if (!list) continue
    for (let i = list.length - 1; i >= 0; i--) yield list[i] as F
  }
}
