/**
 * The app's nunjucks environment, made at the first render (Flask's `jinja_env`). It finds
 * templates along the app's search path (loader.ts), caches them compiled, reloads them when
 * their file changes if TEMPLATES_AUTO_RELOAD (or DEBUG, when that is null) is on, and takes the
 * app's filters, tests and globals from its registry before each render.
 *
 * Autoescaping is decided per template, as Jinja's `select_autoescape`: on for `.html .htm .xml
 * .xhtml .svg` and for template strings, off elsewhere. nunjucks has one global switch, so each
 * template's compiled functions are given their own runtime, whose `suppressValue` escapes or not;
 * the same runtime lets markup (`__html__`) through unescaped. The functions also record which
 * template an error happened in, which nunjucks gets wrong across `{% extends %}`.
 */
import nunjucks from 'nunjucks'
import type { Flagon } from '../app.js'
import { currentFrame } from '../context.js'
import { type UrlForValues, urlFor } from '../helpers/url-for.js'
import { escapeHtml } from '../wrappers/response.js'
import {
  type ErrorOrigin,
  recordContinuationError,
  recordCulprit,
  recordOrigin,
  TemplateNotFound,
} from './errors.js'
import { adaptFilter, builtinFilters } from './filters.js'
import { getFlashedMessagesForTemplates } from './flash.js'
import { FastFrame, type Frame } from './frame.js'
import { findTemplate, isUnchanged } from './loader.js'
import { hasHTML } from './markup.js'
import type { TemplateRegistry } from './registry.js'
import { getSession } from './session.js'

/** Options of {@link createEnvironment}. */
export interface EnvironmentOptions {
  /** The template folders, in search order; default `app.templateSearchPath()`, or the app's `templates/`. */
  searchPath?: () => readonly string[]
}

/** Autoescaped extensions (Flask's `select_jinja_autoescape`). */
const AUTOESCAPED = /\.(html|htm|xml|xhtml|svg)$/

/**
 * The nunjucks Environment of one app. Use `getTemplate`/`selectTemplate`/`fromString`; rendering
 * itself goes through render.ts, which supplies the context and the signals.
 */
export class TemplateEnvironment extends nunjucks.Environment {
  readonly app: Flagon
  readonly #searchPath: () => readonly string[]
  readonly #cache = new Map<string, { template: FlagonTemplate; path: string; stamp: string }>()
  #registryVersion = -1

  constructor(app: Flagon, options: EnvironmentOptions = {}) {
    // dev: keep nunjucks' errors whole (line, column, cause) rather than re-created from the message.
    super([], { autoescape: true, dev: true })
    this.app = app
    this.#searchPath = options.searchPath ?? (() => defaultSearchPath(app))
    for (const [name, filter] of Object.entries(builtinFilters(app))) this.addFilter(name, filter)
    addTemplateGlobals(this, app)
  }

  /** The folders searched, in order. */
  get searchPath(): readonly string[] {
    return this.#searchPath()
  }

  /** Whether changed template files are reloaded: TEMPLATES_AUTO_RELOAD, or DEBUG when that is null. */
  get autoReload(): boolean {
    return Boolean(this.app.config.TEMPLATES_AUTO_RELOAD ?? this.app.debug)
  }

