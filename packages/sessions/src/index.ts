/**
 * @flagon/sessions: Flask/Quart-compatible sessions for any Node host.
 *
 * The package knows nothing of the framework: it types the little it needs from
 * its host (app, request, response) structurally, in `interface.ts`.
 */
export type { SessionApp, SessionCookieOptions, SessionRequest, SessionResponse } from './interface.js'
