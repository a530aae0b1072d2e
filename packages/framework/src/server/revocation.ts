/**
 * Closing websockets whose session ends elsewhere: with a server-side session interface that
 * announces revocations (a logout, a regenerate, "log out everywhere", in any process sharing the
 * store), every websocket accepted under that session is closed with SESSION_REVOKED_CLOSE_CODE.
 * A cookie session cannot be revoked, so nothing is tracked for it.
 */
import { SESSION_REVOKED_CLOSE_CODE, ServerSideSession, ServerSideSessionInterface } from '@flagon/sessions'
import type { Flagon } from '../app.js'
import type { WebsocketContext } from '../context.js'
import type { Websocket } from '../wrappers/websocket.js'

/** The websockets of each session, and the subscription that closes them. */
export class SessionSockets {
  readonly #bySession = new Map<string, Set<Websocket>>()
  #unsubscribe: (() => Promise<void>) | undefined

  constructor(readonly app: Flagon) {}

  /** Subscribes to the interface's revocations, when it has them; called after beforeServing. */
  async start(): Promise<void> {
    const sessions = this.app.sessionInterface
    if (!(sessions instanceof ServerSideSessionInterface) || this.#unsubscribe) return
    this.#unsubscribe = await sessions.subscribeRevocations(({ idHash }) => {
      for (const websocket of this.#bySession.get(idHash) ?? []) {
        if (websocket.accepted && !websocket.closed)
          websocket.close(SESSION_REVOKED_CLOSE_CODE, 'session ended').catch(() => {})
      }
    })
  }

  /** Unsubscribes; called before afterServing closes the store. */
  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe
    this.#unsubscribe = undefined
    await unsubscribe?.()
  }

  /** Tracks the websocket of `ctx` under its session; returns the function that stops tracking it. */
  track(ctx: WebsocketContext): () => void {
    const sessions = this.app.sessionInterface
    const { session, websocket } = ctx
    if (
      !this.#unsubscribe ||
      !(sessions instanceof ServerSideSessionInterface) ||
      !(session instanceof ServerSideSession)
    ) {
      return untracked
    }
    const idHash = sessions.idHash(session)
    const sockets = this.#bySession.get(idHash) ?? new Set<Websocket>()
    this.#bySession.set(idHash, sockets)
    sockets.add(websocket)
    return () => {
      sockets.delete(websocket)
      if (sockets.size === 0) this.#bySession.delete(idHash)
    }
  }
}

// Kept by every untracked websocket for as long as it lives: one function for them all.
const untracked = (): void => {}
