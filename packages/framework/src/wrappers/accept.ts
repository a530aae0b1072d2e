/**
 * Content negotiation: the parsed `Accept`, `Accept-Language`, `Accept-Charset` and
 * `Accept-Encoding` headers, as Werkzeug's `Accept` family (datastructures/accept.py, 3.1).
 * Values are sorted by specificity, then quality, both descending, keeping the client's order
 * among equals; `bestMatch` picks among what the app can offer.
 */
import { dumpOptionsHeader, parseListHeader, parseOptionsHeader } from './header-values.js'

/**
 * A parsed accept header: `[value, quality]` pairs, most specific and preferred first.
 * Comparisons follow the header's rules (`*` matches anything; case is ignored).
 *
 * Werkzeug's semantics are kept, including one trap: `includes` is true for a value the client
 * listed with `q=0` (a refusal). Use `quality(value) > 0` or `bestMatch` to decide what to send.
 * @example
 * request.acceptMimetypes.bestMatch(['application/json', 'text/html']) // 'text/html' for a browser
 */
export class Accept implements Iterable<[string, number]> {
  /** False when the client sent no such header (then everything is acceptable by default). */
  readonly provided: boolean
  readonly #items: ReadonlyArray<readonly [string, number]>

  /** `null` means the header was absent; otherwise the `[value, quality]` pairs, in any order. */
  constructor(values: Iterable<readonly [string, number]> | null = []) {
    this.provided = values !== null
    const items = [...(values ?? [])].map(([value, quality]) => [value, quality] as const)
    // Array#sort is stable, as Python's sorted(reverse=True) is: equal items keep the client's order.
    items.sort((a, b) => compareTuples(this.specificity(b[0]), this.specificity(a[0])) || b[1] - a[1])
    this.#items = items
  }

  /**
   * Parses a header value as Werkzeug's `parse_accept_header`: an item with an invalid `q`
   * (not a number from 0 to 1) is dropped; other parameters stay in the value.
   */
  static parse<T extends Accept>(
    this: new (
      values: Array<[string, number]> | null,
    ) => T,
    header: string | null,
  ): T {
    if (!header) return new this(null)
    const items: Array<[string, number]> = []
    for (const item of parseListHeader(header)) {
      const [value, options] = parseOptionsHeader(item)
      let quality = 1
      if ('q' in options) {
        const q = (options.q ?? '').trim()
        delete options.q
        if (!/^-?\d+(\.\d+)?$/.test(q)) continue
        quality = Number(q)
        if (quality < 0 || quality > 1) continue
      }
      items.push([Object.keys(options).length > 0 ? dumpOptionsHeader(value, options) : value, quality])
    }
    return new this(items)
  }

  /** The number of values. */
  get length(): number {
    return this.#items.length
  }

  /** The client's first choice, or `null` when it listed nothing. */
  get best(): string | null {
    return this.#items[0]?.[0] ?? null
  }

  /** The quality the client gives `value` (its most specific matching entry), 0 when none matches. */
  quality(value: string): number {
    for (const [item, quality] of this.#items) if (this.matches(value, item)) return quality
    return 0
  }

  /** Whether any entry matches `value` — even one with `q=0`; see the class note. */
  includes(value: string): boolean {
    return this.#items.some(([item]) => this.matches(value, item))
  }

  /**
   * The offer the client prefers: highest quality, then most specific matching entry, then the
   * first offered. Entries with `q=0` never match. `fallback` (default `null`) when none does.
   */
  bestMatch(offers: Iterable<string>): string | null
  bestMatch(offers: Iterable<string>, fallback: string): string
  bestMatch(offers: Iterable<string>, fallback: string | null = null): string | null {
    let result = fallback
    let bestQuality = -1
    let bestSpecificity: boolean[] | null = null
    for (const offer of offers) {
      const entry = this.#items.find(([item]) => this.matches(offer, item))
      if (entry === undefined) continue
      const [item, quality] = entry
      if (quality <= 0 || quality < bestQuality) continue
      const specificity = this.specificity(item)
      if (
        quality > bestQuality ||
        bestSpecificity === null ||
        compareTuples(specificity, bestSpecificity) > 0
      ) {
        result = offer
        bestQuality = quality
        bestSpecificity = specificity
      }
    }
    return result
  }

  /** The values alone, in order. */
  values(): string[] {
    return this.#items.map(([value]) => value)
  }

  [Symbol.iterator](): Iterator<[string, number]> {
    return this.#items.map(([value, quality]): [string, number] => [value, quality])[Symbol.iterator]()
  }

  /** The header value again, `;q=` written only where it is not 1. */
  toString(): string {
    return this.#items.map(([value, quality]) => (quality === 1 ? value : `${value};q=${quality}`)).join(',')
  }

  /** How specific an entry is; compared element by element, longer wins on a tie. */
  protected specificity(value: string): boolean[] {
    return [value !== '*']
  }

  /** Whether the app's `value` matches the client's `item`. */
  protected matches(value: string, item: string): boolean {
    return item === '*' || item.toLowerCase() === value.toLowerCase()
  }
}

/**
 * The `Accept` header: `type/subtype` with wildcards (`text/*`, `*\/*`) and parameters, which
 * must match exactly when both sides give a concrete subtype.
 * @throws TypeError from `bestMatch`/`quality`/`includes` when the app passes something that is not a mimetype
 */
export class MIMEAccept extends Accept {
  /** True if HTML (or XHTML) is acceptable. */
  get acceptHtml(): boolean {
    return this.includes('text/html') || this.acceptXhtml
  }

