/**
 * Converters turn one matched piece of a URL into a view argument, and a value back into URL text.
 * They are Werkzeug's (routing/converters.py), minus the regexes: path-to-regexp 8 has no per-parameter
 * patterns, so each converter validates in `toValue` what Werkzeug's regex would have refused.
 */

/**
 * Thrown by a converter's `toValue` to say "this URL does not match the rule"; the router then tries the
 * next rule, as it would after a failed regex. Thrown by `toUrl`, it makes `build` skip the rule.
 */
export class ValidationError extends Error {
  constructor(message = 'the value does not fit the converter') {
    super(message)
    this.name = 'ValidationError'
  }
}

/** One argument written in a rule, as in `<int(signed=True, min=0):id>`; a gap is `undefined`. */
export type ConverterArg = string | number | boolean | null | undefined

/**
 * What a converter does: `toValue` parses the percent-decoded URL text (throw `ValidationError` for "no
 * match"); `toUrl` turns a value back into plain, unencoded text (the router percent-encodes it).
 */
export interface Converter {
  toValue(raw: string): unknown
  toUrl(value: unknown): string
  /** Orders rules that differ only here: lower is tried first (int and float 50, default 100, path 200). */
  readonly weight?: number
  /** `false` when the value may contain slashes, as `path`'s does; such a part is matched after the others. */
  readonly partIsolating?: boolean
}

/**
 * A converter class as registered in `UrlMap.converters`. Rule arguments arrive positionally; keyword
 * arguments are placed by the class's static `argumentNames`, when it has one.
 */
export type ConverterClass = (new (
  ...args: Array<string | number | boolean | null>
) => Converter) & { readonly argumentNames?: readonly string[] }

/**
 * The base for custom converters: any single segment, kept as a string, weight 100.
 * @example
 * class ListConverter extends BaseConverter {
 *   override toValue(raw: string) { return raw.split(',') }
 *   override toUrl(value: unknown) { return (value as string[]).join(',') }
 * }
 * map.converters.set('list', ListConverter)
 */
export class BaseConverter implements Converter {
  readonly weight: number = 100
  readonly partIsolating: boolean = true
  toValue(raw: string): unknown {
    return raw
  }
  toUrl(value: unknown): string {
    return String(value)
  }
}

