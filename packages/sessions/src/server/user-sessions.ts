/**
 * Every session of a user, and the events that end them. With `SESSION_IDENTITY_KEY` set (e.g.
 * `'user_id'`), the interface keeps a per-user index beside the records: one entry per session, under
 * the hash of its id (the raw id never leaves the store), with when it was created and last seen, its
 * user agent and client address. `listSessions`, `revokeSession` and `revokeAllSessions` read it.
 *
 * A session that ends (cleared, regenerated, revoked) is announced as a {@link RevocationEvent} naming
 * its id hash: through the store's pub/sub to every process (Redis), else in this process only. The host
 * closes websockets accepted under that session with {@link SESSION_REVOKED_CLOSE_CODE}.
 */
import { createHash } from 'node:crypto'

/** The websocket close code for "the session this socket was accepted under has ended" (4000-range: the app's). */
export const SESSION_REVOKED_CLOSE_CODE = 4001

/** One session of a user, as `listSessions(userId)` reports it. */
export interface UserSession {
  /** The hash of the session id (`idHash`): names the session for `revokeSession`, and cannot open it. */
  idHash: string
  /** When the session was tied to the user (its login). */
  created: Date
  /** When a request last used it. */
  lastSeen: Date
  /** The `User-Agent` of the request that logged in; null when it sent none. */
  userAgent: string | null
  /** The client address of that request (behind a proxy, per `SESSION_HIJACK_REVERSE_PROXY`). */
  address: string | null
}

/** Why a session ended. */
export type RevocationReason = 'cleared' | 'regenerated' | 'revoked'

/** A session has ended: every websocket accepted under it should be closed. */
export interface RevocationEvent {
  /** The hash of the ended session's id: compare with `sessionInterface.idHash(session)`. */
  idHash: string
  reason: RevocationReason
}

/**
 * The store cannot index sessions per user (Memcached cannot enumerate keys or keep a set per user
 * atomically), so a user's sessions cannot be listed or revoked. Use Redis or the memory store for that.
 */
export class SessionIndexUnavailable extends Error {
  override name = 'SessionIndexUnavailable'

  constructor(
    /** The store's name. */
    readonly store: string,
    /** The method called, e.g. `'listSessions'`. */
    readonly method: string,
  ) {
    super(
      `${method}() needs a store that keeps a per-user index of sessions, and the "${store}" store does ` +
        'not: Memcached has no way to enumerate keys or to keep a set per user. Use SESSION_TYPE = "redis" ' +
        '(or "memory" for one process), or a store of your own with indexSet, indexDelete and indexEntries.',
    )
  }
}

/**
 * The hash that names a session outside the store: the first 128 bits of the id's SHA-256, hex.
 * Safe to show and to send between processes: it cannot be turned back into the id.
 */
export function sessionIdHash(sid: string): string {
  return createHash('sha256').update(sid).digest('hex').slice(0, 32)
}

/** An index entry: the session's id (kept only in the store), and what `listSessions` shows. */
export interface IndexEntry {
  sid: string
  created: number
  userAgent: string | null
  address: string | null
}

/** The index fields of one session: its entry, and its last-seen time (updated on its own). */
export function indexFields(hash: string, entry: IndexEntry | null, seen: number): Record<string, string> {
  const fields: Record<string, string> = { [`${hash}:seen`]: String(seen) }
  if (entry !== null) fields[hash] = JSON.stringify(entry)
  return fields
}

/** The sessions an index holds, newest use first, each with its id (for the store's use only). */
export function readIndex(fields: Record<string, string>): Array<UserSession & { sid: string }> {
  const sessions: Array<UserSession & { sid: string }> = []
  for (const [field, value] of Object.entries(fields)) {
    if (field.endsWith(':seen')) continue
    let entry: IndexEntry
    try {
      entry = JSON.parse(value) as IndexEntry
    } catch {
      continue
    }
    const seen = Number(fields[`${field}:seen`] ?? entry.created)
    sessions.push({
      idHash: field,
      sid: entry.sid,
      created: new Date(entry.created),
      lastSeen: new Date(seen),
      userAgent: entry.userAgent,
      address: entry.address,
    })
  }
  return sessions.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime())
}
