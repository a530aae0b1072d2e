/**
 * Flask's tagged JSON (`flask/json/tag.py`): JSON that keeps the types plain JSON would lose. A value of
 * such a type is written as a one-key object whose key is the type's tag, `{" t": [1, 2]}` for a tuple,
 * and read back as that type. This is the format of Flask's and Quart's session cookies.
 *
 * | tag   | JavaScript type                  | JSON value                                     |
 * | ----- | -------------------------------- | ---------------------------------------------- |
 * | `" di"` | an object whose one key is a tag | `{"<key>__": value}`                           |
 * | `" t"`  | {@link Tuple}                    | the items                                      |
 * | `" b"`  | `Uint8Array` (and `Buffer`)      | standard base64 with padding                   |
 * | `" m"`  | {@link Markup} (any `__html__`)  | the HTML                                       |
 * | `" u"`  | {@link UUID}                     | 32 hex digits                                  |
 * | `" d"`  | `Date`                           | HTTP date, whole seconds, `Tue, 02 Jan 2024 03:04:05 GMT` |
 */
import { hasHTML, Markup } from './markup.js'
import { compactJson, type TextSerializer } from './signing/json.js'
import { Tuple } from './tuple.js'
import { UUID } from './uuid.js'

/**
 * One tagged type: how to recognise its values, write them as JSON, and read them back. Subclass it and
 * {@link TaggedJSONSerializer.register} the class to store a type of your own.
 *
 * @example
 * class TagURL extends JSONTag {
 *   override readonly key = ' url'
 *   check(value: unknown) { return value instanceof URL }
 *   toJson(value: URL) { return value.href }
 *   override toValue(value: string) { return new URL(value) }
 * }
 * sessionJsonSerializer.register(TagURL)
 */
export abstract class JSONTag {
  /** The tag's key in the JSON (`' t'`); empty for a tag that only passes containers through. */
  readonly key: string = ''

  constructor(readonly serializer: TaggedJSONSerializer) {}

  /** Whether this tag handles the value. */
  abstract check(value: unknown): boolean
  /** The value as JSON-able data; the tag is added around it by {@link JSONTag.tag}. */
  abstract toJson(value: any): unknown
  /** The value back from its JSON data (Flask's `to_python`); only asked of tags with a key. */
  toValue(value: any): unknown {
    return value
  }
  /** The value as its tagged JSON: `{ [key]: toJson(value) }`. */
  tag(value: unknown): unknown {
    return { [this.key]: this.toJson(value) }
  }
}

/** A tag class, as {@link TaggedJSONSerializer.register} takes it. */
export type JSONTagClass = new (serializer: TaggedJSONSerializer) => JSONTag

/** `" di"`: an object whose only key is a tag key, which would otherwise read back as that tag. */
export class TagDict extends JSONTag {
  override readonly key = ' di'
  check(value: unknown): boolean {
    const entries = dictEntries(value)
    return entries?.length === 1 && this.serializer.tags.has(entries[0]![0])
  }
  toJson(value: object): unknown {
    const [key, item] = dictEntries(value)![0]!
    return { [`${key}__`]: this.serializer.tag(item) }
  }
  override toValue(value: unknown): unknown {
    const entry = dictEntries(value)?.[0]
    if (!entry) notTagData(this.key, value)
    const [key, item] = entry
    return { [key.slice(0, -2)]: item }
  }
}

/** Objects (plain ones, or a `Map` with string keys): their values are tagged. Read back as plain objects. */
export class PassDict extends JSONTag {
  check(value: unknown): boolean {
    return dictEntries(value) !== undefined
  }
  toJson(value: object): unknown {
    const tagged = dictEntries(value)!.map(([key, item]) => [key, this.serializer.tag(item)] as const)
    return value instanceof Map ? new Map(tagged) : Object.fromEntries(tagged)
  }
  override tag(value: unknown): unknown {
    return this.toJson(value as object)
  }
}

/** `" t"`: a {@link Tuple}. */
export class TagTuple extends JSONTag {
  override readonly key = ' t'
  check(value: unknown): boolean {
    return value instanceof Tuple
  }
  toJson(value: Tuple): unknown {
    return Array.from(value, (item) => this.serializer.tag(item))
  }
  override toValue(value: unknown): unknown {
    if (!Array.isArray(value)) notTagData(this.key, value)
    return Tuple.fromItems(value)
  }
}

/** Arrays: their items are tagged. */
export class PassList extends JSONTag {
  check(value: unknown): boolean {
    return Array.isArray(value)
  }
  toJson(value: unknown[]): unknown {
    return Array.from(value, (item) => this.serializer.tag(item))
  }
  override tag(value: unknown): unknown {
    return this.toJson(value as unknown[])
  }
}

