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
import { isPromise } from '../is-promise.js'
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

/**
 * Handles one request from start to teardown, handing the response to `send` before the contexts pop.
 * Every step answers at once when it has nothing to wait for (no hooks, a synchronous view, the cookie
 * session): each promise costs an allocation and a turn of the microtask queue, and on Node 20 an
 * AsyncLocalStorage hook, so an ordinary request makes none: it is answered and torn down before this
 * returns, and then nothing is returned to wait for.
 */
export function handleRequest(app: Flagon, request: Request, send: Send): Promise<void> | undefined {
  const ctx = new RequestContext(app, request)
  let unhandled: unknown
  const answerError = (error: unknown): Promise<Response> => {
    unhandled = error
    return handleException(app, ctx, error).then((response) => finalize(app, ctx, response, true))
  }
  const answered = ctx.runNow<void>(
    () => {
      let response: Response | Promise<Response>
      try {
        response = fullDispatch(app, ctx)
      } catch (error) {
        response = answerError(error)
      }
      // `send` stays outside the error handling, as a failure to send is not the view's error.
      if (isPromise(response)) return response.then(send, (error: unknown) => answerError(error).then(send))
      return send(response)
    },
    () => unhandled,
  )
  return isPromise(answered) ? Promise.resolve(answered) : undefined
}

function fullDispatch(app: Flagon, ctx: RequestContext): Response | Promise<Response> {
  // Each await costs a promise: an app without before-hooks or request signals skips their runner.
  if (requestStarted.hasReceivers || app.urlValuePreprocessors.size > 0 || app.beforeRequestFuncs.size > 0) {
    return preprocessAndDispatch(app, ctx).then((result) => finalize(app, ctx, result, false))
  }
  let result: ViewResult | Promise<ViewResult>
  try {
    result = dispatch(app, ctx)
  } catch (error) {
    return handleUserError(app, ctx, error).then((handled) => finalize(app, ctx, handled, false))
  }
  if (isPromise(result)) {
    return Promise.resolve(result)
      .catch((error: unknown) => handleUserError(app, ctx, error))
      .then((value) => finalize(app, ctx, value, false))
  }
  return finalize(app, ctx, result, false)
}

async function preprocessAndDispatch(app: Flagon, ctx: RequestContext): Promise<ViewResult> {
  try {
    if (requestStarted.hasReceivers) await requestStarted.send(app)
    const early = await preprocessRequest(app, ctx)
    if (early !== undefined && early !== null) return early
    return await dispatch(app, ctx)
  } catch (error) {
    return handleUserError(app, ctx, error)
  }
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
 * Without after-functions or finished-signal receivers, the response comes back without a promise.
 */
function finalize(
  app: Flagon,
  ctx: RequestContext,
  result: ViewResult,
  fromErrorHandler: boolean,
): Response | Promise<Response> {
  const response = makeResponse(result, {
    endpoint: ctx.request.endpoint ?? undefined,
    json: (v) => app.jsonResponse(v),
  })
  let processed: Response | Promise<Response>
  try {
    processed = processResponse(app, ctx, response)
  } catch (error) {
    return finalizeFailed(app, error, response, fromErrorHandler)
  }
  if (isPromise(processed) || requestFinished.hasReceivers) {
    return finishAsync(app, ctx, processed).catch((error: unknown) =>
      finalizeFailed(app, error, response, fromErrorHandler),
    )
  }
  if (app.config.DEBUG) warnDroppedCookies(app.logger, ctx.request, processed)
  return processed
}

async function finishAsync(
  app: Flagon,
  ctx: RequestContext,
  processing: Response | Promise<Response>,
): Promise<Response> {
  const response = await processing
  if (app.config.DEBUG) warnDroppedCookies(app.logger, ctx.request, response)
  if (requestFinished.hasReceivers) await requestFinished.send(app, { response })
  return response
}

function finalizeFailed(
  app: Flagon,
  error: unknown,
  response: Response,
  fromErrorHandler: boolean,
): Response {
  if (!fromErrorHandler) throw error
  app.logger.error('Request finalizing errored', error)
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

/** Used by `RequestContext.run` to run teardownRequest functions; exported for the app. */
export async function doTeardownRequest(app: Flagon, ctx: RequestContext, error: unknown): Promise<void> {
  for (const fn of afterOrder(app.teardownRequestFuncs, ctx.blueprints)) await fn(error)
}
