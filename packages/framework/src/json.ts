/**
 * Flagon's JSON provider, Quart's `DefaultJSONProvider` (quart-behaviour.md §1.14): keys sorted and
 * non-ASCII escaped by default, dates as HTTP dates, and responses that end with a newline.
 */
import { Response } from './wrappers/response.js'

/** How `dumps` writes JSON. */
export interface DumpsOptions {
  /** Spaces per level; each item then goes on its own line. */
  indent?: number
  /** No spaces after `,` and `:`, as responses are sent; otherwise Python's `", "` and `": "`. */
  compact?: boolean
  /** Sort object keys (Quart's default). */
  sortKeys?: boolean
  /** Escape every non-ASCII character as `\uXXXX` (Quart's default, `ensure_ascii`). */
  asciiOnly?: boolean
}

/** What turns values into JSON text and back; assign your own to `app.json` to change both. */
export interface JSONProvider {
  dumps(value: unknown, options?: DumpsOptions): string
  loads(text: string): unknown
}

/**
 * Quart's JSON rules for JavaScript values: a Date becomes an HTTP date, a bigint a string, a Map an
 * object, a Set an array; `toJSON` and markup's `__html__` are honoured; everything else is as
 * `JSON.stringify` has it (undefined and functions dropped, NaN as null).
 *
 * @example
 * new DefaultJSONProvider().dumps({ b: 1, a: 'é' }) // '{"a": "\u00e9", "b": 1}'
 */
export class DefaultJSONProvider implements JSONProvider {
  readonly sortKeys: boolean
  readonly asciiOnly: boolean

  constructor(options: { sortKeys?: boolean; asciiOnly?: boolean } = {}) {
    this.sortKeys = options.sortKeys ?? true
    this.asciiOnly = options.asciiOnly ?? true
  }

  /**
   * Serializes a value; the top-level `undefined` is `null`, as Python's None.
   *
   * @throws TypeError for a circular structure.
   */
  dumps(value: unknown, options: DumpsOptions = {}): string {
    const { indent, compact = false, sortKeys = this.sortKeys, asciiOnly = this.asciiOnly } = options
    const fast = viaStringify(value, indent, compact, sortKeys, asciiOnly)
    if (fast !== undefined) return fast
    const writer = new Writer(sortKeys, asciiOnly, indent, compact)
    return writer.write(value, '', '') ?? 'null'
  }

  /**
   * Parses JSON text.
   *
   * @throws SyntaxError when the text is not JSON.
   */
  loads(text: string): unknown {
    return JSON.parse(text)
  }
}

/** The provider used when no app supplies one. */
export const defaultJSONProvider: DefaultJSONProvider = new DefaultJSONProvider()

/** The options of `jsonResponse`; the app passes its DEBUG and JSON config. */
export interface JSONResponseOptions {
  /** Indent by 2 for reading, as Quart does in debug mode; otherwise compact. */
  debug?: boolean
  sortKeys?: boolean
  asciiOnly?: boolean
  /** Defaults to `application/json`. */
  mimetype?: string
  provider?: JSONProvider
}

/** A JSON response for one value, as Quart's `app.json.response`: compact (indented in debug), ending in "\n". */
export function jsonResponse(value: unknown, options: JSONResponseOptions = {}): Response {
  const { debug = false, provider = defaultJSONProvider, mimetype = 'application/json' } = options
  const dumps: DumpsOptions = debug ? { indent: 2 } : { compact: true }
  if (options.sortKeys !== undefined) dumps.sortKeys = options.sortKeys
  if (options.asciiOnly !== undefined) dumps.asciiOnly = options.asciiOnly
  return new Response(`${provider.dumps(value, dumps)}\n`, { mimetype })
}

/**
 * A JSON response, as Quart's `jsonify`: no argument gives `null`, one gives itself, several a list.
 * It needs no app; a view's returned object is made JSON in the app's style (debug indent) anyway.
 *
 * @example
 * return jsonify([1, 201])  // a JSON list, where returning [1, 201] would be a (body, status) tuple
 */
export function jsonify(...values: unknown[]): Response {
  return jsonResponse(values.length === 0 ? null : values.length === 1 ? values[0] : values)
}

/**
 * The fast path: what a view usually returns (plain objects and arrays of strings, numbers, booleans
 * and null, keys already in order) comes out of the native JSON.stringify exactly as the Writer would
 * write it, several times faster. `undefined` when the value needs the Writer: a Date, Map, Set,
 * bigint, class instance, `toJSON` or `__html__`, keys out of order, a sparse array, Python's spaced
 * separators, or an indent JSON.stringify cannot make.
 */