/** `<name>` or `<string(minlength=1, maxlength=None, length=None):name>`: one segment, length-checked. */
export class StringConverter extends BaseConverter {
  static readonly argumentNames = ['minlength', 'maxlength', 'length']
  readonly #min: number
  readonly #max: number
  constructor(minlength: ConverterArg = 1, maxlength: ConverterArg = null, length: ConverterArg = null) {
    super()
    const exact = optionalInt('string', 'length', length)
    this.#min = exact ?? optionalInt('string', 'minlength', minlength) ?? 1
    this.#max = exact ?? optionalInt('string', 'maxlength', maxlength) ?? Number.POSITIVE_INFINITY
  }
  override toValue(raw: string): string {
    // Python counts code points, not UTF-16 units.
    const length = [...raw].length
    if (length < this.#min || length > this.#max) throw new ValidationError()
    return raw
  }
}

/** `<path:name>`: the rest of the path, slashes included; tried after every other converter (weight 200). */
export class PathConverter extends BaseConverter {
  override readonly weight = 200
  override readonly partIsolating = false
  override toValue(raw: string): string {
    // Werkzeug's regex is [^/].*? : a path never starts with a slash (so '//' can be merged and redirected).
    if (raw === '' || raw.startsWith('/')) throw new ValidationError()
    return raw
  }
}

/** `<any(a, b, "c,d"):name>`: one of the listed items. */
export class AnyConverter extends BaseConverter {
  readonly items: ReadonlySet<string>
  constructor(...items: ConverterArg[]) {
    super()
    if (items.length === 0) throw new Error('any() needs at least one item, as in <any(about, help):page>.')
    this.items = new Set(items.map(String))
  }
  override toValue(raw: string): string {
    if (!this.items.has(raw)) throw new ValidationError()
    return raw
  }
  /** @throws Error when the value is not one of the items (as Werkzeug 2.2+ does). */
  override toUrl(value: unknown): string {
    const text = String(value)
    if (this.items.has(text)) return text
    const valid = [...this.items].sort().map((item) => `"${item}"`)
    throw new Error(`"${text}" is not one of ${valid.join(', ')}; pass one of them to build this URL.`)
  }
}

const DIGITS = /^\d+$/
const SIGNED_DIGITS = /^-?\d+$/
const DECIMAL = /^\d+\.\d+$/
const SIGNED_DECIMAL = /^-?\d+\.\d+$/

/** `<int(fixed_digits=0, min=None, max=None, signed=False):name>`: digits, as a number (`007` gives 7). */
export class IntConverter extends BaseConverter {
  static readonly argumentNames = ['fixedDigits', 'min', 'max', 'signed']
  override readonly weight = 50
  readonly #digits: number
  readonly #min: number | undefined
  readonly #max: number | undefined
  readonly #pattern: RegExp
  constructor(
    fixedDigits: ConverterArg = 0,
    min: ConverterArg = null,
    max: ConverterArg = null,
    signed: ConverterArg = false,
  ) {
    super()
    this.#digits = optionalInt('int', 'fixed_digits', fixedDigits) ?? 0
    this.#min = optionalNumber('int', 'min', min)
    this.#max = optionalNumber('int', 'max', max)
    this.#pattern = flag('int', 'signed', signed) ? SIGNED_DIGITS : DIGITS
  }
  override toValue(raw: string): number {
    if (!this.#pattern.test(raw) || (this.#digits && raw.length !== this.#digits)) throw new ValidationError()
    const value = Number(raw)
    // A number JavaScript cannot hold exactly would be silently wrong: treat it as no match.
    if (!Number.isSafeInteger(value)) throw new ValidationError()
    return checkRange(value, this.#min, this.#max)
  }
  /** @throws TypeError when the value is not an integer. */
  override toUrl(value: unknown): string {
    const number = typeof value === 'bigint' ? value : Math.trunc(Number(value))
    if (typeof number === 'number' && !Number.isFinite(number)) {
      throw new TypeError(`int converter: cannot put ${JSON.stringify(value)} in a URL; pass an integer.`)
    }
    const text = String(number)
    const sign = text.startsWith('-') ? '-' : ''
    return sign + text.slice(sign.length).padStart(this.#digits - sign.length, '0')
  }
}

/** `<float(min=None, max=None, signed=False):name>`: a decimal with a dot (`1.5`; `1` does not match). */
export class FloatConverter extends BaseConverter {
  static readonly argumentNames = ['min', 'max', 'signed']
  override readonly weight = 50
  readonly #min: number | undefined
  readonly #max: number | undefined
  readonly #pattern: RegExp
  constructor(min: ConverterArg = null, max: ConverterArg = null, signed: ConverterArg = false) {
    super()
    this.#min = optionalNumber('float', 'min', min)
    this.#max = optionalNumber('float', 'max', max)
    this.#pattern = flag('float', 'signed', signed) ? SIGNED_DECIMAL : DECIMAL
  }
  override toValue(raw: string): number {
    if (!this.#pattern.test(raw)) throw new ValidationError()
    return checkRange(Number(raw), this.#min, this.#max)
  }
  /** @throws TypeError when the value is not a finite number. */
  override toUrl(value: unknown): string {
    const number = Number(value)
    if (!Number.isFinite(number)) {
      throw new TypeError(`float converter: cannot put ${JSON.stringify(value)} in a URL; pass a number.`)
    }
    // Never exponent notation, and always a dot, so the URL matches the converter again (Python gives 1.0).
    const text = number.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 })
    return text.includes('.') ? text : `${text}.0`
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `<uuid:name>`: 8-4-4-4-12 hex digits, given to the view as a lowercase string. */
export class UuidConverter extends BaseConverter {
  override toValue(raw: string): string {
    if (!UUID.test(raw)) throw new ValidationError()
    return raw.toLowerCase()
  }
  override toUrl(value: unknown): string {
    return String(value).toLowerCase()
  }
}

/** The converters every map starts with, by the name a rule uses; `default` is what `<name>` means. */
export const defaultConverters: ReadonlyMap<string, ConverterClass> = new Map<string, ConverterClass>([
  ['default', StringConverter],
  ['string', StringConverter],
  ['int', IntConverter],
  ['float', FloatConverter],
  ['path', PathConverter],
  ['uuid', UuidConverter],
  ['any', AnyConverter],
])

function checkRange(value: number, min: number | undefined, max: number | undefined): number {
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) throw new ValidationError()
  return value
}

function optionalNumber(converter: string, name: string, value: ConverterArg): number | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value !== 'number') {
    throw new TypeError(`${converter}(${name}=${String(value)}): ${name} must be a number or None.`)
  }
  return value
}

function optionalInt(converter: string, name: string, value: ConverterArg): number | undefined {
  const number = optionalNumber(converter, name, value)
  if (number !== undefined && !Number.isInteger(number)) {
    throw new TypeError(`${converter}(${name}=${number}): ${name} must be a whole number.`)
  }
  return number
}

function flag(converter: string, name: string, value: ConverterArg): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${converter}(${name}=${String(value)}): ${name} must be True or False.`)
  }
  return value
}
