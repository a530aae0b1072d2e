/**
 * Blueprints: a group of routes, hooks and error handlers registered onto an app later, under a
 * name (endpoints become `name.view`) and a URL prefix. Blueprints nest; the same blueprint may be
 * registered twice under different names. What a blueprint registers applies only to requests
 * routed to it, except the `*App*` variants (`beforeAppRequest` …), which apply to every request.
 */
import { basename, dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Flagon } from './app.js'
import type { HTTPException } from './exceptions.js'
import { staticView } from './helpers/send-file.js'
import {
  type AfterRequestFn,
  type AfterWebsocketFn,
  type BeforeRequestFn,
  type ErrorHandlerFn,
  type RouteRecord,
  Scaffold,
  type TeardownFn,
  type UrlValuesFn,
} from './scaffold.js'
import type { ServingFn, WhileServingFn } from './server/lifespan.js'
import type { ContextProcessor, TemplateFilter, TemplateTest } from './templating/registry.js'

/** Options of `new Blueprint(name, options)`. */
export interface BlueprintOptions {
  /** Prefixed to every rule of the blueprint, e.g. `/admin`. */
  urlPrefix?: string
  /** Default URL values for every rule of the blueprint. */
  urlDefaults?: Record<string, unknown>
  /** The subdomain of every rule of the blueprint (the app needs `subdomainMatching`). */
  subdomain?: string
  /** The blueprint's own static folder, relative to `rootPath` (served by the static-files support). */
  staticFolder?: string
  /** The URL path of the static folder, under the blueprint's prefix; default `/<basename of staticFolder>`. */
  staticUrlPath?: string
  /** The blueprint's template folder, searched after the app's. */
  templateFolder?: string
  /** The folder its static and template folders are relative to: a path, or the `import.meta.url` of its module; default the working directory. */
  rootPath?: string
}

/** Options of `registerBlueprint(blueprint, options)`; they override the blueprint's own. */
export interface RegisterBlueprintOptions {
  urlPrefix?: string
  subdomain?: string
  urlDefaults?: Record<string, unknown>
  /** A distinct name, to register the same blueprint twice. */
  name?: string
}

/** What a registration hands to the deferred functions of a blueprint (Flask's BlueprintSetupState). */
export interface BlueprintSetupState {
  readonly app: Flagon
  readonly blueprint: Blueprint
  /** The dotted name the blueprint's endpoints and hooks are filed under. */
  readonly name: string
  readonly urlPrefix: string
  readonly urlDefaults: Record<string, unknown>
  readonly firstRegistration: boolean
}

type Deferred = (state: BlueprintSetupState) => void

/**
 * A blueprint.
 * @example
 * const admin = new Blueprint('admin', { urlPrefix: '/admin' })
 * admin.get('/', function index() { return 'admin home' })   // endpoint 'admin.index'
 * app.registerBlueprint(admin)
 * @throws Error for an empty name or one with a dot.
 */
export class Blueprint extends Scaffold {
  readonly name: string
  readonly options: Readonly<BlueprintOptions>
  /** The folder the blueprint's static and template folders are relative to. */
  readonly rootPath: string
  readonly #routes: RouteRecord[] = []
  readonly #deferred: Deferred[] = []
  readonly #children: Array<{ blueprint: Blueprint; options: RegisterBlueprintOptions }> = []
  #registered = false

  constructor(name: string, options: BlueprintOptions = {}) {
    super()
    if (!name || name.includes('.')) {
      throw new Error(
        `new Blueprint(${JSON.stringify(name)}): the name may not be empty or contain a dot; dots separate nested blueprints.`,
      )
    }
    this.name = name
    this.options = options
    const root = options.rootPath ?? process.cwd()
    this.rootPath = root.startsWith('file:') ? dirname(fileURLToPath(root)) : root
  }

  /** @internal Keeps the route until the blueprint is registered. */
  registerRoute(record: RouteRecord): void {
    this.#routes.push(record)
  }

  /** Registers a blueprint inside this one: its name becomes `this.child`, its prefix follows this one's. */
  registerBlueprint(blueprint: Blueprint, options: RegisterBlueprintOptions = {}): void {
    if (blueprint === this) throw new Error(`Blueprint "${this.name}" cannot be registered on itself.`)
    this.checkSetup('registerBlueprint')
    this.#children.push({ blueprint, options })
  }

