/**
 * `Flagon`: the application. It holds the config, the URL map, the registered views and hooks,
 * and the entry points that serve it: `handler` (node:http), `listen()`, `run()`, `fetch()`,
 * and `testClient()` for tests. A request's path through it is lifecycle/http.ts.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { basename, dirname, extname, resolve } from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { SecureCookieSessionInterface, type Session, type SessionInterface } from '@flagon/sessions'
import type { Blueprint, RegisterBlueprintOptions } from './blueprint.js'
import { CommandGroup } from './cli/commands.js'
import { Config, type FlagonConfig } from './config.js'
import { AppContext, RequestContext, type UrlMatch, type WebsocketContext } from './context.js'
import { BadRequest, MethodNotAllowed, NotFound, RequestRedirect } from './exceptions.js'
import { staticView } from './helpers/send-file.js'
import { isTrustedHost } from './helpers/trusted-hosts.js'
import { isPromise } from './is-promise.js'
import { jsonResponse } from './json.js'
import { afterOrder } from './lifecycle/hooks.js'
import { doTeardownRequest, handleRequest, type Send } from './lifecycle/http.js'
import { createLogger, type Logger } from './logging.js'
import { UrlMap } from './routing/map.js'
import { Rule } from './routing/rule.js'
import { type RouteRecord, Scaffold, type TeardownFn, type View } from './scaffold.js'
import { BackgroundTasks } from './server/background.js'
import { fetchHandler } from './server/fetch.js'
import { Lifespan, type ServingFn, type WhileServingFn } from './server/lifespan.js'
import {
  closeGracefully,
  closeWebsockets,
  type ListenOptions,
  listen,
  type RunOptions,
  run,
} from './server/listen.js'
import { nodeHandler } from './server/node.js'
import { SessionSockets } from './server/revocation.js'
import { upgradeHandler } from './server/upgrade.js'
import { requestTearingDown, websocketTearingDown } from './signals.js'
import { TestClient, testRequestHeader, withTestApp } from './testing/client.js'
import { buildTestRequest, type TestRequestOptions } from './testing/request-context.js'
import { runSessionTransaction, type SessionTransactionFn } from './testing/session-transaction.js'
import type { Request } from './wrappers/request.js'
import type { Response } from './wrappers/response.js'
import type { Websocket } from './wrappers/websocket.js'

/** Options of `new Flagon()`. */
export interface FlagonOptions {
  /** The folder the app's files are found from; default the folder of the import URL, or the working directory. */
  rootPath?: string
  /** Match rules by their `host` option. */
  hostMatching?: boolean
  /**
   * Match rules by their `subdomain` option (blueprints' too), the part of the Host before
   * SERVER_NAME: `app.route('/', view, { subdomain: '<user>' })` serves `ann.example.com`.
   */
  subdomainMatching?: boolean
  /** The folder served at `staticUrlPath`, relative to `rootPath`; default `static`; null serves none. */
  staticFolder?: string | null
  /** The URL path of the static folder; default `/` plus the folder's name. */
  staticUrlPath?: string
  /** The folder templates are found in, relative to `rootPath`; default `templates`. */
  templateFolder?: string
}

/**
 * The application.
 * @example
 * const app = new Flagon(import.meta.url)
 * app.get('/hello/<name>', ({ name }) => `Hello, ${name}!`)
 * await app.listen({ port: 5000 })
 */
export class Flagon extends Scaffold {
  /** The app's name: the module's file name without extension, or the name given. */
  readonly name: string
  readonly rootPath: string
  readonly config: Config & FlagonConfig
  readonly urlMap: UrlMap
  /** Views by endpoint. */
  readonly viewFunctions = new Map<string, View<any>>()
  readonly teardownAppcontextFuncs: TeardownFn[] = []
  /** The app's own commands for the `flagon` CLI; they run inside an app context. */
  readonly cli = new CommandGroup()
  /** Registered blueprints by dotted name, in registration order. */
  readonly blueprints = new Map<string, Blueprint>()
  /** Per-route options (body limits) by rule. */
  readonly #routeOptions = new Map<Rule, RouteRecord>()
  readonly #lifespan = new Lifespan(this)
  readonly #backgroundTasks = new BackgroundTasks(this)
  readonly #sessionSockets = new SessionSockets(this)
  readonly #servers = new Set<Server>()
  logger: Logger
  /** Whether rules match by subdomain (see FlagonOptions.subdomainMatching). */
  readonly subdomainMatching: boolean
  /** The static folder, relative to `rootPath`, or null. */
  readonly staticFolder: string | null
  /** The template folder, relative to `rootPath`. */
  readonly templateFolder: string
  /** Opens and saves sessions; signed cookies by default, as in Quart. Replace it with any SessionInterface. */
  sessionInterface: SessionInterface = new SecureCookieSessionInterface()
  /** Lazily made so that config set after construction (DEBUG) is seen. */
  #handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  #upgradeHandler: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined
  /** Websockets being served, closed with 1001 at shutdown. */
  readonly #websockets = new Set<Websocket>()

