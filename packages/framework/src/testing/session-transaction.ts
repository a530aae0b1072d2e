/**
 * `client.sessionTransaction()`: open the session the client's next request would carry, let a
 * test read or change it, and store it back in the client's cookies, as Quart's test client does.
 */
import type { Session } from '@flagon/sessions'
import type { Flagon } from '../app.js'
import { Response } from '../wrappers/response.js'
import { buildTestRequest } from './request-context.js'

/** What a session transaction runs: it may read and change the session. */
export type SessionTransactionFn = (session: Session) => unknown

/**
 * Opens the session a request to `url` with `cookieHeader` would get, runs `fn` on it, and saves it;
 * returns the Set-Cookie headers of that save.
 * @throws Error when no session can be opened (no SECRET_KEY).
 */
export async function runSessionTransaction(
  app: Flagon,
  url: URL,
  cookieHeader: string | undefined,
  fn: SessionTransactionFn,
): Promise<string[]> {
  const headers: Record<string, string> = { host: url.host }
  if (cookieHeader) headers.cookie = cookieHeader
  const request = buildTestRequest(app, url.pathname + url.search, { headers })
  const session = await app.sessionInterface.openSession(app, request)
  if (!session) {
    throw new Error(
      'Error opening the session for a session transaction. Check that app.config.SECRET_KEY is set.',
    )
  }
  await fn(session)
  const response = new Response('')
  await app.sessionInterface.saveSession(app, session, response)
  return response.headers.getSetCookie()
}