  /**
   * Takes over the registry's filters, tests and globals when it changed since the last call.
   * Compiled templates are dropped then, since whether a filter is async is compiled into them.
   */
  sync(registry: TemplateRegistry): void {
    if (registry.version === this.#registryVersion) return
    const internals = this as unknown as { asyncFilters: string[]; addTest(name: string, fn: unknown): void }
    for (const [name, fn] of registry.filters) {
      const { filter, isAsync } = adaptFilter(name, fn)
      internals.asyncFilters = internals.asyncFilters.filter((n) => n !== name)
      this.addFilter(name, filter, isAsync)
    }
    for (const [name, fn] of registry.tests) internals.addTest(name, fn)
    for (const [name, value] of registry.globals) this.addGlobal(name, value)
    this.#cache.clear()
    this.#registryVersion = registry.version
  }

  /**
   * The template called `name`, compiled and cached; nunjucks calls this for `{% extends %}`,
   * `{% include %}` and `{% import %}` too, with its own argument conventions.
   * @throws TemplateNotFound when no folder of the search path has it.
   */
  override getTemplate(...args: any[]): any {
    let [name, eagerCompile, parentName, ignoreMissing, callback] = args
    if (typeof parentName === 'function') [callback, parentName] = [parentName, null]
    if (typeof eagerCompile === 'function') [callback, eagerCompile] = [eagerCompile, false]
    if (name?.raw !== undefined) name = name.raw // a name marked safe
    let template: nunjucks.Template | undefined
    let error: unknown
    try {
      if (name instanceof nunjucks.Template) template = name
      else if (typeof name !== 'string')
        throw new TypeError(`A template name must be a string, not ${typeof name}.`)
      else template = ignoreMissing ? this.#loadOrEmpty(name) : this.load(name)
      if (eagerCompile) (template as unknown as { compile(): void }).compile()
    } catch (err) {
      error = err
    }
    if (callback) return callback(error ?? null, error ? null : template)
    if (error) throw error
    return template
  }

  /**
   * The template called `name`.
   * @throws TemplateNotFound when no folder of the search path has it.
   */
  load(name: string): FlagonTemplate {
    const cached = this.#cache.get(name)
    if (cached && (!this.autoReload || isUnchanged(cached.path, cached.stamp))) return cached.template
    const searchPath = this.searchPath
    const file = findTemplate(searchPath, name)
    if (this.app.config.EXPLAIN_TEMPLATE_LOADING) explain(this.app, name, searchPath, file?.path)
    if (!file) {
      this.#cache.delete(name)
      throw new TemplateNotFound([name], searchPath)
    }
    const template = new FlagonTemplate(file.source, this, { name, path: file.path })
    this.#cache.set(name, { template, path: file.path, stamp: file.stamp })
    return template
  }

  /**
   * The first template of `names` that exists (Jinja's `select_template`); a single name is `load`.
   * @throws TemplateNotFound naming every name tried when none exists.
   */
  selectTemplate(names: string | readonly string[]): FlagonTemplate {
    if (typeof names === 'string') return this.load(names)
    for (const name of names) {
      try {
        return this.load(name)
      } catch (error) {
        if (!(error instanceof TemplateNotFound)) throw error
      }
    }
    throw new TemplateNotFound(names, this.searchPath)
  }

  /** A template made from source text, autoescaped (Flask's `render_template_string`). */
  fromString(source: string): FlagonTemplate {
    return new FlagonTemplate(source, this, { name: null, path: null })
  }

  /** Drops every compiled template, so that the next render reads the files again. */
  clearCache(): void {
    this.#cache.clear()
  }

  #loadOrEmpty(name: string): FlagonTemplate {
    try {
      return this.load(name)
    } catch (error) {
      if (!(error instanceof TemplateNotFound)) throw error
      return new FlagonTemplate('', this, { name, path: null })
    }
  }
}

/** A nunjucks Template that knows its name and its autoescaping, and records where errors happen. */
export class FlagonTemplate extends nunjucks.Template {
  /** The name it was loaded by; null for a template string. */
  readonly name: string | null
  /** The file it was read from; null for a template string. */
  readonly filename: string | null
  readonly autoescape: boolean
  readonly #runtime: Runtime

  constructor(source: string, env: TemplateEnvironment, where: { name: string | null; path: string | null }) {
    // nunjucks' path appears in its own messages; Jinja calls a template string "<template>".
    super(source, env, where.path ?? '<template>')
    this.name = where.name
    this.filename = where.path
    this.autoescape = where.name === null || AUTOESCAPED.test(where.name)
    this.#runtime = runtimeFor(this)
  }

  /** nunjucks' compile step, followed by the wrapping of the compiled functions (see the file's TSDoc). */
  _compile(): void {
    const compiled = this as unknown as Compiled
    try {
      ;(nunjucks.Template.prototype as unknown as Compiled)._compile.call(this)
    } catch (error) {
      // Compile errors carry 1-based lines.
      const e = error as { lineno?: number; colno?: number }
      recordOrigin(error, { ...this.origin(), lineno: e.lineno || null, colno: e.colno || null })
      throw error
    }
    compiled.rootRenderFunc = this.#wrap(compiled.rootRenderFunc)
    for (const [name, block] of Object.entries(compiled.blocks)) compiled.blocks[name] = this.#wrap(block)
  }

  /** Where an error in this template happened, with the line not known yet. */
  origin(): ErrorOrigin {
    const source = (this as unknown as Compiled).tmplStr ?? ''
    return { templateName: this.name, source, lineno: null, colno: null }
  }

