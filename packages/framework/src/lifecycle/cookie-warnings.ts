/**
 * In DEBUG, a warning for each cookie a browser would drop, with the reason: found while developing,
 * not by a user who cannot log in. The response is sent unchanged.
 */
import type { Logger } from '../logging.js'
import type { Request } from '../wrappers/request.js'
import type { Response } from '../wrappers/response.js'

/** Browsers ignore a Set-Cookie header longer than this (RFC 6265bis: name and value within 4096). */
const MAX_COOKIE_BYTES = 4096

/** Why a browser would drop this Set-Cookie header sent in answer to `request`, or undefined. */
export function whyDropped(setCookie: string, request: Request): string | undefined {
  const [pair = '', ...parts] = setCookie.split(';')
  const attributes = new Map(
    parts.map((part) => {
      const eq = part.indexOf('=')
      const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase()
      return [name, eq === -1 ? '' : part.slice(eq + 1).trim()] as const
    }),
  )
  const secure = attributes.has('secure')
  const host = request.host.replace(/:\d+$/, '').toLowerCase()
  const local =
    host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]'
  if (Buffer.byteLength(pair) > MAX_COOKIE_BYTES)
    return `it is ${Buffer.byteLength(pair)} bytes, over the ${MAX_COOKIE_BYTES} browsers keep`
  if (secure && request.scheme !== 'https' && !local)
    return 'it is Secure but the request came over plain HTTP'
  if (attributes.get('samesite')?.toLowerCase() === 'none' && !secure) return 'SameSite=None needs Secure'
  if (attributes.has('partitioned') && !secure) return 'Partitioned needs Secure'
  const domain = attributes.get('domain')?.replace(/^\./, '').toLowerCase()
  if (domain && host !== domain && !host.endsWith(`.${domain}`)) {
    return `its Domain ${domain} does not match the request's host ${host}`
  }
  return undefined
}

/** Logs a warning for each cookie of `response` that browsers would drop. */
export function warnDroppedCookies(logger: Logger, request: Request, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const reason = whyDropped(cookie, request)
    if (reason) {
      const name = cookie.slice(0, Math.max(0, cookie.indexOf('=')))
      logger.warn(
        `Browsers will ignore the cookie "${name}" set by ${request.method} ${request.path}: ${reason}.`,
      )
    }
  }
}
