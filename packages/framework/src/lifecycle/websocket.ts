/**
 * The websocket lifecycle, in Quart's order (quart-behaviour.md §2.3), with the session rules of DESIGN.md:
 *   1. push contexts and match the URL against websocket rules                     (context.ts)
 *   2. websocketStarted → url value preprocessors → beforeWebsocket (a value rejects the handshake)
 *   3. the handler, or the routing error it would have met
 *   4. afterThisRequest → afterWebsocket (with the rejection response, or undefined) → (session save)
 *   5. websocketFinished; the rejection is sent, or the socket closed; teardownWebsocket as the contexts pop
 * Before acceptance a response (or an HTTPException) rejects the handshake; after it, the socket
 * closes with 1000, or 1011 when the handler failed (Quart sends 1000, hiding the failure), or 1013
 * when the session store failed.
 */
import { StoreUnavailable } from '@flagon/sessions'
import type { Flagon } from '../app.js'
import { WebsocketContext } from '../context.js'
import { Forbidden, InternalServerError } from '../exceptions.js'
import { isPromise } from '../is-promise.js'
import type { ViewResult } from '../scaffold.js'
import { websocketFinished, websocketStarted } from '../signals.js'
import type { Response } from '../wrappers/response.js'
import { type Websocket, WebsocketDisconnect } from '../wrappers/websocket.js'
import { handleException, handleUserError } from './errors.js'
import { afterOrder, beforeOrder } from './hooks.js'
import { makeResponse } from './make-response.js'

/** What the server adapter does for the lifecycle of one websocket. */
export interface WebsocketServing {
  /** Sends an HTTP response instead of completing the handshake. */
  reject(response: Response): Promise<void>
  /** Called once the websocket has been served and its contexts torn down. */
  done(): void
  /** Called instead of `done` with an error the lifecycle could not handle. */
  failed(error: unknown): void
}

/** How the handler, or what ran before it, ended. */
type Outcome = { result: ViewResult } | { error: unknown }

/**
 * Handles one websocket from handshake to teardown. While the handler runs (as long as the
 * connection lives) nothing of the lifecycle waits in an async frame: the handler's promise holds
 * one reaction, and an idle socket keeps only that and this object (the frames, promises and
 * closures of a lifecycle written with `await` throughout were most of an idle websocket's memory).
 */
export function handleWebsocket(app: Flagon, websocket: Websocket, serving: WebsocketServing): void {
  const conversation = new Conversation(app, new WebsocketContext(app, websocket), serving)
  conversation.ctx
    .enter((leave) => conversation.begin(leave))
    .catch((error: unknown) => serving.failed(error))
}

class Conversation {
  // A revocation of this session anywhere closes the socket (server-side sessions only).
  #untrack: () => void = untracked
  #leave: ((error: unknown) => Promise<void>) | undefined

  constructor(
    readonly app: Flagon,
    readonly ctx: WebsocketContext,
    readonly serving: WebsocketServing,
  ) {}

  /** Inside the entered context: the handler runs, and `end` is called once with how it ended. */
  begin(leave: (error: unknown) => Promise<void>): void {
    this.#leave = leave
    this.#untrack = this.app.trackWebsocketSession(this.ctx)
    start(this.app, this.ctx).then(
      ({ result }) => {
        if (isPromise(result))
          result.then(
            (value) => this.end({ result: value }),
            (error: unknown) => this.end({ error }),
          )
        else this.end({ result })
      },
      (error: unknown) => this.end({ error }),
    )
  }

  end(outcome: Outcome): void {
    complete(this.app, this.ctx, outcome, this.serving, this.#untrack, this.#leave!).then(
      () => this.serving.done(),
      (error: unknown) => this.serving.failed(error),
    )
  }
}

function untracked(): void {}

/**
 * websocketStarted, the preprocessors and beforeWebsocket, then the handler is called: its promise
 * comes back boxed, so that awaiting this function does not wait for the handler.
 */
async function start(
  app: Flagon,
  ctx: WebsocketContext,
): Promise<{ result: ViewResult | Promise<ViewResult> }> {
  if (websocketStarted.hasReceivers) await websocketStarted.send(app)
  const early = await preprocess(app, ctx)
  return { result: early ?? dispatch(app, ctx) }
}

