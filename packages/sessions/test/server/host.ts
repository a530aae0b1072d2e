/**
 * The fake host of ../host.ts, grown for server-side sessions: an app `useServerSessions` can install
 * itself on, responses that may be files, and a browser that keeps the cookies between requests.
 */
import {
  type ServerSessionConfig,
  type ServerSideSession,
  type ServerSideSessionInterface,
  type SessionInterface,
  type Store,
  useServerSessions,
} from '../../src/index.js'
import { type FakeApp, FakeResponse, fakeApp } from '../host.js'

/** The fake app, with a slot for the session interface. */
export interface FakeServerApp extends FakeApp {
  readonly config: ServerSessionConfig
  sessionInterface: SessionInterface
}

/** An app with the given config and server-side sessions over `store`. */
export function serverSessions(store: Store, config: ServerSessionConfig = {}) {
  const app = fakeApp(config) as FakeServerApp
  const iface = useServerSessions(app, { store })
  return { app, iface, browser: () => new Browser(app, iface) }
}

/** A response that says whether it sends a file, as the framework's does. */
export class FileAwareResponse extends FakeResponse {
  constructor(readonly isFile = false) {
    super()
  }
}

/** What a request may vary in. */
export interface RequestOptions {
  addr?: string | null
  headers?: Record<string, string>
  isFile?: boolean
}

/** A client with a cookie jar, making requests through the interface as a host would. */
export class Browser {
  readonly jar = new Map<string, string>()

  constructor(
    readonly app: FakeServerApp,
    readonly iface: ServerSideSessionInterface,
  ) {}

  /** The session cookie's current value. */
  get cookie(): string | undefined {
    return this.jar.get(this.iface.getCookieName(this.app))
  }

  /** Opens the session, lets `fn` use it, saves it on a response, and keeps the cookies that came back. */
  async request(fn: (session: ServerSideSession) => void = () => {}, options: RequestOptions = {}) {
    const session = await this.open(options)
    fn(session)
    const response = new FileAwareResponse(options.isFile)
    await this.iface.saveSession(this.app, session, response)
    for (const call of response.cookies) {
      if (call.action === 'set') this.jar.set(call.name, call.value)
      else this.jar.delete(call.name)
    }
    return { session, response }
  }

  /** A websocket: the session is opened from the handshake and saved with no response after `fn`. */
  async websocket(fn: (session: ServerSideSession) => void, options: RequestOptions = {}) {
    const session = await this.open(options)
    fn(session)
    await this.iface.saveSession(this.app, session, null)
    return session
  }

  async open(options: RequestOptions = {}): Promise<ServerSideSession> {
    const session = await this.iface.openSession(this.app, {
      cookies: new Map(this.jar),
      headers: new Headers(options.headers),
      remoteAddr: options.addr === undefined ? '127.0.0.1' : options.addr,
    })
    if (session === null) throw new Error('openSession gave a null session')
    return session
  }
}