/** `" b"`: bytes, as standard base64 with padding (not the URL-safe alphabet). Read back as a `Uint8Array`. */
export class TagBytes extends JSONTag {
  override readonly key = ' b'
  check(value: unknown): boolean {
    return value instanceof Uint8Array
  }
  toJson(value: Uint8Array): unknown {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  }
  override toValue(value: unknown): unknown {
    if (typeof value !== 'string') notTagData(this.key, value)
    return new Uint8Array(Buffer.from(value, 'base64'))
  }
}

/** `" m"`: anything with an `__html__()` method. Read back as {@link Markup}. */
export class TagMarkup extends JSONTag {
  override readonly key = ' m'
  check(value: unknown): boolean {
    return hasHTML(value)
  }
  toJson(value: { __html__(): unknown }): unknown {
    return String(value.__html__())
  }
  override toValue(value: unknown): unknown {
    return new Markup(value)
  }
}

/** `" u"`: a {@link UUID}, as its 32 hex digits. */
export class TagUUID extends JSONTag {
  override readonly key = ' u'
  check(value: unknown): boolean {
    return value instanceof UUID
  }
  toJson(value: UUID): unknown {
    return value.hex
  }
  override toValue(value: unknown): unknown {
    if (typeof value !== 'string') notTagData(this.key, value)
    return new UUID(value)
  }
}

/**
 * `" d"`: a `Date`, as an HTTP date in UTC. Only whole seconds survive, as in Flask. A date that cannot
 * be parsed reads back as `null` (Werkzeug's `parse_date` gives `None`).
 */
export class TagDateTime extends JSONTag {
  override readonly key = ' d'
  check(value: unknown): boolean {
    return value instanceof Date
  }
  toJson(value: Date): unknown {
    if (Number.isNaN(value.getTime())) throw new TypeError('An invalid Date cannot be stored.')
    return value.toUTCString() // RFC 7231's IMF-fixdate, as Werkzeug's http_date writes it
  }
  override toValue(value: unknown): unknown {
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN
    return Number.isNaN(time) ? null : new Date(time)
  }
}

/** How a {@link TaggedJSONSerializer} writes. */
export interface TaggedJSONSerializerOptions {
  /** Sort object keys, as Flask does; default false: insertion order, as Quart writes its cookies. */
  sortKeys?: boolean
}

/** Where {@link TaggedJSONSerializer.register} puts a tag. */
export interface RegisterTagOptions {
  /** Replace a tag registered under the same key instead of throwing. */
  force?: boolean
  /** Position in the order tags are tried; default last. */
  index?: number
}

/**
 * Flask's `TaggedJSONSerializer`: values to tagged JSON text and back. Tags are tried in order; the
 * first whose `check` accepts the value writes it.
 *
 * @example
 * const s = new TaggedJSONSerializer()
 * s.dumps({ cart: tuple('apple', 3) }) // '{"cart":{" t":["apple",3]}}'
 * s.loads('{"cart":{" t":["apple",3]}}') // { cart: Tuple ['apple', 3] }
 */
export class TaggedJSONSerializer implements TextSerializer {
  /** Flask's tags, in Flask's order. */
  static readonly defaultTags: readonly JSONTagClass[] = [
    TagDict,
    PassDict,
    TagTuple,
    PassList,
    TagBytes,
    TagMarkup,
    TagUUID,
    TagDateTime,
  ]

  /** The tags by key (those with a key). */
  readonly tags = new Map<string, JSONTag>()
  /** The tags in the order they are tried. */
  readonly order: JSONTag[] = []
  readonly sortKeys: boolean

  constructor(options: TaggedJSONSerializerOptions = {}) {
    this.sortKeys = options.sortKeys ?? false
    for (const tagClass of TaggedJSONSerializer.defaultTags) this.register(tagClass)
    this.#defaultOrder = [...this.order]
  }

  /** The default tags as the constructor registered them: while they are all there is, the fast paths hold. */
  readonly #defaultOrder: readonly JSONTag[]

  /**
   * Adds a tag, last in the order unless `index` says where.
   *
   * @throws Error when a tag with the same key is registered and `force` is not set.
   */
  register(tagClass: JSONTagClass, options: RegisterTagOptions = {}): JSONTag {
    const tag = new tagClass(this)
    if (tag.key) {
      const existing = this.tags.get(tag.key)
      if (existing && !options.force) {
        throw new Error(
          `Tag ${JSON.stringify(tag.key)} is already registered. Pass { force: true } to replace it.`,
        )
      }
      // Flask leaves a replaced tag in the order, where it would still write values; remove it.
      if (existing) this.order.splice(this.order.indexOf(existing), 1)
      this.tags.set(tag.key, tag)
    }
    if (options.index === undefined) this.order.push(tag)
    else this.order.splice(options.index, 0, tag)
    return tag
  }

