/**
 * One rule per known config key, and the search for misspelt keys. `Config.validate()` runs these
 * at start, so a wrongly typed value fails loudly before the first request instead of during it.
 */
import { defaultConfig, type KnownConfigKey } from './defaults.js'

/** What a key accepts: a test, the words for it in an error, and an optional tidy-up first. */
export interface Rule {
  /** Completes "KEY must be …", e.g. `true or false`. */
  readonly expected: string
  readonly accepts: (value: unknown) => boolean
  /** Rewrites an acceptable spelling into the canonical one (`"lax"` → `"Lax"`). */
  readonly normalize?: (value: unknown) => unknown
  /** The value is a secret: error messages name its type, never the value itself. */
  readonly secret?: boolean
}

const rule = (expected: string, accepts: (value: unknown) => boolean, extra?: Partial<Rule>): Rule => ({
  expected,
  accepts,
  ...extra,
})

const orNull = (base: Rule, meaning = ''): Rule => ({
  ...base,
  expected: `${base.expected} or null${meaning}`,
  accepts: (v) => v === null || base.accepts(v),
})

const isNonNegativeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0

const boolean = rule('true or false', (v) => typeof v === 'boolean')
const booleanOrNull = rule('true, false or null', (v) => v === null || typeof v === 'boolean')
// Infinity is refused: null already means "no limit", and Infinity would reach setTimeout as 1 ms.
const seconds = rule('a number of seconds (0 or more)', isNonNegativeNumber)
// Header values such as max-age and Content-Length take whole numbers only.
const isWholeNumber = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0
const wholeSeconds = rule('a whole number of seconds (0 or more)', isWholeNumber)
const bytes = rule('a whole number of bytes (0 or more)', isWholeNumber)
const count = rule('a whole number (0 or more)', isWholeNumber)
const nonEmptyString = rule('a non-empty string', (v) => typeof v === 'string' && v !== '')
const stringList = rule(
  'an array of strings',
  (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
)
const isKey = (v: unknown) => (typeof v === 'string' && v !== '') || v instanceof Uint8Array
// An empty key would silently turn sessions off (Flask tests the key's truthiness), so it is refused.
const secretKey = rule('a non-empty string or Uint8Array', isKey, { secret: true })
const secretKeyList = rule(
  'an array of non-empty strings or Uint8Arrays',
  (v) => Array.isArray(v) && v.every(isKey),
  { secret: true },
)
// RFC 6265's cookie-name token: the `cookie` package would otherwise throw on the first response.
const cookieName = rule("a cookie name (letters, digits and !#$%&'*+-.^_`|~)", (v) =>
  typeof v === 'string' ? /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v) : false,
)
const sameSites = ['Strict', 'Lax', 'None']
const sameSite = rule(
  '"Lax", "Strict", "None" or null',
  (v) => v === null || sameSites.includes(v as string),
  {
    // Werkzeug title-cases the value before checking it, so "lax" works in Flask and Quart; it does here too.
    normalize: (v) =>
      typeof v === 'string' ? (sameSites.find((s) => s.toLowerCase() === v.toLowerCase()) ?? v) : v,
  },
)
const urlPath = rule('a path starting with "/"', (v) => typeof v === 'string' && v.startsWith('/'))
const mediaType = rule('a media type such as "application/json"', (v) =>
  typeof v === 'string' ? /^[\w.+-]+\/[\w.+-]+/.test(v) : false,
)

