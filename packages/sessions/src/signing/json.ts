/**
 * JSON text as Python's `json.dumps(value, separators=(',', ':'))` writes it, which is what itsdangerous
 * signs (`_json.py`) and what Quart puts in a session cookie: compact, keys in insertion order (or sorted,
 * as Flask does), and every character outside printable ASCII escaped as lowercase `\uXXXX`.
 * Numbers are written as JavaScript writes them (`1`, not Python's `1.0`).
 */

/** A serializer between values and text, as itsdangerous takes one (`dumps` / `loads`). */
export interface TextSerializer {
  /** The value as text. */
  dumps(value: unknown): string
  /** The value back from its text. */
  loads(text: string): unknown
}

/** How {@link compactJson} writes. */
export interface CompactJsonOptions {
  /** Sort object keys by code point, as Flask (`sort_keys=True`) does; default false, as Quart. */
  sortKeys?: boolean
}

/**
 * Writes JSON as Python's `json.dumps(value, separators=(',', ':'))`, `ensure_ascii` on.
 * Otherwise as `JSON.stringify`: `toJSON()` is called, `undefined` and functions are left out of objects
 * and become `null` in arrays, and non-finite numbers become `null`. A `Map` with string keys is written
 * as an object, in its order.
 *
 * @example
 * compactJson({ user: 'Zoë', n: [1, 2.5] }) // '{"user":"Zo\\u00eb","n":[1,2.5]}'
 * @throws TypeError for a bigint, a Set, a Map with a non-string key, a circular structure, or a
 *   top-level value JSON cannot hold (`undefined`, a function).
 */
export function compactJson(value: unknown, options: CompactJsonOptions = {}): string {
  const text = write(value, options.sortKeys ?? false, new Set())
  if (text === undefined) throw new TypeError(`${typeof value} cannot be written as JSON.`)
  return text
}

/** itsdangerous's default serializer: {@link compactJson} out, `JSON.parse` in. */
export const compactJsonSerializer: TextSerializer = {
  dumps: (value) => compactJson(value),
  loads: (text) => JSON.parse(text),
}

/**
 * A string as a JSON string literal with Python's `ensure_ascii` escaping.
 *
 * @example
 * quoteJson('é"') // '"\\u00e9\\""'
 */
export function quoteJson(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]|["\\]/g, escapeChar)}"`
}

/**
 * Compares strings by Unicode code point, as Python sorts `str` (JavaScript's `<` compares UTF-16 units,
 * which differs once a surrogate pair meets a character above U+E000).
 */
export function compareCodePoints(a: string, b: string): number {
  const as = a[Symbol.iterator]()
  const bs = b[Symbol.iterator]()
  for (;;) {
    const x = as.next()
    const y = bs.next()
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!
    if (d !== 0) return d
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

// Characters outside the BMP are already two UTF-16 units here, each escaped on its own: the surrogate pair
// Python writes.
function escapeChar(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
}

function write(value: unknown, sortKeys: boolean, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return quoteJson(value)
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null'
    case 'boolean':
      return String(value)
    case 'bigint':
      throw new TypeError(`A bigint (${value}n) cannot be written as JSON; store it as a string or number.`)
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return 'null'
  const object = value as object
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return write((object as { toJSON(): unknown }).toJSON(), sortKeys, seen)
  }
  if (seen.has(object)) throw new TypeError('A circular structure cannot be written as JSON.')
  seen.add(object)
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item) => write(item, sortKeys, seen) ?? 'null').join(',')}]`
    }
    if (object instanceof Set) throw new TypeError('A Set cannot be written as JSON; store an array.')
    const entries = object instanceof Map ? mapEntries(object) : Object.entries(object)
    if (sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b))
    const members: string[] = []
    for (const [key, item] of entries) {
      const text = write(item, sortKeys, seen)
      if (text !== undefined) members.push(`${quoteJson(key)}:${text}`)
    }
    return `{${members.join(',')}}`
  } finally {
    seen.delete(object)
  }
}

function mapEntries(map: Map<unknown, unknown>): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = []
  for (const [key, item] of map) {
    if (typeof key !== 'string') {
      throw new TypeError(
        `A Map with a ${typeof key} key cannot be written as JSON; its keys must be strings.`,
      )
    }
    entries.push([key, item])
  }
  return entries
}
