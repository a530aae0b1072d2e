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
import { handleException, handleUserError } from './errors.js'
import { afterOrder, beforeOrder } from './hooks.js'
import { makeResponse } from './make-response.js'

/** Sends the finished response to the client; resolves when it has been sent (or abandoned). */
export type Send = (response: Response) => Promise<void>

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
      await send(response)
    },
    () => unhandled,
  )
}

async function fullDispatch(app: Flagon, ctx: RequestContext): Promise<Response> {
  let result: ViewResult
  try {
    if (requestStarted.hasReceivers) await requestStarted.send(app)
    result = (await preprocessRequest(app, ctx)) ?? (await dispatch(app, ctx))
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

async function dispatch(app: Flagon, ctx: RequestContext): Promise<ViewResult> {
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
  let response = await makeResponse(result, {
    endpoint: ctx.request.endpoint ?? undefined,
    json: (v) => app.jsonResponse(v),
  })
  try {
    response = await processResponse(app, ctx, response)
    if (requestFinished.hasReceivers) await requestFinished.send(app, { response })
  } catch (error) {
    if (!fromErrorHandler) throw error
    app.logger.error('Request finalizing errored', error)
  }
  return response
}

/** afterThisRequest functions in the order added, then afterRequest functions, innermost blueprint first. */
export async function processResponse(
  app: Flagon,
  ctx: RequestContext,
  response: Response,
): Promise<Response> {
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