  constructor(importNameOrUrl: string, options: FlagonOptions = {}) {
    super()
    const isUrl = importNameOrUrl.startsWith('file:')
    const file = isUrl ? fileURLToPath(importNameOrUrl) : undefined
    this.name = file ? basename(file, extname(file)) : importNameOrUrl
    this.rootPath = options.rootPath ?? (file ? dirname(file) : process.cwd())
    this.config = new Config(this.rootPath) as Config & FlagonConfig
    this.subdomainMatching = options.subdomainMatching ?? false
    // A subdomain is matched as the map's host: the Host header with SERVER_NAME taken off.
    this.urlMap = new UrlMap({ hostMatching: (options.hostMatching ?? false) || this.subdomainMatching })
    this.logger = createLogger(this.name, () => (this.config.DEBUG ? 'debug' : 'info'))
    this.staticFolder = options.staticFolder === undefined ? 'static' : options.staticFolder
    this.templateFolder = options.templateFolder ?? 'templates'
    if (this.staticFolder !== null) {
      const urlPath = options.staticUrlPath ?? `/${basename(this.staticFolder)}`
      this.route(
        `${urlPath.replace(/\/$/, '')}/<path:filename>`,
        staticView(resolve(this.rootPath, this.staticFolder)),
        {
          endpoint: 'static',
        },
      )
    }
  }

  /** `SECRET_KEY`: the key sessions are signed with. */
  get secretKey(): string | Uint8Array | null {
    return this.config.SECRET_KEY
  }
  set secretKey(value: string | Uint8Array | null) {
    this.config.SECRET_KEY = value
  }

  /** `PERMANENT_SESSION_LIFETIME`, in seconds. */
  get permanentSessionLifetime(): number {
    return this.config.PERMANENT_SESSION_LIFETIME
  }
  set permanentSessionLifetime(seconds: number) {
    this.config.PERMANENT_SESSION_LIFETIME = seconds
  }

  /**
   * The session of `request`: the interface's, or a null session when it gives none. A promise only
   * when the interface answers with one (a server-side store); the cookie interface answers at once,
   * which spares every request the promise.
   */
  openSession(request: Request): Session | Promise<Session> {
    const opened = this.sessionInterface.openSession(this, request)
    if (isPromise(opened)) {
      return Promise.resolve(opened).then((session) => session ?? this.sessionInterface.makeNullSession(this))
    }
    return opened ?? this.sessionInterface.makeNullSession(this)
  }

  /**
   * Saves `session` onto `response` (null after an accepted websocket), unless it is a null session.
   * `label` names the request in what the interface logs. A promise only when the interface's save is
   * asynchronous, as `openSession`.
   */
  saveSession(session: Session, response: Response | null, label: string): void | Promise<void> {
    if (this.sessionInterface.isNullSession(session)) return
    const host = response ? this : { config: this.config, logger: labelled(this.logger, label) }
    const saved = this.sessionInterface.saveSession(host, session, response)
    if (isPromise(saved)) return Promise.resolve(saved)
  }

  /** True when DEBUG is on. */
  get debug(): boolean {
    return Boolean(this.config.DEBUG)
  }

  /** @internal */
  registerRoute(record: RouteRecord): void {
    const existing = this.viewFunctions.get(record.endpoint)
    if (existing && existing !== record.view) {
      throw new Error(
        `route("${record.path}"): the endpoint "${record.endpoint}" already belongs to another view. ` +
          'Give this route its own name with { endpoint: "…" }.',
      )
    }
    const rule = new Rule(record.path, {
      endpoint: record.endpoint,
      websocket: record.websocket,
      ...(record.methods && { methods: record.methods }),
      ...(record.defaults && { defaults: record.defaults }),
      ...(record.strictSlashes !== undefined && { strictSlashes: record.strictSlashes }),
      ...(this.subdomainMatching
        ? { host: record.subdomain ?? '' }
        : record.host !== undefined && { host: record.host }),
      provideAutomaticOptions:
        record.provideAutomaticOptions ??
        (!record.websocket && this.config.PROVIDE_AUTOMATIC_OPTIONS !== false),
    })
    this.urlMap.add(rule)
    this.viewFunctions.set(record.endpoint, record.view)
    this.#routeOptions.set(rule, record)
  }

