/**
 * The one small interface every server-side session store implements: get, set with a TTL, delete, and
 * touch where the backend has it. A store deals in whole records (the serialized session, a string)
 * under whole keys (`SESSION_KEY_PREFIX` + session id); the session interface does the rest (ids,
 * serializing, cookies, timeouts), so a store of your own is a few lines around a client.
 *
 * Every call the interface makes goes through one place, which bounds it by `SESSION_STORE_TIMEOUT`
 * and a circuit breaker. Capabilities only some backends have are optional methods, found with
 * `'touch' in store`:
 * - without `touch`, a record is refreshed by writing it again;
 * - without `update`, a request writes its whole record, so concurrent requests of one session lose
 *   each other's changes (the last write wins whole); with it, each writes only the keys it changed;
 * - without `replace`, `regenerate()` deletes the old record before writing the new one;
 * - without `indexSet`/`indexDelete`/`indexEntries`, a user's sessions cannot be listed or revoked
 *   (`listSessions` and the revoke methods throw `SessionIndexUnavailable`);
 * - without `publish`/`subscribe`, revocation events reach only the process that revoked.
 */

/**
 * What an {@link Store.update} function does with the current record (null when there is none): the
 * record to store instead, or null to store nothing.
 */
export type RecordUpdate = (current: string | null) => string | null

/**
 * A place to keep session records. Methods may reject on failure; the interface turns any rejection
 * or a call that outlasts `SESSION_STORE_TIMEOUT` into a {@link StoreUnavailable} (a 503).
 * Concurrent writes to one key need no coordination: the last write wins (implement `update` to do better).
 *
 * @example
 * // A SQL store (table sessions(key text primary key, value text, expires_at bigint)):
 * class SqlStore implements Store {
 *   readonly name = 'sql'
 *   constructor(readonly db: Pool) {}
 *   async get(key: string) {
 *     const { rows } = await this.db.query(
 *       'SELECT value FROM sessions WHERE key = $1 AND expires_at > $2', [key, Date.now()])
 *     return rows[0]?.value ?? null
 *   }
 *   async set(key: string, value: string, ttl: number) {
 *     await this.db.query(
 *       `INSERT INTO sessions VALUES ($1, $2, $3)
 *        ON CONFLICT (key) DO UPDATE SET value = $2, expires_at = $3`, [key, value, Date.now() + ttl * 1000])
 *   }
 *   async delete(key: string) {
 *     await this.db.query('DELETE FROM sessions WHERE key = $1', [key])
 *   }
 * }
 * app.config.SESSION_TYPE = new SqlStore(pool)
 */
export interface Store {
  /** A short name for logs and errors, e.g. `'redis'`. */
  readonly name: string
  /** The record under `key`, or null when there is none (or it expired). */
  get(key: string): Promise<string | null>
  /** Stores `value` under `key` for `ttl` seconds (a whole number, at least 1), replacing any record. */
  set(key: string, value: string, ttl: number): Promise<void>
  /** Removes the record under `key`; removing a missing record is no error. */
  delete(key: string): Promise<void>
  /** Restarts the record's TTL at `ttl` seconds without rewriting it; whether a record was there. */
  touch?(key: string, ttl: number): Promise<boolean>
  /**
   * Compare-and-set: reads the record, calls `fn` with it (null when absent) and stores what `fn`
   * returns for `ttl` seconds, unless another write changed the record in between; then it reads again
   * and calls `fn` again, so `fn` must be pure. `fn` returning null stores nothing. Resolves to the record
   * stored, or null when `fn` stored nothing. The memory store does it synchronously, Redis with a Lua
   * script, Memcached with CAS.
   */
  update?(key: string, fn: RecordUpdate, ttl: number): Promise<string | null>
  /**
   * Stores `value` under `to` for `ttl` seconds and removes `from`, in one step: no reader ever finds
   * both (what `session.regenerate()` needs). A store that cannot do it atomically removes `from` first.
   */
  replace?(from: string, to: string, value: string, ttl: number): Promise<void>
  /**
   * Sets fields of the small map under `key` (a user's index of sessions), and restarts its TTL.
   * The map lives apart from the records, and may share their key space (its keys contain a `:`).
   */
  indexSet?(key: string, fields: Record<string, string>, ttl: number): Promise<void>
  /** Removes fields of the map under `key`; removing missing fields is no error. */
  indexDelete?(key: string, fields: readonly string[]): Promise<void>
  /** Every field of the map under `key` (an empty object when there is none). */
  indexEntries?(key: string): Promise<Record<string, string>>
  /** Sends `message` to every subscriber of `channel`, in every process sharing the store. */
  publish?(channel: string, message: string): Promise<void>
  /** Calls `listener` with each message on `channel`; resolves, once subscribed, to an unsubscribe function. */
  subscribe?(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>
  /** Connects, when the app starts serving; stores also connect on first use without it. */
  open?(): Promise<void>
  /** Releases what the store created (a client it connected); a client passed in is left open. */
  close?(): Promise<void>
}
