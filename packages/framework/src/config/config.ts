/**
 * `app.config`: Quart's `Config`, a plain object of settings with loaders (Flask 3.1's `config.py`).
 * The app builds it from `defaultConfig` at construction, you load your settings into it, and the
 * app calls `validate()` at start (listen, testClient, the first request), so a wrongly typed
 * value stops the app before it serves anything.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultConfig, type FlagonConfig } from './defaults.js'
import { ConfigError, ConfigFileError } from './errors.js'
import {
  describe,
  describeValueOf,
  invalidValueMessage,
  knownKeys,
  misspeltKeyMessage,
  ruleFor,
  rules,
  suggestKey,
} from './validate.js'

/** Options of {@link Config.fromFile}. */
export interface FromFileOptions {
  /** Turns the file's text into an object of keys and values; `JSON.parse` by default. */
  load?: (text: string) => Record<string, unknown>
  /** Return `false` instead of throwing when the file does not exist. */
  silent?: boolean
}

/** Options of {@link Config.fromPrefixedEnv}. */
export interface FromPrefixedEnvOptions {
  /** Decodes each value; when it throws, the raw string is kept. `JSON.parse` by default. */
  loads?: (value: string) => unknown
  /** The environment to read; `process.env` by default. */
  env?: NodeJS.ProcessEnv
}

/** Options of {@link Config.getNamespace}. */
export interface GetNamespaceOptions {
  /** Lower-case the returned keys (default `true`). */
  lowercase?: boolean
  /** Drop the prefix from the returned keys (default `true`). */
  trimNamespace?: boolean
}

// The settings live on the instance itself, so `app.config.SECRET_KEY = 'x'`, `{ ...app.config }`
// and `Object.keys(app.config)` behave as on a plain object, with no Proxy in the way of each read.
// This interface only tells TypeScript which keys are there.
export interface Config extends FlagonConfig {}