  /**
   * Registers a blueprint: its routes under its prefix and name, its hooks for requests routed to it.
   * @throws Error when its name is already registered (pass { name } to register it twice).
   */
  registerBlueprint(blueprint: Blueprint, options: RegisterBlueprintOptions = {}): void {
    blueprint.register(this, options)
  }

  /**
   * The folders templates are looked up in: the app's template folder first, then each blueprint's,
   * in registration order (Quart's order). Read at each lookup, so late registrations count.
   */
  templateSearchPath(): string[] {
    const folders = [resolve(this.rootPath, this.templateFolder)]
    for (const blueprint of new Set(this.blueprints.values())) {
      const folder = blueprint.options.templateFolder
      if (folder) folders.push(resolve(blueprint.rootPath, folder))
    }
    return folders
  }

  /** The registered blueprints, in registration order. */
  iterBlueprints(): IterableIterator<Blueprint> {
    return this.blueprints.values()
  }

  /** Registers a function run when every app context ends, with the error that ended it. */
  teardownAppcontext<F extends TeardownFn>(fn: F): F {
    this.teardownAppcontextFuncs.push(fn)
    return fn
  }
  /** Runs before the first request is accepted (in an app context). */
  beforeServing<F extends ServingFn>(fn: F): F {
    this.#lifespan.beforeServing.push(fn)
    return fn
  }
  /** Runs when the server shuts down, after the last request. */
  afterServing<F extends ServingFn>(fn: F): F {
    this.#lifespan.afterServing.push(fn)
    return fn
  }
  /** An async generator function: the part before its first `yield` runs at start, the rest at shutdown. */
  whileServing<F extends WhileServingFn>(fn: F): F {
    this.#lifespan.whileServing.push(fn)
    return fn
  }

  /** Runs the beforeServing and whileServing start-up; the servers call it before accepting requests. */
  async startServing(): Promise<void> {
    this.config.validate()
    await this.#lifespan.start()
    await this.#sessionSockets.start()
  }
  /**
   * Waits for background tasks (up to BACKGROUND_TASK_SHUTDOWN_TIMEOUT), then runs afterServing and
   * finishes the whileServing generators.
   */
  async stopServing(): Promise<void> {
    await this.#backgroundTasks.drain(this.config.BACKGROUND_TASK_SHUTDOWN_TIMEOUT)
    await this.#sessionSockets.stop()
    await this.#lifespan.stop()
  }

