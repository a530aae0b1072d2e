/**
 * The contexts a request runs in, carried by one AsyncLocalStorage so that the proxies
 * (`request`, `g`, `currentApp`, …) follow the current request through every `await`.
 *
 * An app context holds the app and `g`; a request context sits inside one and holds the
 * request, the URL match and the functions registered with `afterThisRequest`.
 * Teardown runs when a context is left, in Quart's order (quart-behaviour.md §2.2).
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { NullSession, type Session } from '@flagon/sessions'
import type { Flagon } from './app.js'
import { Globals } from './globals/g.js'
import type { Rule } from './routing/rule.js'
import { appcontextPopped, appcontextPushed, appcontextTearingDown } from './signals.js'
import type { Request } from './wrappers/request.js'
import type { Response } from './wrappers/response.js'
import type { Websocket } from './wrappers/websocket.js'

/** What the storage holds while code runs inside a context. */
export interface ContextFrame {
  readonly app: AppContext
  readonly request?: RequestContext
  readonly websocket?: WebsocketContext
}

const storage = new AsyncLocalStorage<ContextFrame>()

/** The frame of the code running now, if any. */
export function currentFrame(): ContextFrame | undefined {
  return storage.getStore()
}

/**
 * The app context: `currentApp` and `g`. Every request gets a fresh one unless one for the
 * same app is already active (a test request context inside `app.appContext()`).
 */
export class AppContext {
  readonly g = new Globals()
  constructor(readonly app: Flagon) {}

  /**
   * Runs `fn` inside this app context, then tears it down (`teardownAppcontext`, signals).
   * @example await app.appContext().run(() => urlFor('index'))
   */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    return storage.run({ app: this }, async () => {
      await appcontextPushed.send(this.app)
      let error: unknown
      try {
        return await fn()
      } catch (err) {
        error = err
        throw err
      } finally {
        await this.teardown(error)
      }
    })
  }

  /** Runs the app's teardownAppcontext functions (reversed, as Flask does) and the signals. */
  async teardown(error: unknown): Promise<void> {
    for (const fn of [...this.app.teardownAppcontextFuncs].reverse()) await fn(error)
    await appcontextTearingDown.send(this.app, { error })
    await appcontextPopped.send(this.app)
  }
}

/** The result of matching the request's URL, stored on the context until dispatch. */
export interface UrlMatch {
  readonly rule: Rule | null
  readonly params: Record<string, unknown>
  /** Raised only at dispatch, so that beforeRequest hooks run first (as in Quart). */
  readonly routingError: Error | null
  readonly automaticOptions: boolean
  readonly allowedMethods: readonly string[]
}

const unmatched: UrlMatch = {
  rule: null,
  params: {},
  routingError: null,
  automaticOptions: false,
  allowedMethods: [],
}
// Stands in until the context is entered; a NullSession reads as empty and refuses writes.
const unopened: Session = new NullSession()

/** A function registered with `afterThisRequest`: receives the response, returns it (or a new one). */
export type AfterThisRequestFn = (response: Response) => Response | undefined | Promise<Response | undefined>

/**
 * What request and websocket contexts share: the app, the wrapper (a `Request` or a `Websocket`),
 * the URL match, per-request after-functions, and running inside an app context with teardown.
 */
abstract class RoutedContext<W extends Request | Websocket> {
  readonly afterRequestFuncs: AfterThisRequestFn[] = []
  /** The URL match; set when the context is entered, after the session is opened (Quart's order). */
  match: UrlMatch = unmatched
  /** The session; a null session until the context is entered. */
  session: Session = unopened
  readonly #websocket: boolean

  constructor(
    readonly app: Flagon,
    readonly wrapper: W,
    /** The HTTP request: the request itself, or the websocket's handshake. */
    readonly handshake: Request,
    websocket: boolean,
  ) {
    this.#websocket = websocket
  }

  /** Set when the session could not be opened; raised at dispatch, where error handling answers it. */
  sessionError: unknown
  /** Set when the session store failed this request: the session is then not saved. */
  sessionUnavailable = false

  /** Opens the session, then matches the URL: what Quart's push does after pushing the context. */
  async #open(): Promise<void> {
    try {
      this.session = await this.app.openSession(this.handshake)
    } catch (error) {
      this.sessionError = error
    }
    this.match = this.app.matchRequest(this.handshake, this.#websocket)
  }

  /** The blueprint names of the matched endpoint, innermost first (`['parent.child', 'parent']`). */
  get blueprints(): string[] {
    return this.handshake.blueprints
  }

  /** The frame code inside this context runs in. */
  protected abstract frame(appContext: AppContext): ContextFrame
  /** The teardown functions of this kind of context. */
  protected abstract teardown(error: unknown): Promise<void>

  /**
   * Runs `fn` inside this context (and an app context, reused when one for the same app is
   * active), then runs the teardown functions with the error that went unhandled.
   */
  async run<T>(fn: () => Promise<T>, getError: () => unknown = () => undefined): Promise<T> {
    const outer = storage.getStore()
    const reuse = outer?.app.app === this.app ? outer.app : undefined
    const appContext = reuse ?? new AppContext(this.app)
    const body = () =>
      storage.run(this.frame(appContext), async () => {
        try {
          await this.#open()
          return await fn()
        } finally {
          await this.teardown(getError())
        }
      })
    if (reuse) return body()
    return storage.run({ app: appContext }, async () => {
      await appcontextPushed.send(this.app)
      try {
        return await body()
      } finally {
        await appContext.teardown(getError())
      }
    })
  }
}

/** The request context: the request, its URL match and per-request hooks. */
export class RequestContext extends RoutedContext<Request> {
  constructor(app: Flagon, request: Request) {
    super(app, request, request, false)
  }

  get request(): Request {
    return this.wrapper
  }

  protected frame(appContext: AppContext): ContextFrame {
    return { app: appContext, request: this }
  }

  protected async teardown(error: unknown): Promise<void> {
    await this.app.doTeardownRequest(this, error)
    await this.wrapper.close()
  }
}

/** The websocket context: the websocket, its URL match and per-websocket hooks. */
export class WebsocketContext extends RoutedContext<Websocket> {
  constructor(app: Flagon, websocket: Websocket) {
    super(app, websocket, websocket.handshake, true)
  }

  get websocket(): Websocket {
    return this.wrapper
  }

  protected frame(appContext: AppContext): ContextFrame {
    return { app: appContext, websocket: this }
  }

  protected async teardown(error: unknown): Promise<void> {
    await this.app.doTeardownWebsocket(this, error)
  }
}

/** Runs `fn` in a given frame; used to carry a context into callbacks (`copyCurrentRequestContext`). */
export function runInFrame<T>(frame: ContextFrame, fn: () => T): T {
  return storage.run(frame, fn)
}