  /** Runs `fn` each time the blueprint is registered on an app, with the registration's state. */
  record(fn: Deferred): void {
    this.checkSetup('record')
    this.#deferred.push(fn)
  }

  /** Runs `fn` only the first time the blueprint is registered. */
  recordOnce(fn: Deferred): void {
    this.record((state) => {
      if (state.firstRegistration) fn(state)
    })
  }

  /** Like beforeRequest, but for every request of the app. */
  beforeAppRequest<F extends BeforeRequestFn>(fn: F): F {
    this.record(({ app }) => app.beforeRequest(fn))
    return fn
  }
  /** Like afterRequest, but for every request of the app. */
  afterAppRequest<F extends AfterRequestFn>(fn: F): F {
    this.record(({ app }) => app.afterRequest(fn))
    return fn
  }
  /** Like teardownRequest, but for every request of the app. */
  teardownAppRequest<F extends TeardownFn>(fn: F): F {
    this.record(({ app }) => app.teardownRequest(fn))
    return fn
  }
  /** Like beforeWebsocket, but for every websocket of the app. */
  beforeAppWebsocket<F extends BeforeRequestFn>(fn: F): F {
    this.record(({ app }) => app.beforeWebsocket(fn))
    return fn
  }
  /** Like afterWebsocket, but for every websocket of the app. */
  afterAppWebsocket<F extends AfterWebsocketFn>(fn: F): F {
    this.record(({ app }) => app.afterWebsocket(fn))
    return fn
  }
  /** Like teardownWebsocket, but for every websocket of the app. */
  teardownAppWebsocket<F extends TeardownFn>(fn: F): F {
    this.record(({ app }) => app.teardownWebsocket(fn))
    return fn
  }
  /** The app's beforeServing, registered from a blueprint. */
  beforeAppServing<F extends ServingFn>(fn: F): F {
    this.record(({ app }) => app.beforeServing(fn))
    return fn
  }
  /** The app's afterServing, registered from a blueprint. */
  afterAppServing<F extends ServingFn>(fn: F): F {
    this.record(({ app }) => app.afterServing(fn))
    return fn
  }
  /** The app's whileServing, registered from a blueprint. */
  whileAppServing<F extends WhileServingFn>(fn: F): F {
    this.record(({ app }) => app.whileServing(fn))
    return fn
  }
  /** Like contextProcessor, but for every template of the app. */
  appContextProcessor<F extends ContextProcessor>(fn: F): F {
    this.record(({ app }) => app.contextProcessor(fn))
    return fn
  }
  /** A template filter; a blueprint's filters are app-wide anyway (Flask's app_template_filter). */
  appTemplateFilter<F extends TemplateFilter>(fn: F, name?: string): F {
    return this.templateFilter(fn, name)
  }
  /** A template test, app-wide. */
  appTemplateTest<F extends TemplateTest>(fn: F, name?: string): F {
    return this.templateTest(fn, name)
  }
  /** A template global, app-wide. */
  appTemplateGlobal<V>(value: V, name?: string): V {
    return this.templateGlobal(value, name)
  }
  /** Like urlValuePreprocessor, but for every request of the app. */
  appUrlValuePreprocessor<F extends UrlValuesFn>(fn: F): F {
    this.record(({ app }) => app.urlValuePreprocessor(fn))
    return fn
  }
  /** Like urlDefaults, but for every endpoint of the app. */
  appUrlDefaults<F extends UrlValuesFn>(fn: F): F {
    this.record(({ app }) => app.urlDefaults(fn))
    return fn
  }
  /** Like errorHandler, but for errors of every request of the app. */
  appErrorHandler(status: number, fn: ErrorHandlerFn<HTTPException>): ErrorHandlerFn<HTTPException>
  appErrorHandler<E extends Error>(
    errorClass: abstract new (...args: any[]) => E,
    fn: ErrorHandlerFn<E>,
  ): ErrorHandlerFn<E>
  appErrorHandler(key: any, fn: ErrorHandlerFn): ErrorHandlerFn {
    this.record(({ app }) => app.errorHandler(key, fn))
    return fn
  }