/**
 * The app's settings: every key of {@link FlagonConfig} plus your own, read and written like a
 * plain object, and filled by the loaders below. Loaders take only UPPERCASE keys (except
 * `fromPrefixedEnv`, as in Flask) and remember where each value came from, so that
 * {@link Config.validate} can name the source of a bad one.
 *
 * @example
 * ```ts
 * const config = new Config('/srv/app')
 * config.fromFile('config.json', { silent: true }).fromPrefixedEnv()
 * config.SECRET_KEY ??= 'dev'
 * config.validate()
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor sets every key of FlagonConfig
export class Config {
  readonly #rootPath: string
  // Where each key's value came from, with the value as loaded: when the key now holds another
  // value, it was set in code and the recorded source no longer applies.
  readonly #origins = new Map<string, { source: string | undefined; value: unknown }>()

  /**
   * Starts from {@link defaultConfig}, then applies `defaults` over it.
   * A `file:` URL is accepted for `rootPath`, so `new URL('.', import.meta.url)` works.
   */
  constructor(rootPath: string | URL, defaults?: Partial<FlagonConfig>) {
    this.#rootPath = toPath(rootPath)
    Object.assign(this, defaultConfig)
    for (const [key, value] of Object.entries(defaults ?? {})) {
      this.#set(key, value, 'the defaults given to new Config()')
    }
  }

  /** The directory relative file paths are resolved against (Quart's `root_path`). */
  get rootPath(): string {
    return this.#rootPath
  }

  /**
   * Loads the UPPERCASE attributes of an object, a class (its static fields) or a module
   * namespace, inherited ones and getters included, as Flask's `dir()` finds them.
   *
   * @example
   * ```ts
   * class ProductionConfig { static DEBUG = false; static DATABASE_URI = 'postgres://db' }
   * config.fromObject(ProductionConfig)
   * config.fromObject(await import('./settings.js'))
   * ```
   */
  fromObject(obj: object): this {
    const source = `config.fromObject(${nameOf(obj)})`
    const record = obj as Record<string, unknown>
    for (const key of attributeNames(obj)) {
      if (isUpper(key)) this.#set(key, record[key], source)
    }
    return this
  }

  /** Loads the UPPERCASE keys of `mapping`, then those of `extra` (Flask's `**kwargs`). */
  fromMapping(mapping?: Record<string, unknown>, extra?: Record<string, unknown>): this {
    return this.#load({ ...mapping, ...extra }, 'config.fromMapping()')
  }

  /**
   * Reads a file synchronously (config is read once, at start) and loads its UPPERCASE keys.
   * The file is JSON unless `load` says otherwise; a relative path starts at {@link rootPath}.
   *
   * @returns this, or `false` when `silent` is set and the file does not exist.
   * @throws {ConfigFileError} when the file cannot be read or parsed, or holds no object.
   * @example
   * ```ts
   * import { parse } from 'smol-toml'
   * config.fromFile('config.toml', { load: parse })
   * ```
   */
  fromFile(path: string, options?: FromFileOptions & { silent?: false }): this
  fromFile(path: string, options: FromFileOptions): this | false
  fromFile(path: string, options: FromFileOptions = {}): this | false {
    const file = resolve(this.#rootPath, path)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // Flask's silent skips only a missing file; a file it may not read is still an error.
      if (options.silent && (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR')) return false
      throw new ConfigFileError(unreadable(file, this.#rootPath, code, error), file, error)
    }
    let data: unknown
    try {
      data = (options.load ?? JSON.parse)(text)
    } catch (error) {
      throw new ConfigFileError(
        `Unable to parse configuration file ${file}: ${(error as Error)?.message ?? String(error)}`,
        file,
        error,
      )
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new ConfigFileError(
        `Configuration file ${file} must hold an object of keys and values, not ${describe(data)}.`,
        file,
      )
    }
    return this.#load(data as Record<string, unknown>, file)
  }

  /**
   * Loads every environment variable named `${prefix}_KEY`, in sorted order, as `KEY`. Each value
   * is JSON-decoded, falling back to the string (`FLAGON_DEBUG=true` is a boolean,
   * `FLAGON_SERVER_NAME=example.com` a string). A double underscore reaches into an object:
   * `FLAGON_DB__HOST=db` sets `config.DB.HOST`, creating `DB` if needed.
   *
   * Unlike Flask, a known key whose type is string gets the raw text when the JSON reading of it
   * would not do, so `FLAGON_SECRET_KEY=123456` is the string `"123456"`, not a number.
   *
   * @throws {ConfigError} when a nested key would be set inside a value that is not an object, or
   * a key would hide one of this class's methods.
   */
  fromPrefixedEnv(prefix = 'FLAGON', options: FromPrefixedEnvOptions = {}): this {
    const env = options.env ?? process.env
    const loads = options.loads ?? JSON.parse
    const start = `${prefix}_`
    for (const name of Object.keys(env).sort()) {
      const raw = env[name]
      if (!name.startsWith(start) || raw === undefined) continue
      const key = name.slice(start.length)
      let value: unknown = raw
      try {
        value = loads(raw)
      } catch {
        // Not JSON: the string itself is the value, as in Flask.
      }
      if (key.includes('__')) this.#setNested(key.split('__'), value, name)
      else this.#set(key, preferText(key, value, raw), name)
    }
    return this
  }

  /**
   * The keys that start with `prefix`, by default lower-cased and without the prefix: handy to
   * pass a group of settings to a constructor.
   *
   * @example
   * ```ts
   * config.IMAGE_STORE_TYPE = 'fs'
   * config.getNamespace('IMAGE_STORE_') // { type: 'fs' }
   * ```
   */
  getNamespace(prefix: string, options: GetNamespaceOptions = {}): Record<string, unknown> {
    const { lowercase = true, trimNamespace = true } = options
    const namespace: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(this)) {
      if (!key.startsWith(prefix)) continue
      const name = trimNamespace ? key.slice(prefix.length) : key
      namespace[lowercase ? name.toLowerCase() : name] = value
    }
    return namespace
  }

  /**
   * Checks the type and range of every known key, and that no other key looks like a misspelt
   * known one (`SECRET_KYE`). Normalises `SESSION_COOKIE_SAMESITE`'s case (`"lax"` → `"Lax"`),
   * which Werkzeug also accepts. The app calls this at start.
   *
   * @throws {ConfigError} for the first bad key, naming where its value came from.
   */
  validate(): void {
    for (const key of knownKeys) {
      const rule = rules[key as keyof typeof rules]
      const value = this[key]
      const normalized = rule.normalize ? rule.normalize(value) : value
      if (!rule.accepts(normalized)) {
        const source = this.#sourceOf(key)
        throw new ConfigError(invalidValueMessage(key, value, source), { key, value, source })
      }
      this[key] = normalized
    }
    for (const [key, value] of Object.entries(this)) {
      if (ruleFor(key)) continue
      const suggestion = suggestKey(key)
      if (suggestion === undefined) continue
      const source = this.#sourceOf(key)
      throw new ConfigError(misspeltKeyMessage(key, suggestion, source), { key, value, source, suggestion })
    }
  }

  /** A plain-object copy of the settings, secrets included: mind where you log it. */
  toJSON(): Record<string, unknown> {
    return { ...this }
  }

  #load(mapping: Record<string, unknown>, source: string): this {
    for (const [key, value] of Object.entries(mapping)) {
      if (isUpper(key)) this.#set(key, value, source)
    }
    return this
  }

  #set(key: string, value: unknown, source: string | undefined): void {
    if (key in Config.prototype) {
      throw new ConfigError(
        `${key} cannot be a config key${source === undefined ? '' : ` (from ${source})`}: it would hide ` +
          `config.${key}. Name config keys in UPPERCASE.`,
        { key, value, source },
      )
    }
    this[key] = value
    this.#origins.set(key, { source, value })
  }

  // Flask 3.1: each part but the last must name a dict, created when missing.
  #setNested(parts: string[], value: unknown, envName: string): void {
    const tail = parts.pop()!
    const head = parts.shift()!
    if (!Object.hasOwn(this, head)) this.#set(head, {}, envName)
    let container: unknown = this[head]
    let path = head
    for (const part of [...parts, undefined]) {
      if (!isPlainObject(container)) {
        throw new ConfigError(
          `${envName} cannot set ${[head, ...parts, tail].join('.')}: ${path} is ${describeValueOf(path, container)}, not an object.`,
          { key: head, value: container, source: envName },
        )
      }
      if (part === undefined) {
        container[tail] = value
        return
      }
      // hasOwn, not `in`: a part named "constructor" must not climb into Object.prototype.
      if (!Object.hasOwn(container, part)) container[part] = {}
      container = container[part]
      path = `${path}.${part}`
    }
  }

  #sourceOf(key: string): string | undefined {
    const origin = this.#origins.get(key)
    return origin && Object.is(origin.value, this[key]) ? origin.source : undefined
  }
}

