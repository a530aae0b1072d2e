/**
 * Choosing what answers an error: the user's handler (by status, then by class, innermost
 * blueprint first), the HTTPException's own page, or, for an error nobody handled, a logged 500.
 */

import { StoreUnavailable } from '@flagon/sessions'
import type { Flagon } from '../app.js'
import { type RequestContext, WebsocketContext } from '../context.js'
import { HTTPException, InternalServerError, RequestRedirect, ServiceUnavailable } from '../exceptions.js'
import type { ErrorHandlerFn, ViewResult } from '../scaffold.js'
import { gotRequestException, gotWebsocketException } from '../signals.js'
import { escapeHtml, Response } from '../wrappers/response.js'

/**
 * Handles an error raised by a beforeRequest hook or the view: returns what answers it, or
 * rethrows it when no handler takes it (then `handleException` makes it a 500).
 */
export async function handleUserError(
  app: Flagon,
  ctx: RequestContext | WebsocketContext,
  error: unknown,
): Promise<ViewResult> {
  error = storeFailureAsHttp(ctx, error)
  if (error instanceof HTTPException && !app.config.TRAP_HTTP_EXCEPTIONS) {
    // Redirects made by the router are the router's answer, never the user's to handle (Flask).
    if (error instanceof RequestRedirect) return error.getResponse()
    const handler = findErrorHandler(app, error, ctx.blueprints)
    return handler ? await handler(error) : error.getResponse()
  }
  const handler = findErrorHandler(app, error, ctx.blueprints)
  if (!handler) throw error
  return handler(error)
}

/**
 * The last resort for an error nothing handled: signal it, log it with its stack once, and
 * answer 500 (through a registered 500 handler if there is one). In DEBUG the body shows the stack.
 */
export async function handleException(
  app: Flagon,
  ctx: RequestContext | WebsocketContext,
  error: unknown,
): Promise<ViewResult> {
  const { handshake } = ctx
  if (error instanceof StoreUnavailable) {
    // The store logs its outage once; the client learns its session could not be used, without a stack.
    return handleUserError(app, ctx, error)
  }
  if (ctx instanceof WebsocketContext) {
    await gotWebsocketException.send(app, { error })
    app.logger.error(`Exception on websocket ${handshake.path}`, error)
  } else {
    await gotRequestException.send(app, { error })
    app.logger.error(`Exception on request ${handshake.method} ${handshake.path}`, error)
  }
  const propagated = app.propagateToTest(handshake, error)
  const serverError = new InternalServerError(undefined, { cause: error })
  // Flask re-raises a propagating error before any 500 handler; the wire still gets a plain 500.
  if (propagated) return serverError.getResponse()
  const handler = findErrorHandler(app, serverError, ctx.blueprints)
  if (handler) return handler(serverError)
  return app.config.DEBUG ? debugPage(error) : serverError.getResponse()
}

/**
 * Flask's lookup: handlers for the error's status first, then for its classes; within each,
 * the innermost blueprint first, then its parents, then the app.
 */
export function findErrorHandler(
  app: Flagon,
  error: unknown,
  blueprints: readonly string[],
): ErrorHandlerFn | undefined {
  if (app.errorHandlerSpec.size === 0) return undefined
  const owners = [...blueprints, null]
  if (error instanceof HTTPException) {
    for (const owner of owners) {
      const handler = app.errorHandlerSpec.get(owner)?.byStatus.get(error.status)
      if (handler) return handler
    }
  }
  if (typeof error !== 'object' || error === null) return undefined
  for (const owner of owners) {
    const byClass = app.errorHandlerSpec.get(owner)?.byClass
    if (!byClass || byClass.size === 0) continue
    for (
      let proto = Object.getPrototypeOf(error);
      proto && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      const handler = byClass.get(proto.constructor)
      if (handler) return handler
    }
  }
  return undefined
}

function debugPage(error: unknown): Response {
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error)
  const body =
    '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n' +
    `<h1>Internal Server Error</h1>\n<p>This page shows the stack because DEBUG is on. Never run DEBUG in production.</p>\n<pre>${escapeHtml(stack)}</pre>\n`
  return new Response(body, { status: 500 })
}

/**
 * A session store that failed becomes a 503 with Retry-After (which a 503 handler can answer), and
 * the session is not saved again on the way out: the store just failed, and the answer says so.
 */
function storeFailureAsHttp(ctx: RequestContext | WebsocketContext, error: unknown): unknown {
  if (!(error instanceof StoreUnavailable)) return error
  ctx.sessionUnavailable = true
  return new ServiceUnavailable('The session store is not answering. Please try again shortly.', {
    retryAfter: error.retryAfter,
    cause: error,
  })
}