  /**
   * Registers this blueprint, its routes, hooks, error handlers and nested blueprints, on `app`.
   * Called by `app.registerBlueprint()`; `parent` is set for a nested registration.
   * @internal
   */
  register(
    app: Flagon,
    options: RegisterBlueprintOptions,
    parent?: {
      name: string
      urlPrefix: string
      urlDefaults: Record<string, unknown>
      subdomain: string | undefined
    },
  ): void {
    const ownName = options.name ?? this.name
    if (ownName.includes('.'))
      throw new Error(`registerBlueprint(${this.name}): the name "${ownName}" may not contain a dot.`)
    const name = parent ? `${parent.name}.${ownName}` : ownName
    const existing = app.blueprints.get(name)
    if (existing) {
      const whose = existing === this ? 'this' : 'a different'
      throw new Error(
        `The name "${name}" is already registered for ${whose} blueprint. Use { name: "…" } to provide a unique name.`,
      )
    }
    const firstRegistration = ![...app.blueprints.values()].includes(this)
    app.blueprints.set(name, this)
    this.#registered = true

    const urlPrefix = joinPrefix(parent?.urlPrefix ?? '', options.urlPrefix ?? this.options.urlPrefix ?? '')
    const urlDefaults = { ...parent?.urlDefaults, ...this.options.urlDefaults, ...options.urlDefaults }
    // Nested subdomains chain as child.parent, as in Flask.
    const own = options.subdomain ?? this.options.subdomain
    const subdomain = own && parent?.subdomain ? `${own}.${parent.subdomain}` : (own ?? parent?.subdomain)
    this.#mergeFunctions(app, name)
    for (const record of this.#routes) {
      app.registerRoute({
        ...record,
        path: joinPrefix(urlPrefix, record.path) || '/',
        endpoint: `${name}.${record.endpoint}`,
        defaults: { ...urlDefaults, ...record.defaults },
        ...(record.subdomain === undefined && subdomain !== undefined && { subdomain }),
      })
    }
    app.templates.merge(this.templates, name)
    const { staticFolder } = this.options
    if (staticFolder) {
      const urlPath = this.options.staticUrlPath ?? `/${basename(staticFolder)}`
      app.registerRoute({
        path: `${joinPrefix(urlPrefix, urlPath)}/<path:filename>`,
        endpoint: `${name}.static`,
        view: staticView(resolve(this.rootPath, staticFolder)),
        websocket: false,
        ...(subdomain !== undefined && { subdomain }),
      })
    }
    const state: BlueprintSetupState = {
      app,
      blueprint: this,
      name,
      urlPrefix,
      urlDefaults,
      firstRegistration,
    }
    for (const fn of this.#deferred) fn(state)
    for (const child of this.#children)
      child.blueprint.register(app, child.options, { name, urlPrefix, urlDefaults, subdomain })
  }

  protected override checkSetup(method: string): void {
    if (this.#registered) {
      throw new Error(
        `Blueprint "${this.name}".${method}() was called after the blueprint was registered on an app; ` +
          'it would never take effect. Set the blueprint up completely before registerBlueprint().',
      )
    }
  }

  /** Files this blueprint's own functions (kept under `null`) under its dotted name on the app. */
  #mergeFunctions(app: Flagon, name: string): void {
    const pairs = [
      [this.beforeRequestFuncs, app.beforeRequestFuncs],
      [this.afterRequestFuncs, app.afterRequestFuncs],
      [this.teardownRequestFuncs, app.teardownRequestFuncs],
      [this.urlValuePreprocessors, app.urlValuePreprocessors],
      [this.urlDefaultFuncs, app.urlDefaultFuncs],
      [this.beforeWebsocketFuncs, app.beforeWebsocketFuncs],
      [this.afterWebsocketFuncs, app.afterWebsocketFuncs],
      [this.teardownWebsocketFuncs, app.teardownWebsocketFuncs],
    ] as Array<[Map<string | null, unknown[]>, Map<string | null, unknown[]>]>
    for (const [own, target] of pairs) {
      const fns = own.get(null)
      if (fns?.length) target.set(name, [...(target.get(name) ?? []), ...fns])
    }
    const handlers = this.errorHandlerSpec.get(null)
    if (handlers) {
      app.errorHandlerSpec.set(name, {
        byStatus: new Map(handlers.byStatus),
        byClass: new Map(handlers.byClass),
      })
    }
  }
}

/** Joins URL prefixes and paths with exactly one slash between them. */
function joinPrefix(prefix: string, path: string): string {
  if (!prefix) return path
  if (!path) return prefix.replace(/\/+$/, '')
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
