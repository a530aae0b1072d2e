/**
 * The HTTP request lifecycle, in Quart's order (quart-behaviour.md §2.2):
 *   1. push contexts and match the URL                                   (context.ts)
 *   2. requestStarted → url value preprocessors → beforeRequest
 *   3. the view, or the routing error it would have met
 *   4. makeResponse → afterThisRequest → afterRequest → (session save)
 *   5. requestFinished; the response is sent; teardownRequest as the contexts pop
 * The response is sent before the contexts pop, so a streamed body still sees `request` and `g`.
 */
import type { Flagon } from '../app.js'
import { RequestContext } from '../context.js'
import type { ViewResult } from '../scaffold.js'
import { requestFinished, requestStarted } from '../signals.js'
import type { Request } from '../wrappers/request.js'
import { Response } from '../wrappers/response.js'
import { warnDroppedCookies } from './cookie-warnings.js'
import { handleException, handleUserError } from './errors.js'
import { afterOrder, beforeOrder } from './hooks.js'
import { makeResponse } from './make-response.js'

/**
 * Sends the finished response to the client; resolves when it has been sent (or abandoned). A body
 * written whole is sent at once, and then nothing is returned to wait for.
 */
export type Send = (response: Response) => Promise<void> | undefined

/** Handles one request from start to teardown, handing the response to `send` before the contexts pop. */
export async function handleRequest(app: Flagon, request: Request, send: Send): Promise<void> {
  const ctx = new RequestContext(app, request)
  let unhandled: unknown
  await ctx.run(
    async () => {
      let response: Response
      try {
        response = await fullDispatch(app, ctx)
      } catch (error) {
        unhandled = error
        response = await finalize(app, ctx, await handleException(app, ctx, error), true)
      }
      const sending = send(response)
      if (sending) await sending
    },
    () => unhandled,
  )
}

async function fullDispatch(app: Flagon, ctx: RequestContext): Promise<Response> {
  let result: ViewResult
  try {
    if (requestStarted.hasReceivers) await requestStarted.send(app)
    // Each await costs a promise (and on Node 20 an AsyncLocalStorage hook): an app without
    // before-hooks skips their runner, and a synchronous view's value is not awaited.
    if (app.urlValuePreprocessors.size > 0 || app.beforeRequestFuncs.size > 0) {
      result = await preprocessRequest(app, ctx)
    }
    if (result === undefined || result === null) {
      result = dispatch(app, ctx)
      if (isThenable(result)) result = await result
    }
  } catch (error) {
    result = await handleUserError(app, ctx, error)
  }
  return finalize(app, ctx, result, false)
}

/** URL value preprocessors, then beforeRequest functions; the first value returned short-circuits. */
export async function preprocessRequest(app: Flagon, ctx: RequestContext): Promise<ViewResult> {
  const { blueprints } = ctx
  const { request } = ctx
  for (const fn of beforeOrder(app.urlValuePreprocessors, blueprints)) {
    await fn(request.endpoint, ctx.match.params)
  }
  for (const fn of beforeOrder(app.beforeRequestFuncs, blueprints)) {
    const result = await fn()
    if (result !== undefined && result !== null) return result
  }
  return undefined
}

function dispatch(app: Flagon, ctx: RequestContext): ViewResult | Promise<ViewResult> {
  // Matched when the context was made, but raised only now, so that beforeRequest hooks run first (as in Quart).
  const { match } = ctx
  if (ctx.sessionError !== undefined) throw ctx.sessionError
  if (match.routingError) throw match.routingError
  if (match.automaticOptions) return defaultOptionsResponse(match.allowedMethods)
  const view = app.viewFunctions.get(match.rule!.endpoint)!
  return view(match.params)
}

/**
 * Turns the result into a response and runs the after-functions. When finalising the answer to an
 * unhandled error, an error here is logged and the response sent anyway (Quart's from_error_handler).
 */
async function finalize(
  app: Flagon,
  ctx: RequestContext,
  result: ViewResult,
  fromErrorHandler: boolean,
): Promise<Response> {
  let response = makeResponse(result, {
    endpoint: ctx.request.endpoint ?? undefined,
    json: (v) => app.jsonResponse(v),
  })
  try {
    const processed = processResponse(app, ctx, response)
    response = isThenable(processed) ? await processed : processed
    if (app.config.DEBUG) warnDroppedCookies(app.logger, ctx.request, response)
    if (requestFinished.hasReceivers) await requestFinished.send(app, { response })
  } catch (error) {
    if (!fromErrorHandler) throw error
    app.logger.error('Request finalizing errored', error)
  }
  return response
}

/**
 * afterThisRequest functions in the order added, then afterRequest functions, innermost blueprint
 * first, then the session is saved. Without after-functions and with a synchronous save (the cookie
 * interface's), nothing here needs awaiting, and the response comes back without a promise.
 */
export function processResponse(
  app: Flagon,
  ctx: RequestContext,
  response: Response,
): Response | Promise<Response> {
  if (ctx.afterRequestFuncs.length > 0 || app.afterRequestFuncs.size > 0) {
    return runAfterFunctions(app, ctx, response)
  }
  if (ctx.sessionUnavailable) return response
  const saved = app.saveSession(ctx.session, response, `${ctx.request.method} ${ctx.request.path}`)
  return saved ? saved.then(() => response) : response
}

async function runAfterFunctions(app: Flagon, ctx: RequestContext, response: Response): Promise<Response> {
  for (const fn of ctx.afterRequestFuncs) response = (await fn(response)) ?? response
  for (const fn of afterOrder(app.afterRequestFuncs, ctx.blueprints)) {
    response = (await fn(response)) ?? response
  }
  if (!ctx.sessionUnavailable) {
    await app.saveSession(ctx.session, response, `${ctx.request.method} ${ctx.request.path}`)
  }
  return response
}

function defaultOptionsResponse(allowed: readonly string[]): Response {
  const response = new Response('')
  response.headers.set('allow', allowed.join(', '))
  return response
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** Used by `RequestContext.run` to run teardownRequest functions; exported for the app. */
export async function doTeardownRequest(app: Flagon, ctx: RequestContext, error: unknown): Promise<void> {
  for (const fn of afterOrder(app.teardownRequestFuncs, ctx.blueprints)) await fn(error)
}
