/**
 * What the app and blueprints share: registering routes, hooks and error handlers.
 * Functions are kept per owner: each scaffold keeps its own under `null`; when a blueprint is
 * registered, the app files them under the blueprint's dotted name, so that one request runs
 * exactly the functions of the app and of the blueprints it was routed to (Flask's design).
 */

import { type HTTPException, httpExceptionClassFor } from './exceptions.js'
import type { RouteParams } from './routing/params.js'
import {
  type ContextProcessor,
  type TemplateFilter,
  TemplateRegistry,
  type TemplateTest,
} from './templating/registry.js'
import type { Response } from './wrappers/response.js'

/** Anything a view or hook may return; `makeResponse` decides what it means. */
export type ViewResult = unknown
/** A view: receives the converted URL parameters. Sync or async. */
export type View<P = Record<string, unknown>> = (params: P) => ViewResult | Promise<ViewResult>
/** A function whose value, when it returns one, replaces the view's (beforeRequest). */
export type BeforeRequestFn = () => ViewResult | Promise<ViewResult>
/** Receives the response; returns it or a replacement. Returning nothing keeps the response. */
export type AfterRequestFn = (response: Response) => Response | undefined | Promise<Response | undefined>
/** Receives the error that went unhandled, or undefined. */
export type TeardownFn = (error: unknown) => unknown
/** Receives the endpoint and the mutable URL values before the view (or urlFor) sees them. */
export type UrlValuesFn = (endpoint: string | null, values: Record<string, unknown>) => unknown
/** Handles an error, returning what a view could return. */
export type ErrorHandlerFn<E = any> = (error: E) => ViewResult | Promise<ViewResult>
/** A websocket handler: receives the converted URL parameters; talks through the `websocket` proxy. */
export type WebsocketHandler<P = Record<string, unknown>> = (params: P) => ViewResult | Promise<ViewResult>
/** Runs after a websocket handler with the response it returned before accepting, or undefined. */
export type AfterWebsocketFn = (
  response: Response | undefined,
) => Response | undefined | Promise<Response | undefined>
/** An error class a handler can be registered for. */
export type ErrorClass = abstract new (...args: any[]) => Error

/** Options of `route()` and `addUrlRule()`. */
export interface RouteOptions {
  /** The HTTP methods; default `['GET']`. HEAD follows GET; OPTIONS is answered automatically. */
  methods?: readonly string[]
  /** The name `urlFor` knows the route by; default the handler's name. */
  endpoint?: string
  /** Values for parameters the rule does not have, passed to the view. */
  defaults?: Record<string, unknown>
  /** When false, `/path` and `/path/` both match. Default true. */
  strictSlashes?: boolean
  /** The host this rule matches (with host matching on). */
  host?: string
  /** The subdomain this rule matches, converters allowed (`'<user>'`), with subdomain matching on. */
  subdomain?: string
  /** Whether OPTIONS is answered automatically; default the config's PROVIDE_AUTOMATIC_OPTIONS. */
  provideAutomaticOptions?: boolean
  /** This route's body limit in bytes, instead of MAX_CONTENT_LENGTH (null: no limit). */
  maxContentLength?: number | null
  /** This route's body timeout in seconds, instead of BODY_TIMEOUT (null: none). */
  bodyTimeout?: number | null
  /** This route's MAX_FORM_MEMORY_SIZE. */
  maxFormMemorySize?: number | null
  /** This route's MAX_FORM_PARTS. */
  maxFormParts?: number | null
}

/** A route as registered, before an app compiles it. */
export interface RouteRecord extends RouteOptions {
  readonly path: string
  readonly endpoint: string
  readonly view: View<any>
  readonly websocket: boolean
}

type ByOwner<F> = Map<string | null, F[]>

/** The registry shared by `Flagon` and `Blueprint`. */
export abstract class Scaffold {
  readonly beforeRequestFuncs: ByOwner<BeforeRequestFn> = new Map()
  readonly afterRequestFuncs: ByOwner<AfterRequestFn> = new Map()
  readonly teardownRequestFuncs: ByOwner<TeardownFn> = new Map()
  readonly urlValuePreprocessors: ByOwner<UrlValuesFn> = new Map()
  readonly urlDefaultFuncs: ByOwner<UrlValuesFn> = new Map()
  readonly beforeWebsocketFuncs: ByOwner<BeforeRequestFn> = new Map()
  readonly afterWebsocketFuncs: ByOwner<AfterWebsocketFn> = new Map()
  readonly teardownWebsocketFuncs: ByOwner<TeardownFn> = new Map()
  /** Template filters, tests, globals and context processors registered here. */
  readonly templates = new TemplateRegistry()
  /** Per owner: handlers by status code, and by error class. */
  readonly errorHandlerSpec = new Map<
    string | null,
    { byStatus: Map<number, ErrorHandlerFn>; byClass: Map<Function, ErrorHandlerFn> }
  >()

