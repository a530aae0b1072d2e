/**
 * The one small interface every server-side session store implements: get, set with a TTL, delete, and
 * touch where the backend has it. A store deals in whole records (the serialized session, a string)
 * under whole keys (`SESSION_KEY_PREFIX` + session id); the session interface does the rest (ids,
 * serializing, cookies, timeouts), so a store of your own is a few lines around a client.
 *
 * Every call the interface makes goes through one place, which bounds it by `SESSION_STORE_TIMEOUT`.
 * Capabilities only some backends have are optional methods, found with `'touch' in store`; a store
 * without `touch` is refreshed by writing the record again.
 */

/**
 * A place to keep session records. Methods may reject on failure; the interface turns any rejection
 * or a call that outlasts `SESSION_STORE_TIMEOUT` into a {@link StoreUnavailable} (a 503).
 * Concurrent writes to one key need no coordination: the last write wins.
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
  /** Connects, when the app starts serving; stores also connect on first use without it. */
  open?(): Promise<void>
  /** Releases what the store created (a client it connected); a client passed in is left open. */
  close?(): Promise<void>
}
