/**
 * A tiny host for the session interfaces: an app, a request and a response implementing the structural
 * interfaces, which record what the interface did to them.
 */
import type {
  SessionApp,
  SessionConfig,
  SessionCookieOptions,
  SessionRequest,
  SessionResponse,
} from '../src/index.js'

/** The app: its config, and every line logged. */
export interface FakeApp extends SessionApp {
  readonly logs: Array<[level: 'warn' | 'error', message: string]>
}

/** An app with the given config (other keys take Quart's defaults). */
export function fakeApp(config: SessionConfig = {}): FakeApp {
  const logs: FakeApp['logs'] = []
  return {
    config,
    logs,
    logger: {
      warn: (message) => void logs.push(['warn', message]),
      error: (message) => void logs.push(['error', message]),
    },
  }
}

/** A request carrying the given cookies. */
export function fakeRequest(cookies: Record<string, string> = {}): SessionRequest {
  return { cookies: new Map(Object.entries(cookies)), headers: new Headers(), remoteAddr: '127.0.0.1' }
}

/** One cookie the response was asked to set or delete. */
export interface CookieCall {
  action: 'set' | 'delete'
  name: string
  value: string
  options: SessionCookieOptions
}

/** A response that records its cookie calls and keeps `Vary` in its headers. */
export class FakeResponse implements SessionResponse {
  readonly headers = new Headers()
  readonly cookies: CookieCall[] = []

  setCookie(name: string, value: string, options: SessionCookieOptions = {}): void {
    this.cookies.push({ action: 'set', name, value, options })
  }

  deleteCookie(name: string, options: SessionCookieOptions = {}): void {
    this.cookies.push({ action: 'delete', name, value: '', options })
  }

  vary(...names: string[]): void {
    const present = (this.headers.get('vary') ?? '').split(',').map((n) => n.trim().toLowerCase())
    for (const name of names) if (!present.includes(name.toLowerCase())) this.headers.append('vary', name)
  }
}