  /**
   * Registers a route; called by route(), get(), post(), websocket() … The app compiles it at once,
   * a blueprint keeps it until it is registered on an app.
   * @internal
   */
  abstract registerRoute(record: RouteRecord): void

  /**
   * Called by every setup method. A blueprint refuses setup after it has been registered,
   * because what it registers then would never reach the app (Flask's setupmethod).
   */
  protected checkSetup(_method: string): void {}

  /**
   * Registers `view` for `path` in Quart's rule syntax; the view receives the typed parameters.
   * @example app.route('/users/<int:id>', ({ id }) => ({ id }), { methods: ['GET', 'POST'] })
   * @throws Error when the endpoint already belongs to another view, or the rule is invalid.
   */
  route<P extends string>(
    path: P,
    view: View<RouteParams<P>>,
    options: RouteOptions = {},
  ): View<RouteParams<P>> {
    if (typeof options.methods === 'string') {
      throw new TypeError(
        `route("${path}"): methods must be a list of strings, e.g. ['GET', 'POST'], not a string.`,
      )
    }
    this.checkSetup('route')
    // A class-based view (View.asView) carries its own methods and OPTIONS choice, as in Flask.
    const carried = view as { methods?: readonly string[]; provideAutomaticOptions?: boolean }
    const methods = options.methods ?? carried.methods
    const provideAutomaticOptions = options.provideAutomaticOptions ?? carried.provideAutomaticOptions
    this.registerRoute({
      ...options,
      ...(methods && { methods }),
      ...(provideAutomaticOptions !== undefined && { provideAutomaticOptions }),
      path,
      view,
      websocket: false,
      endpoint: endpointFor(path, view, options),
    })
    return view
  }

  /**
   * Registers a websocket handler for `path`; the same rule syntax and converters as routes.
   * @example app.websocket('/ws/<room>', async ({ room }) => { for await (const m of websocket) await websocket.send(`${room}: ${m}`) })
   */
  websocket<P extends string>(
    path: P,
    handler: WebsocketHandler<RouteParams<P>>,
    options: Omit<RouteOptions, 'methods' | 'provideAutomaticOptions'> = {},
  ): WebsocketHandler<RouteParams<P>> {
    this.checkSetup('websocket')
    this.registerRoute({
      ...options,
      path,
      view: handler,
      websocket: true,
      methods: ['GET'],
      endpoint: endpointFor(path, handler, options),
    })
    return handler
  }

  /** Registers `view` under an explicit endpoint; Quart's `add_url_rule`. */
  addUrlRule<P extends string>(path: P, options: RouteOptions & { view: View<RouteParams<P>> }): void {
    const { view, ...rest } = options
    this.route(path, view, rest)
  }

  get<P extends string>(path: P, view: View<RouteParams<P>>, options?: Omit<RouteOptions, 'methods'>) {
    return this.#shortcut('GET', path, view, options)
  }
  post<P extends string>(path: P, view: View<RouteParams<P>>, options?: Omit<RouteOptions, 'methods'>) {
    return this.#shortcut('POST', path, view, options)
  }
  put<P extends string>(path: P, view: View<RouteParams<P>>, options?: Omit<RouteOptions, 'methods'>) {
    return this.#shortcut('PUT', path, view, options)
  }
  patch<P extends string>(path: P, view: View<RouteParams<P>>, options?: Omit<RouteOptions, 'methods'>) {
    return this.#shortcut('PATCH', path, view, options)
  }
  delete<P extends string>(path: P, view: View<RouteParams<P>>, options?: Omit<RouteOptions, 'methods'>) {
    return this.#shortcut('DELETE', path, view, options)
  }

