/**
 * The `Authorization` request header, parsed as Werkzeug's `Authorization.from_header` (2.3+):
 * Basic credentials are decoded, a single token (Bearer and alike) is kept whole, and anything
 * else is read as `key=value` parameters (Digest). A header that does not parse is `null`, never
 * an error: refusing the credentials is the view's decision.
 */
import { parseDictHeader } from './header-values.js'

/** `Authorization: Basic base64(username:password)`. */
export interface BasicAuthorization {
  type: 'basic'
  username: string
  password: string
}

/** A scheme followed by one token, such as `Authorization: Bearer abc.def`; `type` is lower-cased. */
export interface TokenAuthorization {
  type: string
  token: string
}

/** A scheme followed by `key=value` parameters, such as `Authorization: Digest username="…", …`. */
export interface ParameterAuthorization {
  type: string
  parameters: Record<string, string | null>
}

/** What `request.authorization` holds. Narrow on `'token' in auth` or `'parameters' in auth`. */
export type Authorization = BasicAuthorization | TokenAuthorization | ParameterAuthorization

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses an `Authorization` header value; `null` when it is absent or its Basic credentials are
 * not valid base64 of UTF-8 text.
 * @example
 * parseAuthorization('Basic dXNlcjpwYXNz') // { type: 'basic', username: 'user', password: 'pass' }
 */
export function parseAuthorization(header: string | null): Authorization | null {
  if (!header) return null
  const space = header.indexOf(' ')
  const type = (space === -1 ? header : header.slice(0, space)).toLowerCase()
  const rest = space === -1 ? '' : header.slice(space + 1).trim()
  if (type === 'basic') return parseBasic(rest)
  // An "=" that is not base64 padding means parameters; otherwise the rest is one token.
  if (rest.replace(/=+$/, '').includes('=')) return { type, parameters: parseDictHeader(rest) }
  return { type, token: rest }
}

function parseBasic(encoded: string): BasicAuthorization | null {
  // Python's b64decode refuses bad padding and its .decode() refuses non-UTF-8; Buffer would not.
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null
  let decoded: string
  try {
    decoded = strictUtf8.decode(Buffer.from(encoded, 'base64'))
  } catch {
    return null
  }
  const colon = decoded.indexOf(':')
  if (colon === -1) return { type: 'basic', username: decoded, password: '' }
  return { type: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