/** The rule for every key `defaultConfig` has; a test keeps the two in step. */
export const rules: Readonly<Record<KnownConfigKey, Rule>> = {
  DEBUG: boolean,
  TESTING: boolean,
  PROPAGATE_EXCEPTIONS: booleanOrNull,
  SECRET_KEY: orNull(secretKey),
  SECRET_KEY_FALLBACKS: orNull(secretKeyList),
  PERMANENT_SESSION_LIFETIME: seconds,
  SESSION_COOKIE_NAME: cookieName,
  SESSION_COOKIE_DOMAIN: orNull(rule('a string', (v) => typeof v === 'string')),
  SESSION_COOKIE_PATH: orNull(urlPath, ' (use APPLICATION_ROOT)'),
  SESSION_COOKIE_HTTPONLY: boolean,
  SESSION_COOKIE_SECURE: boolean,
  SESSION_COOKIE_PARTITIONED: boolean,
  SESSION_COOKIE_SAMESITE: sameSite,
  SESSION_REFRESH_EACH_REQUEST: boolean,
  APPLICATION_ROOT: urlPath,
  SERVER_NAME: orNull(nonEmptyString),
  PREFER_SECURE_URLS: boolean,
  PREFERRED_URL_SCHEME: nonEmptyString,
  MAX_CONTENT_LENGTH: orNull(bytes, ' (no limit)'),
  MAX_FORM_MEMORY_SIZE: orNull(bytes, ' (no limit)'),
  MAX_FORM_PARTS: orNull(count, ' (no limit)'),
  BODY_TIMEOUT: orNull(seconds, ' (no limit)'),
  RESPONSE_TIMEOUT: orNull(seconds, ' (no limit)'),
  BACKGROUND_TASK_SHUTDOWN_TIMEOUT: seconds,
  SEND_FILE_MAX_AGE_DEFAULT: orNull(wholeSeconds, ' (no Cache-Control)'),
  MAX_COOKIE_SIZE: bytes,
  TRAP_HTTP_EXCEPTIONS: boolean,
  TRAP_BAD_REQUEST_ERRORS: booleanOrNull,
  EXPLAIN_TEMPLATE_LOADING: boolean,
  TEMPLATES_AUTO_RELOAD: booleanOrNull,
  PROVIDE_AUTOMATIC_OPTIONS: boolean,
  PRESERVE_CONTEXT_ON_EXCEPTION: booleanOrNull,
  JSON_SORT_KEYS: boolean,
  JSON_AS_ASCII: boolean,
  JSONIFY_MIMETYPE: mediaType,
  SHUTDOWN_TIMEOUT: seconds,
  TRUSTED_HOSTS: orNull(stringList),
  WEBSOCKET_MAX_MESSAGE_SIZE: bytes,
  WEBSOCKET_PING_INTERVAL: orNull(seconds, ' (no pings)'),
  WEBSOCKET_SHUTDOWN_GRACE: seconds,
  HEADERS_TIMEOUT: seconds,
  KEEP_ALIVE_TIMEOUT: seconds,
  MAX_HEADER_SIZE: bytes,
}

/** The keys Flagon knows, in `defaultConfig`'s order. */
export const knownKeys: readonly string[] = Object.keys(defaultConfig)

/** The rule for `key`, or `undefined` for a key Flagon does not know. */
export function ruleFor(key: string): Rule | undefined {
  return Object.hasOwn(rules, key) ? rules[key as KnownConfigKey] : undefined
}

/** The message for a known key whose value its rule refuses. */
export function invalidValueMessage(key: string, value: unknown, source: string | undefined): string {
  return `${key} must be ${ruleFor(key)?.expected ?? 'valid'}, not ${describeValueOf(key, value)}${from(source)}.`
}

/** {@link describe}, except that the value of a secret key is named only by its type. */
export function describeValueOf(key: string, value: unknown): string {
  return ruleFor(key)?.secret ? describeType(value) : describe(value)
}

/**
 * The known key an unknown one most likely meant, or `undefined` when it resembles none.
 * Compared without case, so `secret_key` suggests `SECRET_KEY`. Short keys allow one edit and
 * longer ones two: two edits turn DEBUG into too many honest names of users' own.
 */
export function suggestKey(key: string): string | undefined {
  const upper = key.toUpperCase()
  let best: { key: string; distance: number } | undefined
  for (const known of knownKeys) {
    const limit = known.length >= 8 ? 2 : 1
    if (Math.abs(known.length - upper.length) > limit) continue
    const distance = editDistance(upper, known)
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key: known, distance }
  }
  return best?.key
}

/** The message for a key that looks like a misspelt known key. */
export function misspeltKeyMessage(key: string, suggestion: string, source: string | undefined): string {
  return (
    `Unknown config key ${key}${from(source)}. Did you mean ${suggestion}? ` +
    'Rename it, or give your own key a name less like one of Flagon’s.'
  )
}

const from = (source: string | undefined) => (source === undefined ? '' : ` (from ${source})`)

/** A short, readable rendering of a value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return truncate(JSON.stringify(value))
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object')
    return typeof value === 'function' ? 'a function' : String(value)
  if (value instanceof Uint8Array) return describeType(value)
  try {
    return truncate(JSON.stringify(value))
  } catch {
    return describeType(value)
  }
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (value instanceof Uint8Array) return `a Uint8Array of ${value.byteLength} bytes`
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value === '') return 'an empty string'
  const type = typeof value
  return type === 'object' ? `an object (${value.constructor?.name ?? 'no prototype'})` : `a ${type}`
}

const truncate = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text)

// Optimal string alignment distance: Levenshtein plus swapped neighbours, because SECRET_KYE is
// one slip of the fingers, not two.
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  const at = (i: number, j: number) => rows[i]![j]!
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1)
      rows[i]![j] = d
    }
  }
  return at(a.length, b.length)
}
