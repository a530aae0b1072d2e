/**
 * Python's tuple for JavaScript: an array that stays distinguishable from a list, so that Flask's tagged
 * JSON (`{" t": [...]}`) round-trips. A tuple stored in a session comes back as a `Tuple`, a list as an
 * ordinary array. Flask's flashed messages are stored as `(category, message)` tuples.
 */

/**
 * An array marked as a tuple. `map`, `filter` and `slice` return ordinary arrays.
 *
 * @example
 * session.set('cart', tuple('apple', 3))
 * session.get('cart') instanceof Tuple // true, on the next request too
 */
export class Tuple<T = unknown> extends Array<T> {
  // Derived arrays are lists: a tuple is what was stored as one, not whatever came from it.
  static override get [Symbol.species](): ArrayConstructor {
    return Array
  }

  /** A tuple of the items of an iterable. */
  static fromItems<T>(items: Iterable<T>): Tuple<T> {
    const result = new Tuple<T>()
    for (const item of items) result.push(item)
    return result
  }
}

/**
 * A tuple of the given items.
 *
 * @example
 * tuple('info', 'Saved.') // Tuple ['info', 'Saved.']
 */
export function tuple<T extends unknown[]>(...items: T): Tuple<T[number]> {
  return Tuple.fromItems(items)
}
