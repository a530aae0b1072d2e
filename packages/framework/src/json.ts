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
