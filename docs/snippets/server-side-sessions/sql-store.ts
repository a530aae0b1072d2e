import type { Store } from '@flagon/framework'

/** What the store needs of a SQL client: one call that runs a statement with `$1`-style parameters. */
export interface SqlClient {
  query(sql: string, params: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>
}

/**
 * Sessions in a SQL table: `sessions(key text primary key, value text, expires_at bigint)`.
 * Works with `pg`'s Pool as it is, and with any client wrapped to this one method.
 */
export class SqlStore implements Store {
  readonly name = 'sql'
  constructor(readonly db: SqlClient) {}

  async get(key: string): Promise<string | null> {
    const { rows } = await this.db.query('SELECT value FROM sessions WHERE key = $1 AND expires_at > $2', [
      key,
      Date.now(),
    ])
    return (rows[0]?.value as string | undefined) ?? null
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    await this.db.query(
      `INSERT INTO sessions (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = $2, expires_at = $3`,
      [key, value, Date.now() + ttl * 1000],
    )
  }

  async delete(key: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE key = $1', [key])
  }

  /** Optional: restart the TTL without rewriting the record. Without it, the record is written again. */
  async touch(key: string, ttl: number): Promise<boolean> {
    const { rows } = await this.db.query(
      'UPDATE sessions SET expires_at = $2 WHERE key = $1 AND expires_at > $3 RETURNING key',
      [key, Date.now() + ttl * 1000, Date.now()],
    )
    return rows.length > 0
  }
}
