import { createHash } from 'node:crypto';

/** What runs the store's SQL: a TypeORM DataSource or anything with the same `query`. */
export interface SqlRunner {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** Keys are kept this long (as Stripe and Svix do): a retry within it gets the first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A request holds its key this long. A process that dies mid-request leaves the key held; once
 * the lease is over a retry runs again. Longer than any request may take (the HTTP timeouts).
 */
export const IDEMPOTENCY_LEASE_MS = 60 * 1000;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** The request a key stands for: method, path and body, so another body under the key is told apart. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

interface Row {
  fingerprint: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_body: unknown;
  claimed: boolean;
}

/**
 * Idempotency keys in one Postgres table (created by each service's migration). Claiming is one
 * INSERT ... ON CONFLICT statement, so of two concurrent requests with one key exactly one runs;
 * an expired key, or a pending one whose lease is over, is taken over in the same statement.
 */
export class IdempotencyStore {
  constructor(
    private readonly db: SqlRunner,
    private readonly table: string,
  ) {}

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO ${this.table} AS k (scope, key, fingerprint, state, locked_until, expires_at)
       VALUES ($1, $2, $3, 'pending', now() + $4 * interval '1 millisecond', now() + $5 * interval '1 millisecond')
       ON CONFLICT (scope, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'pending', response_status = NULL,
             response_body = NULL, locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at
         WHERE k.expires_at < now() OR (k.state = 'pending' AND k.locked_until < now())
       RETURNING fingerprint, state, response_status, response_body, true AS claimed`,
      [scope, key, fingerprint, IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS],
    );
    if (rows.length > 0) {
      await this.sweep();
      return { kind: 'claimed' };
    }
    const existing = await this.db.query<Row[]>(
      `SELECT fingerprint, state, response_status, response_body, false AS claimed
         FROM ${this.table} WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const row = existing[0];
    // Deleted between the two statements (its request failed): the caller may simply try again.
    if (row === undefined) return this.claim(scope, key, fingerprint);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'pending') return { kind: 'in_progress' };
    return { kind: 'replay', answer: { status: row.response_status ?? 200, body: row.response_body } };
  }

  async complete(scope: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET state = 'done', response_status = $3, response_body = $4::jsonb
        WHERE scope = $1 AND key = $2`,
      [scope, key, answer.status, JSON.stringify(answer.body ?? null)],
    );
  }

  /** A request that failed stores nothing: the same key may be sent again and runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE scope = $1 AND key = $2 AND state = 'pending'`, [
      scope,
      key,
    ]);
  }

  /** Drops a few expired keys whenever a new one is stored, so the table stays at a day's worth. */
  private async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM ${this.table} WHERE ctid IN
         (SELECT ctid FROM ${this.table} WHERE expires_at < now() LIMIT 100)`,
    );
  }
}

/** The table's DDL, for each service's migration. */
export function idempotencyTableDdl(table: string): string[] {
  return [
    `CREATE TABLE ${table} (
       scope text NOT NULL,
       key text NOT NULL,
       fingerprint text NOT NULL,
       state text NOT NULL CHECK (state IN ('pending', 'done')),
       response_status integer NULL,
       response_body jsonb NULL,
       locked_until timestamptz NOT NULL,
       expires_at timestamptz NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (scope, key)
     )`,
    `CREATE INDEX ${table}_expires_at ON ${table} (expires_at)`,
  ];
}
