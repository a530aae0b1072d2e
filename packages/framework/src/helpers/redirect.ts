/**
 * `redirect()`: a response that sends the client elsewhere, with Werkzeug's "Redirecting..." page.
 */
import { Response } from '../wrappers/response.js'

/**
 * A redirect to `location` (not made absolute, as in Quart), 302 by default.
 * @example return redirect(urlFor('login'))
 * @throws RangeError for a status that is not a 3xx redirect.
 */
export function redirect(location: string, status = 302): Response {
  if (!Number.isInteger(status) || status < 300 || status > 399) {
    throw new RangeError(
      `redirect("${location}", ${status}): the status must be a 3xx redirect, such as 301, 302, 303, 307 or 308.`,
    )
  }
  return Response.redirect(location, status)
}