  /**
   * Runs `fn(...args)` in the background, in a fresh app context; a failure is logged and the app
   * keeps serving. Shutdown (and `testApp`) waits for it.
   * @example app.addBackgroundTask(sendWelcomeMail, user.email)
   */
  addBackgroundTask<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    this.#backgroundTasks.add(fn, args)
  }

  /** A new app context; `await app.appContext().run(fn)` runs fn with `currentApp` and `g`. */
  appContext(): AppContext {
    return new AppContext(this)
  }

  /**
   * A request context for a made-up request, for tests and scripts. beforeRequest hooks do not run.
   * @example await app.testRequestContext('/users/1').run(() => request.path)
   */
  testRequestContext(path: string, options: TestRequestOptions = {}) {
    const request = buildTestRequest(this, path, options)
    return {
      request,
      run: <T>(fn: () => T | Promise<T>) => this.requestContext(request).run(async () => fn()),
    }
  }

  /** The request context of `request`, with its URL matched. */
  requestContext(request: Request): RequestContext {
    return new RequestContext(this, request)
  }

  /**
   * Matches the request's URL (or a websocket handshake's, against websocket rules); routing errors
   * are kept to be raised at dispatch. Sets the route's body limits.
   */
  matchRequest(request: Request, websocket = false): UrlMatch {
    const trusted = this.config.TRUSTED_HOSTS
    if (trusted && !isTrustedHost(request.host, trusted)) {
      return routingFailure(
        new BadRequest(`The host ${JSON.stringify(request.host)} is not in TRUSTED_HOSTS.`),
      )
    }
    const subdomain = this.subdomainMatching ? this.subdomainOf(request.host) : undefined
    // A host outside SERVER_NAME matches no rule (Werkzeug routes it to an `<invalid>` subdomain).
    if (this.subdomainMatching && subdomain === undefined) return routingFailure(new NotFound())
    const outcome = this.urlMap.match(request.path, {
      method: websocket ? 'GET' : request.method,
      websocket,
      host: subdomain ?? hostForMatching(request),
    })
    switch (outcome.kind) {
      case 'match': {
        request.endpoint = outcome.rule.endpoint
        request.viewArgs = outcome.params
        this.#applyRouteLimits(request, outcome.rule)
        return {
          rule: outcome.rule,
          params: outcome.params,
          routingError: null,
          automaticOptions: outcome.automaticOptions,
          allowedMethods: outcome.allowedMethods,
        }
      }
      case 'redirect': {
        const query = request.queryString ? `?${request.queryString}` : ''
        const location = `${request.scheme}://${request.host}${request.rootPath}${outcome.path}${query}`
        return routingFailure(new RequestRedirect(location))
      }
      case 'methodNotAllowed':
        return routingFailure(new MethodNotAllowed(outcome.allowedMethods))
      case 'websocketMismatch':
        return routingFailure(
          new BadRequest('This URL serves WebSockets only; open it with a WebSocket client.'),
        )
      default:
        return routingFailure(new NotFound())
    }
  }

  /**
   * The subdomain part of `host` under SERVER_NAME (`''` for SERVER_NAME itself, or when no
   * SERVER_NAME is set), or undefined for a host outside SERVER_NAME, which no rule matches.
   */
  subdomainOf(host: string): string | undefined {
    const serverName = this.config.SERVER_NAME
    if (!serverName) return ''
    const name = withoutPort(host).toLowerCase()
    const root = withoutPort(serverName).toLowerCase()
    if (name === root) return ''
    return name.endsWith(`.${root}`) ? name.slice(0, -root.length - 1) : undefined
  }

  /** Runs teardownWebsocket functions (the blueprints' too, which Quart forgets), then the signal. */
  async doTeardownWebsocket(ctx: WebsocketContext, error: unknown): Promise<void> {
    for (const fn of afterOrder(this.teardownWebsocketFuncs, ctx.blueprints)) await fn(error)
    if (websocketTearingDown.hasReceivers) await websocketTearingDown.send(this, { error })
  }

  /** Runs teardownRequest functions, then the requestTearingDown signal. */
  async doTeardownRequest(ctx: RequestContext, error: unknown): Promise<void> {
    await doTeardownRequest(this, ctx, error)
    if (requestTearingDown.hasReceivers) await requestTearingDown.send(this, { error })
  }

  /** A JSON response in the app's style: indented in DEBUG, keys sorted unless JSON_SORT_KEYS is off. */
  jsonResponse(value: unknown): Response {
    return jsonResponse(value, {
      debug: this.debug,
      sortKeys: this.config.JSON_SORT_KEYS !== false,
      asciiOnly: this.config.JSON_AS_ASCII !== false,
      mimetype: this.config.JSONIFY_MIMETYPE ?? 'application/json',
    })
  }

  /** Handles `request` through the whole lifecycle; `send` writes the response before teardown. */
  handleRequest(request: Request, send: Send): Promise<void> {
    return handleRequest(this, request, send) ?? Promise.resolve()
  }

  /**
   * A listener for a `node:http` server's `upgrade` event that serves the app's websocket routes:
   * `server.on('upgrade', app.upgradeHandler)`. `listen()` and the test client attach it for you.
   */
  get upgradeHandler(): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
    this.#upgradeHandler ??= upgradeHandler(this, this.#websockets)
    return this.#upgradeHandler
  }

  /** A `node:http` request listener: `http.createServer(app.handler)`. */
  get handler(): (req: IncomingMessage, res: ServerResponse) => void {
    this.#handler ??= nodeHandler(this)
    return this.#handler
  }

  /** Answers a WHATWG Request with a WHATWG Response, for runtimes other than node:http. */
  fetch(request: globalThis.Request): Promise<globalThis.Response> {
    return fetchHandler(this, request)
  }

  /** Starts serving: runs beforeServing, then listens. Resolves with the listening server. */
  async listen(options: ListenOptions = {}): Promise<Server> {
    const server = await listen(this, options)
    this.#servers.add(server)
    return server
  }

  /**
   * Shuts down gracefully: every server from listen() stops accepting, in-flight requests finish
   * (up to SHUTDOWN_TIMEOUT seconds), then afterServing runs.
   */
  async close(): Promise<void> {
    const timeout = (this.config.SHUTDOWN_TIMEOUT as number | undefined) ?? 30
    await Promise.all([
      ...[...this.#servers].map((server) => closeGracefully(server, timeout)),
      closeWebsockets(this.#websockets, this.config.WEBSOCKET_SHUTDOWN_GRACE),
    ])
    this.#servers.clear()
    await this.stopServing()
  }

  /** The development server: listens, logs the URL, stops gracefully on SIGINT/SIGTERM. */
  run(options: RunOptions = {}): Promise<Server> {
    return run(this, options)
  }

  /** A test client that talks HTTP to this app on a loopback port. */
  testClient(options: { useCookies?: boolean } = {}): TestClient {
    this.config.validate()
    return new TestClient(this, options)
  }

  /**
   * Keeps an unhandled error of a test client's request for that client to throw, when errors
   * propagate (PROPAGATE_EXCEPTIONS, or TESTING or DEBUG when it is null), as in Quart's test client;
   * true when it was kept (the 500 handler is then skipped, as Flask re-raises before it).
   * @internal
   */
  propagateToTest(request: Request, error: unknown): boolean {
    const id = request.headers.get(testRequestHeader)
    if (id === null) return false
    const { PROPAGATE_EXCEPTIONS, TESTING, DEBUG } = this.config
    if (!(PROPAGATE_EXCEPTIONS ?? (TESTING || DEBUG))) return false
    this.#propagated.set(id, error)
    return true
  }

  /** @internal The error a test client's request `id` left, once. */
  takePropagatedError(id: string): unknown {
    const error = this.#propagated.get(id)
    this.#propagated.delete(id)
    return error
  }

  readonly #propagated = new Map<string, unknown>()

  /**
   * Tracks an accepted websocket under its server-side session, so that a revocation anywhere closes
   * it with SESSION_REVOKED_CLOSE_CODE; returns the function that stops tracking it.
   * @internal
   */
  trackWebsocketSession(ctx: WebsocketContext): () => void {
    return this.#sessionSockets.track(ctx)
  }

  /** @internal For `client.sessionTransaction()`. */
  runSessionTransaction(
    url: URL,
    cookieHeader: string | undefined,
    fn: SessionTransactionFn,
  ): Promise<string[]> {
    return runSessionTransaction(this, url, cookieHeader, fn)
  }

  /** Runs the serving lifespan around `fn`, which gets a test client. */
  testApp<T>(fn: (client: TestClient) => Promise<T>): Promise<T> {
    return withTestApp(this, fn)
  }

  #applyRouteLimits(request: Request, rule: Rule): void {
    const options = this.#routeOptions.get(rule)
    if (!options) return
    if (options.maxContentLength !== undefined) request.maxContentLength = options.maxContentLength
    if (options.bodyTimeout !== undefined) request.bodyTimeout = options.bodyTimeout
    if (options.maxFormMemorySize !== undefined) request.maxFormMemorySize = options.maxFormMemorySize
    if (options.maxFormParts !== undefined) request.maxFormParts = options.maxFormParts
  }
}

function routingFailure(error: Error): UrlMatch {
  return { rule: null, params: {}, routingError: error, automaticOptions: false, allowedMethods: [] }
}

function withoutPort(host: string): string {
  return host.replace(/:\d+$/, '')
}

/** The request's host without the default port of its scheme, which Werkzeug ignores when matching. */
function hostForMatching(request: Request): string {
  const defaultPort = request.scheme === 'https' ? ':443' : ':80'
  return request.host.endsWith(defaultPort) ? request.host.slice(0, -defaultPort.length) : request.host
}

/** A logger that names the request in each warning and error, for what a session interface logs. */
function labelled(logger: Logger, label: string): Logger {
  return {
    ...logger,
    warn: (message, ...rest) => logger.warn(`${message} (${label})`, ...rest),
    error: (message, ...rest) => logger.error(`${message} (${label})`, ...rest),
  }
}