  /** True if XHTML is acceptable. */
  get acceptXhtml(): boolean {
    return this.includes('application/xhtml+xml') || this.includes('application/xml')
  }

  /** True if JSON is acceptable. */
  get acceptJson(): boolean {
    return this.includes('application/json')
  }

  protected override specificity(value: string): boolean[] {
    return value.split(MIME_SPLIT).map((part) => part !== '*')
  }

  protected override matches(value: string, item: string): boolean {
    if (!item.includes('/')) return false // the client's entry is invalid
    const [valueType, valueSubtype, ...valueParams] = value.toLowerCase().split(MIME_SPLIT)
    if (!value.includes('/') || (valueType === '*' && valueSubtype !== '*')) {
      throw new TypeError(`"${value}" is not a mimetype; offer "type/subtype", such as "text/html".`)
    }
    const [itemType, itemSubtype, ...itemParams] = item.toLowerCase().split(MIME_SPLIT)
    if (itemType === '*' && itemSubtype !== '*') return false
    if ((itemType === '*' && itemSubtype === '*') || (valueType === '*' && valueSubtype === '*')) return true
    return (
      itemType === valueType &&
      (itemSubtype === '*' ||
        valueSubtype === '*' ||
        (itemSubtype === valueSubtype && valueParams.sort().join(';') === itemParams.sort().join(';')))
    )
  }
}

/**
 * The `Accept-Language` header: tags compare case-insensitively with `-` and `_` alike, and
 * `bestMatch` falls back to primary tags (`en-US` accepts `en`, `en` accepts `en-US`).
 */
export class LanguageAccept extends Accept {
  override bestMatch(offers: Iterable<string>): string | null
  override bestMatch(offers: Iterable<string>, fallback: string): string
  override bestMatch(offers: Iterable<string>, fallback: string | null = null): string | null {
    const list = [...offers]
    const exact = super.bestMatch(list)
    if (exact !== null) return exact
    // The client accepts "en-US": offer "en".
    const primaries = new Accept(
      [...this].map(([value, quality]): [string, number] => [primary(value), quality]),
    )
    const byClientPrimary = primaries.bestMatch(list)
    if (byClientPrimary !== null) return byClientPrimary
    // The client accepts "en": offer "en-US", returned as offered.
    const matched = super.bestMatch(list.map(primary))
    if (matched !== null) return list.find((offer) => offer.startsWith(matched)) ?? fallback
    return fallback
  }

  protected override matches(value: string, item: string): boolean {
    return item === '*' || normaliseLanguage(value) === normaliseLanguage(item)
  }
}

/** The `Accept-Charset` header: charset names compare after normalisation (`UTF8` is `utf-8`). */
export class CharsetAccept extends Accept {
  protected override matches(value: string, item: string): boolean {
    return item === '*' || normaliseCharset(value) === normaliseCharset(item)
  }
}

const MIME_SPLIT = /\/|\s*;\s*/

function primary(tag: string): string {
  return tag.split(/[_-]/, 1)[0] ?? tag
}

function normaliseLanguage(tag: string): string {
  return tag.toLowerCase().split(/[_-]/).join('-')
}

// Python normalises through its codec registry; these aliases cover the names clients send.
const CHARSET_ALIASES: Record<string, string> = { latin1: 'iso88591', l1: 'iso88591', usascii: 'ascii' }

function normaliseCharset(name: string): string {
  const compact = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  return CHARSET_ALIASES[compact] ?? compact
}

function compareTuples(a: boolean[], b: boolean[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] ? 1 : -1
  }
  return a.length - b.length
}
