/**
 * The contexts a request runs in, carried by one AsyncLocalStorage so that the proxies
 * (`request`, `g`, `currentApp`, …) follow the current request through every `await`.
 *
 * An app context holds the app and `g`; a request context sits inside one and holds the
 * request, the URL match and the functions registered with `afterThisRequest`.
 * Teardown runs when a context is left, in Quart's order (quart-behaviour.md §2.2).
 */
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks'
import { NullSession, type Session } from '@flagon/sessions'
import type { Flagon } from './app.js'
import { Globals } from './globals/g.js'
import { isPromise } from './is-promise.js'
import type { Rule } from './routing/rule.js'
import { appcontextPopped, appcontextPushed, appcontextTearingDown, requestTearingDown } from './signals.js'
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
    const funcs = this.app.teardownAppcontextFuncs
    for (let i = funcs.length - 1; i >= 0; i--) await funcs[i]!(error)
    await appcontextTearingDown.send(this.app, { error })
    await appcontextPopped.send(this.app)
  }

  /** @internal True when leaving this context runs anything: a teardown function or a signal receiver. */
  get hasTeardown(): boolean {
    return (
      this.app.teardownAppcontextFuncs.length > 0 ||
      appcontextTearingDown.hasReceivers ||
      appcontextPopped.hasReceivers
    )
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

  /**
   * Opens the session, then matches the URL: what Quart's push does after pushing the context.
   * Returns a promise only when the session interface answered with one: the cookie interface
   * answers at once, and not awaiting it spares every request a promise.
   */
  #open(): Promise<void> | undefined {
    let opened: Session | Promise<Session>
    try {
      opened = this.app.openSession(this.handshake)
    } catch (error) {
      this.sessionError = error
      this.#match()
      return undefined
    }
    if (!isPromise(opened)) {
      this.session = opened
      this.#match()
      return undefined
    }
    return opened.then(
      (session) => {
        this.session = session
        this.#match()
      },
      (error: unknown) => {
        this.sessionError = error
        this.#match()
      },
    )
  }

  #match(): void {
    this.match = this.app.matchRequest(this.handshake, this.#websocket)
  }

  /** Opens the session, runs `fn`, then tears this context down: the part of `run` inside the frame. */
  async #inside<T>(
    fn: () => T | Promise<T>,
    getError: () => unknown,
    opening: Promise<void> | undefined = this.#open(),
  ): Promise<T> {
    try {
      if (opening) await opening
      const result = fn()
      return isPromise(result) ? await result : result
    } finally {
      const tearing = this.teardown(getError())
      if (tearing) await tearing
    }
  }

  /**
   * `#inside`, answering without a promise when nothing in it waited: the session opened at once, `fn`
   * returned a value, and no teardown needed awaiting. The same order and the same teardown error.
   */
  #insideNow<T>(fn: () => T | Promise<T>, getError: () => unknown): T | Promise<T> {
    const opening = this.#open()
    // A session interface that answered with a promise: the rest waits for it (the session is opened once).
    if (opening) return this.#inside(fn, getError, opening)
    let result: T | Promise<T>
    try {
      result = fn()
    } catch (error) {
      const tearing = this.teardown(getError())
      if (tearing) return tearing.then(() => Promise.reject(error))
      throw error
    }
    if (isPromise(result)) return this.#finish(result, getError)
    const tearing = this.teardown(getError())
    return tearing ? tearing.then(() => result) : result
  }

  /** Waits for `result`, then tears down: the rest of `#insideNow` once `fn` answered with a promise. */
  async #finish<T>(result: Promise<T>, getError: () => unknown): Promise<T> {
    try {
      return await result
    } finally {
      const tearing = this.teardown(getError())
      if (tearing) await tearing
    }
  }

  /** The blueprint names of the matched endpoint, innermost first (`['parent.child', 'parent']`). */
  get blueprints(): string[] {
    return this.handshake.blueprints
  }

  /** The frame code inside this context runs in. */
  protected abstract frame(appContext: AppContext): ContextFrame
  /** The teardown functions of this kind of context; nothing to wait for when there are none. */
  protected abstract teardown(error: unknown): Promise<void> | undefined

  /**
   * `run`, answering without a promise when nothing waited (see `#insideNow`): the server's path for
   * a request its view answers at once. When the app context has moments of its own (a pushed signal,
   * a teardown function), it is `run`.
   */
  runNow<T>(fn: () => T | Promise<T>, getError: () => unknown): T | Promise<T> {
    const outer = storage.getStore()
    if (outer?.app.app === this.app)
      return storage.run(this.frame(outer.app), () => this.#insideNow(fn, getError))
    const appContext = new AppContext(this.app)
    if (appcontextPushed.hasReceivers || appContext.hasTeardown) return this.run(fn, getError)
    return storage.run(this.frame(appContext), () => this.#insideNow(fn, getError))
  }

  /**
   * Enters this context for a caller that leaves it itself, later: `start` runs inside it once the
   * session is open, and gets `leave`, which tears the context down (as `run` does when `fn` ends).
   * A websocket handler waits for as long as its connection lives, and an async frame waiting with
   * it, in `run`, would be kept (with its promises) by every idle socket. Resolves once `start` has
   * run; rejects when entering failed (an `appcontextPushed` receiver threw) or `start` threw.
   */
  enter(start: (leave: (error: unknown) => Promise<void>) => void): Promise<void> {
    const outer = storage.getStore()
    const reuse = outer?.app.app === this.app ? outer.app : undefined
    const appContext = reuse ?? new AppContext(this.app)
    // The app context's own moments, in an app-only frame, as in `run`; none for a reused one.
    const appFrame: ContextFrame | undefined =
      !reuse && (appcontextPushed.hasReceivers || appContext.hasTeardown) ? { app: appContext } : undefined
    const leave = async (error: unknown): Promise<void> => {
      const tearing = this.teardown(error)
      if (tearing) await tearing
      if (appFrame && appContext.hasTeardown) await storage.run(appFrame, () => appContext.teardown(error))
    }
    return storage.run(this.frame(appContext), async () => {
      if (appFrame && appcontextPushed.hasReceivers)
        await storage.run(appFrame, () => appcontextPushed.send(this.app))
      const opening = this.#open()
      if (opening) await opening
      start(leave)
    })
  }

  /**
   * Runs `fn` inside this context (and an app context, reused when one for the same app is
   * active), then runs the teardown functions with the error that went unhandled.
   */
  run<T>(fn: () => T | Promise<T>, getError: () => unknown = () => undefined): Promise<T> {
    const outer = storage.getStore()
    const reuse = outer?.app.app === this.app ? outer.app : undefined
    if (reuse) return storage.run(this.frame(reuse), () => this.#inside(fn, getError))
    // One AsyncLocalStorage.run per request, not an app frame with a request frame inside it: each
    // run costs every promise made inside it a hook on Node 20. The request's frame carries the app
    // context too; the app context's own moments (the pushed signal, its teardown) get an app-only
    // frame, and only when something listens to them.
    const appContext = new AppContext(this.app)
    if (!appcontextPushed.hasReceivers && !appContext.hasTeardown) {
      return storage.run(this.frame(appContext), () => this.#inside(fn, getError))
    }
    const appFrame: ContextFrame = { app: appContext }
    return storage.run(this.frame(appContext), async () => {
      if (appcontextPushed.hasReceivers) await storage.run(appFrame, () => appcontextPushed.send(this.app))
      try {
        return await this.#inside(fn, getError)
      } finally {
        if (appContext.hasTeardown) await storage.run(appFrame, () => appContext.teardown(getError()))
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

  protected teardown(error: unknown): Promise<void> | undefined {
    // Most requests have nothing to tear down: no teardown function, no listener, no uploads to remove.
    const idle =
      this.app.teardownRequestFuncs.size === 0 && !requestTearingDown.hasReceivers && !this.wrapper.hasForm
    if (idle) return undefined
    return this.#teardown(error)
  }

  async #teardown(error: unknown): Promise<void> {
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

  protected teardown(error: unknown): Promise<void> {
    return this.app.doTeardownWebsocket(this, error)
  }
}

/**
 * Ends `res` outside every context. What the end starts outlives the request: the write's callback
 * sets the connection's keep-alive timer, and a timer keeps the context it was made in, so an idle
 * keep-alive connection would hold its last request (its context, request, session) until the next.
 */
export function endOutsideContext(res: Endable, chunk?: string | Uint8Array): void {
  // An async resource made outside every context: entering its scope costs no new frame, where
  // `storage.exit` costs about 1 µs on Node 20 and a frame's copy on Node 24.
  outside ??= storage.exit(() => new AsyncResource('flagon.outside'))
  outside.runInAsyncScope(end, null, res, chunk)
}

/**
 * Ends a streamed `res` outside every context. Its last chunk may wait behind the others, written
 * from their callbacks; on Node 20 only leaving the storage itself keeps the keep-alive timer out.
 */
export function endStreamOutsideContext(res: Endable): void {
  storage.exit(end, res, undefined)
}

let outside: AsyncResource | undefined

interface Endable {
  end(chunk?: string | Uint8Array): unknown
}

function end(res: Endable, chunk: string | Uint8Array | undefined): void {
  if (chunk === undefined) res.end()
  else res.end(chunk)
}

/** Runs `fn` in a given frame; used to carry a context into callbacks (`copyCurrentRequestContext`). */
export function runInFrame<T>(frame: ContextFrame, fn: () => T): T {
  return storage.run(frame, fn)
}
