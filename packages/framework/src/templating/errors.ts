/**
 * The errors a template can raise, and the translation of nunjucks' errors into them. nunjucks
 * reports where an error happened in its message and with 0- or 1-based line numbers depending on
 * the phase; Flagon's errors carry the template's name and a 1-based line as fields instead.
 */
import { HTTPException } from '../exceptions.js'

/**
 * A template failed to compile (a syntax error) or to render (an unknown filter, a failing
 * function). `templateName` is the template the error is in — the layout, when a child's
 * `{% extends %}` failed there — and `lineno` its 1-based line, when known.
 */
export class TemplateError extends Error {
  readonly templateName: string | null
  readonly lineno: number | null
  readonly colno: number | null

  constructor(
    message: string,
    where: { templateName: string | null; lineno?: number | null; colno?: number | null },
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'TemplateError'
    this.templateName = where.templateName
    this.lineno = where.lineno ?? null
    this.colno = where.colno ?? null
  }
}

/**
 * No template folder has the template (or any of the templates, for a list).
 * `templateNames` are the names tried, in order; `searchPath` the folders searched, in order.
 */
export class TemplateNotFound extends TemplateError {
  readonly templateNames: readonly string[]
  readonly searchPath: readonly string[]

  constructor(templateNames: readonly string[], searchPath: readonly string[]) {
    const names = templateNames.map((name) => `"${name}"`).join(', ')
    const folders = searchPath.length ? searchPath.join(', ') : '(no template folders)'
    super(
      templateNames.length === 1
        ? `Template ${names} not found. Searched: ${folders}. Put it in one of these folders, or check its name.`
        : `None of the templates ${names} was found. Searched: ${folders}.`,
      { templateName: templateNames[0] ?? null },
    )
    this.name = 'TemplateNotFound'
    this.templateNames = templateNames
    this.searchPath = searchPath
  }
}

/** Where an error happened, as the template that ran the failing code records it. */
export interface ErrorOrigin {
  readonly templateName: string | null
  readonly source: string
  /** 1-based; null when nunjucks did not know. */
  readonly lineno: number | null
  readonly colno: number | null
}

const origins = new WeakMap<object, ErrorOrigin>()
const continuations = new WeakMap<object, ErrorOrigin | null>()
const culprits = new WeakMap<object, RegExp>()

/** Records where `error` happened, as reported by the template whose code caught it. */
export function recordOrigin(error: unknown, origin: ErrorOrigin): void {
  if (isObject(error) && !origins.has(error)) origins.set(error, origin)
}

/**
 * Records that `error` was thrown by the code of `caller` (null: unknown) while it continued
 * inside a callback of another template, whose try/catch then caught it: nunjucks renders in
 * continuation-passing style, so the code after a `{% block %}` of a layout runs inside the
 * child's block function. The line is not known then.
 */
export function recordContinuationError(error: unknown, caller: ErrorOrigin | null): void {
  if (isObject(error) && !continuations.has(error)) continuations.set(error, caller)
}

/** Records which call or filter failed, to find its line in the source when nunjucks gives none. */
export function recordCulprit(error: unknown, kind: 'call' | 'filter', name: string): void {
  if (!isObject(error) || culprits.has(error)) return
  const pattern = escapeRegExp(name)
  culprits.set(
    error,
    kind === 'call' ? new RegExp(`(?<![\\w$.])${pattern}\\s*\\(`, 'g') : filterPattern(name),
  )
}

/**
 * The error a render should throw for what nunjucks reported: a `TemplateNotFound`, a Flagon
 * `TemplateError` (from a nested render) or an `HTTPException` (an `abort()` in a filter) from
 * anywhere in the chain as it is; everything else as a `TemplateError` naming the template whose
 * code failed, with the original error as its `cause`.
 */
export function toTemplateError(error: unknown, fallback: ErrorOrigin): Error {
  const chain = causes(error)
  const passThrough = chain.find(
    (e) => e instanceof TemplateNotFound || e instanceof TemplateError || e instanceof HTTPException,
  )
  if (passThrough) return passThrough as Error

  const continued = chain.find((e) => isObject(e) && continuations.has(e))
  let origin = fallback
  if (continued !== undefined)
    origin = { ...(continuations.get(continued as object) ?? fallback), lineno: null, colno: null }
  else for (const e of chain) origin = (isObject(e) && origins.get(e)) || origin
  const original = chain[chain.length - 1]
  const message = describe(original)
  let { lineno, colno } = origin
  if (lineno === null) {
    const unknownFilter = /^(?:filter|test) not found: ([\w$.]+)/.exec(message)?.[1]
    const culprit = chain.map((e) => (isObject(e) ? culprits.get(e) : undefined)).find(Boolean)
    const pattern = culprit ?? (unknownFilter === undefined ? undefined : filterPattern(unknownFilter))
    if (pattern) lineno = uniqueLineOf(origin.source, pattern)
    colno = null
  }
  const where = origin.templateName === null ? 'the template string' : `template "${origin.templateName}"`
  const line = lineno === null ? '' : `, line ${lineno}`
  return new TemplateError(
    `${message} (${where}${line})`,
    { templateName: origin.templateName, lineno, colno },
    { cause: original },
  )
}

// nunjucks wraps errors in its own TemplateError (`cause`), once per template they pass through.
function causes(error: unknown): unknown[] {
  const chain = [error]
  let current = error
  while (
    typeof current === 'object' &&
    current !== null &&
    'cause' in current &&
    current.cause !== undefined
  ) {
    current = current.cause
    if (chain.includes(current)) break
    chain.push(current)
  }
  return chain
}

// nunjucks prefixes its messages with "(path) [Line 2, Column 8]" lines, one per template passed.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const lines = error.message.split('\n')
  while (lines.length > 1 && /^\s*\(.*\)( \[Line \d+(, Column \d+)?\])?$/.test(lines[0] ?? '')) lines.shift()
  const message = lines.join('\n').trim()
  return error.constructor === Error || error.name === 'Template render error'
    ? message
    : `${error.name}: ${message}`
}

// A guessed line is given only when it cannot be another one.
function uniqueLineOf(source: string, pattern: RegExp): number | null {
  const matches = [...source.matchAll(pattern)]
  const [match] = matches
  if (matches.length !== 1 || match === undefined) return null
  return source.slice(0, match.index).split('\n').length
}

function filterPattern(name: string): RegExp {
  return new RegExp(`(?:\\||\\bis\\s+(?:not\\s+)?)\\s*${escapeRegExp(name)}\\b`, 'g')
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
