/**
 * The user-facing `makeResponse(body, status?, headers?)`, as Quart's: turns what a view could
 * return into a `Response` now, so a view can change it before returning it.
 */
import { currentFrame } from '../context.js'
import { jsonResponse } from '../json.js'
import { makeResponse as toResponse } from '../lifecycle/make-response.js'
import { Response } from '../wrappers/response.js'

/**
 * A Response from view-style arguments: none gives an empty response, one is read as a view's
 * return value, several as a `[body, status, headers]` tuple. Objects become JSON in the current app's style.
 * @example
 * const response = makeResponse({ ok: true }, 201)
 * response.headers.set('x-id', '7')
 * return response
 * @throws ViewReturnError (a TypeError) for a value no view may return.
 */
export function makeResponse(...args: unknown[]): Response {
  if (args.length === 0) return new Response('')
  const app = currentFrame()?.app.app
  return toResponse(args.length === 1 ? args[0] : args, {
    json: app ? (value) => app.jsonResponse(value) : (value) => jsonResponse(value),
  })
}
