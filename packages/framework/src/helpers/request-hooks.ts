/**
 * Helpers that act on the current request context: `afterThisRequest` and
 * `copyCurrentRequestContext`.
 */
import { type AfterThisRequestFn, currentFrame, runInFrame } from '../context.js'
import { ContextError } from '../globals/proxies.js'

/**
 * Runs `fn` on this request's response, before the afterRequest functions.
 * @example afterThisRequest((response) => { response.headers.set('x-foo', 'bar') })
 * @throws ContextError outside a request context.
 */
export function afterThisRequest<F extends AfterThisRequestFn>(fn: F): F {
  const ctx = currentFrame()?.request
  if (!ctx) throw new ContextError('afterThisRequest', 'request')
  ctx.afterRequestFuncs.push(fn)
  return fn
}

/**
 * Binds `fn` to the current request context, so it sees `request` and `g` wherever it is called
 * later (a timer, an event listener). Work started inside a request already keeps its context.
 * @throws ContextError outside a request context.
 */
export function copyCurrentRequestContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const frame = currentFrame()
  if (!frame?.request) throw new ContextError('copyCurrentRequestContext', 'request')
  return (...args: A) => runInFrame(frame, () => fn(...args))
}

/** Binds `fn` to the current app context (`currentApp`, `g`). */
export function copyCurrentAppContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const frame = currentFrame()
  if (!frame) throw new ContextError('copyCurrentAppContext', 'app')
  const appOnly = { app: frame.app }
  return (...args: A) => runInFrame(appOnly, () => fn(...args))
}