  // Runs a compiled function (the root, or a block) with this template's runtime; records where the
  // errors it reports happened, and which template's code threw inside its callback.
  #wrap(fn: RenderFunction): RenderFunction {
    return (env, context, frame, callerRuntime, callback) =>
      fn(env, context, FastFrame.from(frame as Frame), this.#runtime, (error, result) => {
        if (error) {
          // Render errors carry 0-based lines; 0:0 is where nunjucks starts counting, i.e. unknown.
          const e = error as { lineno?: number; colno?: number }
          const known = typeof e.lineno === 'number' && (e.lineno > 0 || (e.colno ?? 0) > 0)
          recordOrigin(error, {
            ...this.origin(),
            lineno: known ? (e.lineno as number) + 1 : null,
            colno: known ? (e.colno ?? 0) + 1 : null,
          })
        }
        try {
          callback(error, result)
        } catch (thrown) {
          if (!error) recordContinuationError(thrown, callerRuntime[TEMPLATE]?.origin() ?? null)
          throw thrown
        }
      })
  }
}

const environments = new WeakMap<Flagon, TemplateEnvironment>()

/** A new environment for `app`; `environmentOf` keeps the one renders use. */
export function createEnvironment(app: Flagon, options: EnvironmentOptions = {}): TemplateEnvironment {
  return new TemplateEnvironment(app, options)
}

/** The app's environment, made at the first call (Flask's lazy `app.jinja_env`). */
export function environmentOf(app: Flagon): TemplateEnvironment {
  let env = environments.get(app)
  if (!env) {
    env = createEnvironment(app)
    environments.set(app, env)
  }
  return env
}

type Callback = (error: unknown, result?: unknown) => void
type RenderFunction = (
  env: unknown,
  context: unknown,
  frame: unknown,
  runtime: Runtime,
  callback: Callback,
) => void
/** The parts of nunjucks' Template that its compile step sets (not in its typings). */
interface Compiled {
  _compile(): void
  rootRenderFunc: RenderFunction
  blocks: Record<string, RenderFunction>
  tmplStr?: string
}
/** The parts of nunjucks' runtime that Flagon replaces per template. */
interface Runtime {
  suppressValue(value: unknown, autoescape: boolean): unknown
  callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown
  Frame: unknown
  [TEMPLATE]?: FlagonTemplate
}

const TEMPLATE = Symbol('flagon.template')
const baseRuntime = nunjucks.runtime as unknown as Runtime
const SafeString = (nunjucks.runtime as unknown as { SafeString: new (value: string) => object }).SafeString

// Compiled templates call their runtime's `suppressValue` for each `{{ … }}` and `callWrap` for each
// call; the rest of nunjucks' runtime is inherited as it is. Escaping is markupsafe's (`&#34;`).
function runtimeFor(template: FlagonTemplate): Runtime {
  const runtime = Object.create(baseRuntime) as Runtime
  runtime[TEMPLATE] = template
  // Macros make their frames with `new runtime.Frame()`.
  runtime.Frame = FastFrame
  runtime.suppressValue = (value, autoescape) => {
    if (hasHTML(value)) return value.__html__()
    if (value === undefined || value === null) return ''
    return autoescape && template.autoescape && !(value instanceof SafeString)
      ? escapeHtml(String(value))
      : value
  }
  runtime.callWrap = (fn, name, context, args) => {
    try {
      return baseRuntime.callWrap(fn, name, context, args)
    } catch (error) {
      recordCulprit(error, 'call', name)
      throw error
    }
  }
  return runtime
}

function defaultSearchPath(app: Flagon): readonly string[] {
  return app.templateSearchPath()
}

// Flask's template globals. request, session and g are read when a template uses them, so that a
// template rendered outside a request sees them undefined rather than failing.
function addTemplateGlobals(env: TemplateEnvironment, app: Flagon): void {
  const urlForTemplates = (endpoint: string, values?: Record<string, unknown>) => {
    const { __keywords: _, ...rest } = values ?? {}
    return urlFor(endpoint, rest as UrlForValues)
  }
  env.addGlobal('config', app.config)
  for (const name of ['urlFor', 'url_for']) env.addGlobal(name, urlForTemplates)
  for (const name of ['getFlashedMessages', 'get_flashed_messages']) {
    env.addGlobal(name, getFlashedMessagesForTemplates)
  }
  const globals = (env as unknown as { globals: object }).globals
  Object.defineProperties(globals, {
    request: { get: () => currentFrame()?.request?.request, enumerable: true },
    session: { get: () => getSession(), enumerable: true },
    g: { get: () => currentFrame()?.app.g, enumerable: true },
  })
}

function explain(app: Flagon, name: string, searchPath: readonly string[], found: string | undefined): void {
  const tried = searchPath.map((folder, i) => `  ${i + 1}: ${folder}`).join('\n')
  app.logger.info(
    `Locating template "${name}":\n${tried}\n${found ? `  found: ${found}` : '  not found in any folder'}`,
  )
}
