/**
 * The one place templating and flashing reach for the session: the session of the current request
 * context. A websocket's session is not given to templates, as in Quart.
 */
import type { Session } from '@flagon/sessions'
import { currentFrame } from '../context.js'

/** The current request's session (a `NullSession` without SECRET_KEY), or undefined outside a request. */
export function getSession(): Session | undefined {
  return currentFrame()?.request?.session
}