  /** Runs before each view; a returned value (not undefined/null) becomes the response and the view is skipped. */
  beforeRequest<F extends BeforeRequestFn>(fn: F): F {
    this.#add('beforeRequest', this.beforeRequestFuncs, fn)
    return fn
  }
  /** Runs after each view with the response; registered functions run in reverse order. */
  afterRequest<F extends AfterRequestFn>(fn: F): F {
    this.#add('afterRequest', this.afterRequestFuncs, fn)
    return fn
  }
  /** Runs when the request ends, always, with the error that went unhandled (or undefined). */
  teardownRequest<F extends TeardownFn>(fn: F): F {
    this.#add('teardownRequest', this.teardownRequestFuncs, fn)
    return fn
  }
  /** Runs before beforeRequest with the endpoint and URL values, which it may change. */
  urlValuePreprocessor<F extends UrlValuesFn>(fn: F): F {
    this.#add('urlValuePreprocessor', this.urlValuePreprocessors, fn)
    return fn
  }
  /** Runs before each websocket handler; a returned value rejects the handshake with that response. */
  beforeWebsocket<F extends BeforeRequestFn>(fn: F): F {
    this.#add('beforeWebsocket', this.beforeWebsocketFuncs, fn)
    return fn
  }
  /** Runs after each websocket handler with the rejection response, or undefined once accepted. */
  afterWebsocket<F extends AfterWebsocketFn>(fn: F): F {
    this.#add('afterWebsocket', this.afterWebsocketFuncs, fn)
    return fn
  }
  /** Runs when a websocket ends, always, with the error that went unhandled (or undefined). */
  teardownWebsocket<F extends TeardownFn>(fn: F): F {
    this.#add('teardownWebsocket', this.teardownWebsocketFuncs, fn)
    return fn
  }
  /**
   * Adds a template filter, named after the function unless `name` is given; it may be async.
   * @example app.templateFilter(function double(n: number) { return n * 2 })  // {{ 5|double }}
   */
  templateFilter<F extends TemplateFilter>(fn: F, name?: string): F {
    this.checkSetup('templateFilter')
    return this.templates.addFilter(fn, name)
  }
  /** Adds a template test: `{{ 4 is even }}`. */
  templateTest<F extends TemplateTest>(fn: F, name?: string): F {
    this.checkSetup('templateTest')
    return this.templates.addTest(fn, name)
  }
  /** Adds a value or function every template sees. */
  templateGlobal<V>(value: V, name?: string): V {
    this.checkSetup('templateGlobal')
    return this.templates.addGlobal(value, name)
  }
  /**
   * Adds a function whose returned object is merged into every template's context (for a
   * blueprint: the templates rendered for its requests). It may be async; it never overrides
   * values passed to the render call.
   */
  contextProcessor<F extends ContextProcessor>(fn: F): F {
    this.checkSetup('contextProcessor')
    return this.templates.addContextProcessor(fn)
  }
  /** Runs in urlFor with the endpoint and values, to fill in values the caller left out. */
  urlDefaults<F extends UrlValuesFn>(fn: F): F {
    this.#add('urlDefaults', this.urlDefaultFuncs, fn)
    return fn
  }

  /**
   * Handles errors of a class (and its subclasses) or an HTTP status.
   * @example app.errorHandler(404, () => ['Nothing here', 404])
   * @throws Error for a status no HTTPException has, or for something that is not an Error class.
   */
  errorHandler(status: number, fn: ErrorHandlerFn<HTTPException>): ErrorHandlerFn<HTTPException>
  errorHandler<E extends Error>(
    errorClass: abstract new (...args: any[]) => E,
    fn: ErrorHandlerFn<E>,
  ): ErrorHandlerFn<E>
  errorHandler(statusOrClass: number | ErrorClass, fn: ErrorHandlerFn): ErrorHandlerFn {
    this.checkSetup('errorHandler')
    let spec = this.errorHandlerSpec.get(null)
    if (!spec) {
      spec = { byStatus: new Map(), byClass: new Map() }
      this.errorHandlerSpec.set(null, spec)
    }
    if (typeof statusOrClass === 'number') {
      if (!httpExceptionClassFor(statusOrClass)) {
        throw new Error(
          `errorHandler(${statusOrClass}): ${statusOrClass} is not a recognised HTTP error code. Use a 4xx or 5xx status that has an HTTPException class, or an error class.`,
        )
      }
      spec.byStatus.set(statusOrClass, fn)
    } else if (
      typeof statusOrClass === 'function' &&
      ((statusOrClass as unknown) === Error || statusOrClass.prototype instanceof Error)
    ) {
      spec.byClass.set(statusOrClass, fn)
    } else {
      throw new TypeError(
        'errorHandler() takes an HTTP status code or an Error class (not an instance), e.g. errorHandler(NotFound, fn).',
      )
    }
    return fn
  }

  #shortcut<P extends string>(
    method: string,
    path: P,
    view: View<RouteParams<P>>,
    options: RouteOptions = {},
  ) {
    if ('methods' in options) {
      throw new TypeError(`${method.toLowerCase()}("${path}"): use route() to pass methods.`)
    }
    return this.route(path, view, { ...options, methods: [method] })
  }

  #add<F>(method: string, map: ByOwner<F>, fn: F): void {
    this.checkSetup(method)
    const list = map.get(null)
    if (list) list.push(fn)
    else map.set(null, [fn])
  }
}

/** The handler's name, or, for an anonymous handler, the rule itself (with its methods unless only GET). */
function endpointFor(path: string, view: Function, options: RouteOptions): string {
  if (options.endpoint !== undefined) {
    if (options.endpoint.includes('.')) {
      throw new Error(
        `route("${path}"): the endpoint "${options.endpoint}" may not contain a dot; dots separate blueprint names.`,
      )
    }
    return options.endpoint
  }
  if (view.name && !view.name.includes(' ')) return view.name
  const methods = options.methods?.map((m) => m.toUpperCase()) ?? ['GET']
  return methods.length === 1 && methods[0] === 'GET' ? path : `${path} ${methods.join('|')}`
}