/** After the handler: its value or error through the after-functions, the close or rejection, teardown. */
async function complete(
  app: Flagon,
  ctx: WebsocketContext,
  outcome: Outcome,
  serving: WebsocketServing,
  untrack: () => void,
  leave: (error: unknown) => Promise<void>,
): Promise<void> {
  const { websocket } = ctx
  let unhandled: unknown
  try {
    let response: Response | undefined
    try {
      response = await respond(app, ctx, outcome)
    } catch (error) {
      unhandled = error
      const answer = await handleException(app, ctx, error)
      response = websocket.accepted ? undefined : await finalize(app, ctx, answer, true)
    }
    await conclude(app, ctx, response, closeCodeFor(unhandled), serving)
  } finally {
    untrack()
    await leave(unhandled)
  }
}

async function respond(app: Flagon, ctx: WebsocketContext, outcome: Outcome): Promise<Response | undefined> {
  let result: ViewResult
  if ('error' in outcome) {
    // A client that went away is the normal end of a conversation, not an error.
    if (outcome.error instanceof WebsocketDisconnect) return undefined
    result = await handleUserError(app, ctx, outcome.error)
  } else result = outcome.result
  return finalize(app, ctx, result, false)
}

async function preprocess(app: Flagon, ctx: WebsocketContext): Promise<ViewResult> {
  const { blueprints } = ctx
  for (const fn of beforeOrder(app.urlValuePreprocessors, blueprints)) {
    await fn(ctx.handshake.endpoint, ctx.match.params)
  }
  for (const fn of beforeOrder(app.beforeWebsocketFuncs, blueprints)) {
    const result = await fn()
    if (result !== undefined && result !== null) return result
  }
  return undefined
}

function dispatch(app: Flagon, ctx: WebsocketContext): ViewResult | Promise<ViewResult> {
  const { match } = ctx
  if (ctx.sessionError !== undefined) throw ctx.sessionError
  if (match.routingError) throw match.routingError
  const handler = app.viewFunctions.get(match.rule!.endpoint)!
  return handler(match.params)
}

/**
 * The response a handler's value makes (none for undefined), through the after-functions.
 * A value returned after acceptance cannot be sent; it is discarded, as in Quart.
 */
async function finalize(
  app: Flagon,
  ctx: WebsocketContext,
  result: ViewResult,
  fromErrorHandler: boolean,
): Promise<Response | undefined> {
  let response =
    result === undefined || result === null
      ? undefined
      : await makeResponse(result, { endpoint: ctx.handshake.endpoint, json: (v) => app.jsonResponse(v) })
  try {
    for (const fn of ctx.afterRequestFuncs) if (response) response = (await fn(response)) ?? response
    for (const fn of afterOrder(app.afterWebsocketFuncs, ctx.blueprints)) {
      response = (await fn(response)) ?? response
    }
    // Once accepted, no cookie can be set: the interface gets null, and a cookie interface logs the loss
    // (also when the handler returned a value, which Quart loses silently).
    const { websocket } = ctx
    if (!ctx.sessionUnavailable) {
      await app.saveSession(
        ctx.session,
        websocket.accepted ? null : (response ?? null),
        `websocket ${websocket.path}`,
      )
    }
    if (websocketFinished.hasReceivers) await websocketFinished.send(app, { response })
  } catch (error) {
    if (!fromErrorHandler) throw error
    app.logger.error('Websocket finalizing errored', error)
  }
  return response
}

/** Sends the rejection, or closes the accepted socket the handler left open. */
async function conclude(
  app: Flagon,
  ctx: WebsocketContext,
  response: Response | undefined,
  closeCode: number,
  serving: WebsocketServing,
): Promise<void> {
  const { websocket } = ctx
  if (websocket.accepted) {
    if (!websocket.closed) await websocket.close(closeCode, closeCode === 1000 ? '' : 'Internal error')
    return
  }
  if (websocket.closedBeforeAccept) {
    // Hypercorn's answer to a close before the handshake completed.
    await serving.reject(response ?? new Forbidden().getResponse())
    return
  }
  // The client left before the handshake completed: there is no one to answer.
  if (websocket.closed) return
  if (!response) {
    app.logger.error(
      `The websocket handler for ${ctx.handshake.path} returned without accepting or rejecting the connection; ` +
        'call websocket.accept(), or return a response to reject it.',
    )
    response = new InternalServerError().getResponse()
  }
  await serving.reject(response)
}

/** 1000 for a handler that ended, 1013 (try again later) when the session store failed, else 1011. */
function closeCodeFor(unhandled: unknown): number {
  if (unhandled === undefined) return 1000
  return unhandled instanceof StoreUnavailable ? 1013 : 1011
}