const isUpper = (key: string) => key === key.toUpperCase() && key !== key.toLowerCase()

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

// The environment is all strings: when the JSON reading of a value breaks a string-typed known key
// (a numeric SECRET_KEY, say) but the text itself is fine, the text is what was meant.
function preferText(key: string, value: unknown, raw: string): unknown {
  const rule = ruleFor(key)
  if (rule === undefined || typeof value === 'string') return value
  const accepts = (v: unknown) => rule.accepts(rule.normalize ? rule.normalize(v) : v)
  return !accepts(value) && accepts(raw) ? raw : value
}

// Own and inherited property names, stopping at the built-in prototypes, like Python's dir().
function attributeNames(obj: object): string[] {
  const names = new Set<string>()
  for (let o: object | null = obj; o && o !== Object.prototype && o !== Function.prototype; ) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name)
    o = Object.getPrototypeOf(o)
  }
  return [...names].sort()
}

function nameOf(obj: object): string {
  if (typeof obj === 'function') return obj.name || 'an anonymous class'
  const name = (obj as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object'
}

function toPath(root: string | URL): string {
  return root instanceof URL || root.startsWith('file:') ? fileURLToPath(root) : root
}

function unreadable(file: string, root: string, code: string | undefined, error: unknown): string {
  if (code === 'ENOENT') {
    return (
      `Unable to load configuration file ${file}: it does not exist. Relative paths start at the ` +
      `config's root path (${root}); pass { silent: true } to skip a missing file.`
    )
  }
  return `Unable to load configuration file ${file}: ${(error as Error)?.message ?? String(error)}`
}