function viaStringify(
  value: unknown,
  indent: number | undefined,
  compact: boolean,
  sortKeys: boolean,
  asciiOnly: boolean,
): string | undefined {
  if (indent === undefined ? !compact : !(Number.isInteger(indent) && indent >= 1 && indent <= 10)) {
    return undefined
  }
  if (!isPlainJson(value, sortKeys, 0)) return undefined
  const json = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent)
  if (json === undefined) return 'null'
  // Outside strings JSON has only ASCII, and inside them JSON.stringify has already escaped the
  // control characters: what is left above \x7e is what the Writer escapes (ensure_ascii).
  return asciiOnly && NOT_ASCII.test(json) ? json.replace(NOT_ASCII_ALL, escapeUnicode) : json
}

const NOT_ASCII = /[\x7f-\uffff]/
const NOT_ASCII_ALL = /[\x7f-\uffff]/g
const escapeUnicode = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

// Deeper than this, the Writer decides (it also reports a circular structure in its own words).
const MAX_FAST_DEPTH = 64

/** True when JSON.stringify writes `value` as the Writer would (see viaStringify). */
function isPlainJson(value: unknown, sortKeys: boolean, depth: number): boolean {
  if (typeof value !== 'object') return typeof value !== 'bigint'
  if (value === null) return true
  if (depth > MAX_FAST_DEPTH) return false
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !isPlainJson(value[i], sortKeys, depth + 1)) return false
    }
    return true
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  const object = value as Record<string, unknown>
  if (typeof object.toJSON === 'function' || typeof object.__html__ === 'function') return false
  let previous: string | undefined
  for (const key of Object.keys(object)) {
    if (sortKeys && previous !== undefined && !(previous < key)) return false
    previous = key
    if (!isPlainJson(object[key], sortKeys, depth + 1)) return false
  }
  return true
}

/** One serialization: the options, and the objects being written, to catch cycles. */
class Writer {
  readonly #stack = new Set<object>()

  constructor(
    readonly sortKeys: boolean,
    readonly asciiOnly: boolean,
    readonly indent: number | undefined,
    readonly compact: boolean,
  ) {}

  /** The JSON for a value, or undefined for what JSON.stringify leaves out (undefined, functions, symbols). */
  write(value: unknown, key: string, depth: string): string | undefined {
    const prepared = prepare(value, key)
    switch (typeof prepared) {
      case 'string':
        return this.string(prepared)
      case 'number':
        return Number.isFinite(prepared) ? String(prepared) : 'null'
      case 'boolean':
        return String(prepared)
      case 'object':
        if (prepared === null) return 'null'
        return this.container(prepared, depth)
      default:
        return undefined
    }
  }

  container(value: object, depth: string): string {
    if (this.#stack.has(value)) throw new TypeError('Cannot serialize a circular structure to JSON.')
    this.#stack.add(value)
    const inner = this.indent === undefined ? '' : depth + ' '.repeat(this.indent)
    let parts: string[]
    let open = '['
    if (Array.isArray(value)) {
      parts = value.map((item, i) => this.write(item, String(i), inner) ?? 'null')
    } else {
      open = '{'
      const entries = Object.entries(value)
      if (this.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const colon = this.compact ? ':' : ': '
      parts = []
      for (const [name, item] of entries) {
        const json = this.write(item, name, inner)
        if (json !== undefined) parts.push(this.string(name) + colon + json)
      }
    }
    this.#stack.delete(value)
    const close = open === '[' ? ']' : '}'
    if (parts.length === 0) return open + close
    // Python's json: with an indent, items end with "," and a newline; without, "," or ", ".
    if (this.indent !== undefined) return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${depth}${close}`
    return open + parts.join(this.compact ? ',' : ', ') + close
  }

  string(text: string): string {
    const json = JSON.stringify(text)
    return this.asciiOnly
      ? json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      : json
  }
}

// Flask's _default, in JavaScript's terms, applied before a value is written.
function prepare(value: unknown, key: string): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object' || value === null) return value
  // Flask: dates are sent as HTTP dates, e.g. "Tue, 02 Jan 2024 03:04:05 GMT".
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toUTCString()
  const object = value as { __html__?: unknown; toJSON?: unknown }
  if (typeof object.__html__ === 'function') return String(object.__html__())
  if (typeof object.toJSON === 'function') return prepare(object.toJSON(key), key)
  // Boxed primitives, as JSON.stringify unboxes them.
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return value.valueOf()
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]))
  if (value instanceof Set) return [...value]
  return value
}