  /** The value with every tagged type, however deep, converted to its tagged JSON data. */
  tag(value: unknown): unknown {
    for (const tag of this.order) if (tag.check(value)) return tag.tag(value)
    return value
  }

  /** A one-key object whose key is a registered tag, converted back to its value; anything else as it is. */
  untag(value: Record<string, unknown>): unknown {
    const keys = Object.keys(value)
    if (keys.length !== 1) return value
    const tag = this.tags.get(keys[0]!)
    return tag ? tag.toValue(value[keys[0]!]) : value
  }

  /**
   * The value as tagged JSON text.
   *
   * @throws TypeError for a value JSON cannot hold (see `compactJson`).
   */
  dumps(value: unknown): string {
    // Fast path: an object of plain values (a session, mostly) tags to a copy of itself, so write it as it is.
    if (
      this.#onlyDefaults() &&
      this.tag === TaggedJSONSerializer.prototype.tag &&
      this.#untaggedDict(value)
    ) {
      return compactJson(value, { sortKeys: this.sortKeys })
    }
    return compactJson(this.tag(value), { sortKeys: this.sortKeys })
  }

  #onlyDefaults(): boolean {
    const order = this.order
    const defaults = this.#defaultOrder
    if (order.length !== defaults.length) return false
    for (let i = 0; i < order.length; i++) if (order[i] !== defaults[i]) return false
    return true
  }

  // Whether the default tags leave the value as it is: a Map or plain object whose values are all
  // strings, numbers, booleans, null or undefined (no default tag takes one), and which is not a
  // one-key object whose key is a tag's (TagDict would wrap that).
  #untaggedDict(value: unknown): boolean {
    let size = 0
    let first: unknown
    if (value instanceof Map) {
      for (const [key, item] of value) {
        if (size++ === 0) first = key
        if (!isPlain(item)) return false
      }
    } else {
      if (typeof value !== 'object' || value === null) return false
      const proto = Object.getPrototypeOf(value)
      if (proto !== Object.prototype && proto !== null) return false
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue
        if (size++ === 0) first = key
        if (!isPlain((value as Record<string, unknown>)[key])) return false
      }
    }
    return !(size === 1 && typeof first === 'string' && this.tags.has(first))
  }

  /**
   * The value of tagged JSON text, tags converted back, innermost first.
   *
   * @throws SyntaxError for text that is not JSON; TypeError for tagged data of the wrong shape.
   */
  loads(text: string): unknown {
    const value = JSON.parse(text)
    // Fast path: when no tag's key can be in the text, the scan would only copy what JSON.parse made.
    if (
      this.#onlyDefaults() &&
      this.untag === TaggedJSONSerializer.prototype.untag &&
      !this.#mayHoldTag(text)
    ) {
      return value
    }
    return this.#untagScan(value)
  }

  // A key is written as `"key"`, unless escaped: any backslash, or any tag's key in quotes, may be one.
  #mayHoldTag(text: string): boolean {
    if (text.includes('\\')) return true
    for (const key of this.tags.keys()) if (text.includes(`"${key}"`)) return true
    return false
  }

  #untagScan(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.#untagScan(item))
    if (typeof value === 'object' && value !== null) {
      // fromEntries defines keys, so a "__proto__" key stays data.
      const scanned = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.#untagScan(v)]))
      return this.untag(scanned)
    }
    return value
  }
}

/** The serializer Flask's and Quart's session cookies use (Flask's `session_json_serializer`). */
export const sessionJsonSerializer = new TaggedJSONSerializer()

function isPlain(value: unknown): boolean {
  const type = typeof value
  return type === 'string' || type === 'number' || type === 'boolean' || value === null || value === undefined
}

function dictEntries(value: unknown): Array<[string, unknown]> | undefined {
  // A Map's non-string keys are refused later, by the JSON writer.
  if (value instanceof Map) return [...value] as Array<[string, unknown]>
  if (typeof value !== 'object' || value === null) return undefined
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null ? Object.entries(value) : undefined
}

function notTagData(key: string, value: unknown): never {
  throw new TypeError(`Tag ${JSON.stringify(key)} cannot read ${JSON.stringify(value)}.`)
}
