/**
 * The shared audit log: PostgreSQL, for several verifier instances writing one log.
 *
 * One total order across instances: the log's head row (size, hash) in `medzk_audit_heads` is
 * locked `FOR UPDATE` in every append transaction, so appends to one log run one after the
 * other whichever instance makes them; each reads the head, chains its entries to it, inserts
 * them and moves the head, then commits. An instance that dies mid-transaction rolls back, and
 * the primary key (log_id, seq) refuses a second entry with one seq whatever happens. Within an
 * instance appends are grouped (./audit-log.ts's group commit): one transaction per batch.
 *
 * Append-only in the database too: triggers refuse UPDATE and DELETE on the entries table (a
 * superuser can drop them, which is what the anchored checkpoints are for).
 *
 * `pg` is an optional peer dependency, imported by {@link PostgresAuditLog.connect} only.
 */
import { MedzkError } from "../core/errors.js";
import { type AppendedEntry, type AuditHead, type AuditLog, assertOwnEntry, groupCommit, logIdentity, readRange } from "./audit-log.js";
import { type AuditEntryInput, type AuditRecord, canonicalJson, chainEntry, checkAuditRecord } from "./entry.js";

/** The subset of a pg client (pg.PoolClient) this module uses. */
export interface PgClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  release(error?: Error | boolean): void;
}

/** The subset of a pg.Pool this module uses. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}

/** Options of {@link PostgresAuditLog}. */
export interface PostgresAuditLogOptions {
  /** The verifier's Ed25519 public key (hex): the log accepts only its entries. */
  verifier: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS medzk_audit_heads (
  log_id text PRIMARY KEY,
  size bigint NOT NULL,
  hash text NOT NULL
);
CREATE TABLE IF NOT EXISTS medzk_audit_entries (
  log_id text NOT NULL,
  seq bigint NOT NULL,
  record text NOT NULL,
  nullifier text,
  PRIMARY KEY (log_id, seq)
);
CREATE INDEX IF NOT EXISTS medzk_audit_entries_nullifier ON medzk_audit_entries (log_id, nullifier) WHERE nullifier IS NOT NULL;
CREATE OR REPLACE FUNCTION medzk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'medzk_audit_entries is append-only';
END;
$$;
DROP TRIGGER IF EXISTS medzk_audit_entries_append_only ON medzk_audit_entries;
CREATE TRIGGER medzk_audit_entries_append_only BEFORE UPDATE OR DELETE ON medzk_audit_entries
  FOR EACH ROW EXECUTE FUNCTION medzk_audit_append_only();
`;

/** An {@link AuditLog} in PostgreSQL, shared by several instances with one total order. */
export class PostgresAuditLog implements AuditLog {
  readonly logId: string;
  readonly verifier: string;
  readonly #pool: PgPoolLike;
  readonly #ownsPool: boolean;
  #ready: Promise<void> | undefined;
  readonly #queue: ReturnType<typeof groupCommit>;

  /** A log on `pool` (a pg.Pool or alike); `close()` ends the pool only when {@link connect} made it. */
  constructor(pool: PgPoolLike, options: PostgresAuditLogOptions, ownsPool = false) {
    if (typeof pool !== "object" || pool === null || typeof pool.connect !== "function") throw new MedzkError("INVALID_ARGUMENT", `"pool" must be a pg Pool`);
    if (typeof options !== "object" || options === null) throw new MedzkError("INVALID_ARGUMENT", `"options" must be { verifier }`);
    ({ verifier: this.verifier, logId: this.logId } = logIdentity(options.verifier));
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#queue = groupCommit((inputs) => this.#commit(inputs));
  }

  /**
   * Connects to `url` (postgres://…) with a new pg.Pool. Throws MISSING_DEPENDENCY when the pg
   * package is not installed. The tables are created on first use.
   */
  static async connect(url: string, options: PostgresAuditLogOptions): Promise<PostgresAuditLog> {
    if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) throw new MedzkError("INVALID_ARGUMENT", `"url" must be a postgres:// URL`);
    let Pool: new (config: object) => PgPoolLike;
    try {
      // pg is CommonJS: its ESM wrapper names Pool, and a CommonJS build's import() gives it as default.Pool.
      const pg = (await import("pg")) as unknown as { Pool?: typeof Pool; default?: { Pool: typeof Pool } };
      Pool = (pg.Pool ?? pg.default?.Pool)!;
    } catch (cause) {
      throw new MedzkError("MISSING_DEPENDENCY", `an audit log on PostgreSQL needs the pg package: run npm install pg`, { cause });
    }
    // A few connections: appends take one each, serialised by the head row anyway.
    const pool = new Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
    // An idle client's error (the server restarting) must not crash the process; the next query reports it.
    (pool as unknown as { on(event: "error", listener: () => void): void }).on("error", () => undefined);
    return new PostgresAuditLog(pool, options, true);
  }

  /** Creates the tables (once per process), serialised across instances by an advisory lock. */
  #schema(): Promise<void> {
    this.#ready ??= this.#transaction(async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('medzk_audit_schema'))`);
      await client.query(SCHEMA);
    }).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #transaction<T>(fn: (client: PgClientLike) => Promise<T>): Promise<T> {
    let client: PgClientLike;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw unavailable(cause);
    }
    try {
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release(true);
      if (error instanceof MedzkError) throw error;
      throw unavailable(error);
    }
  }

  append(entry: AuditEntryInput): Promise<AppendedEntry> {
    assertOwnEntry(entry, this.verifier);
    return this.#queue.append(entry);
  }

  async #commit(inputs: AuditEntryInput[]): Promise<AppendedEntry[]> {
    await this.#schema();
    return this.#transaction(async (client) => {
      await client.query(`INSERT INTO medzk_audit_heads (log_id, size, hash) VALUES ($1, 0, $1) ON CONFLICT DO NOTHING`, [this.logId]);
      // The one lock that orders every append to this log, across instances.
      const { rows } = await client.query(`SELECT size, hash FROM medzk_audit_heads WHERE log_id = $1 FOR UPDATE`, [this.logId]);
      let size = Number(rows[0]!["size"]);
      let hash = String(rows[0]!["hash"]);
      const records = inputs.map((input) => {
        const record = chainEntry(input, size, hash);
        size += 1;
        hash = record.hash;
        return record;
      });
      await client.query(
        `INSERT INTO medzk_audit_entries (log_id, seq, record, nullifier)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])`,
        [this.logId, records.map((r) => r.entry.seq), records.map((r) => canonicalJson(r)), records.map((r) => r.entry.nullifier)],
      );
      await client.query(`UPDATE medzk_audit_heads SET size = $2, hash = $3 WHERE log_id = $1`, [this.logId, size, hash]);
      return records.map((r) => ({ seq: r.entry.seq, hash: r.hash }));
    });
  }

  async #query(text: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
    await this.#schema();
    try {
      return (await this.#pool.query(text, values)).rows;
    } catch (cause) {
      throw unavailable(cause);
    }
  }

  async read(fromSeq: number, toSeq?: number): Promise<AuditRecord[]> {
    const { size } = await this.head();
    const [from, to] = readRange(fromSeq, toSeq, size);
    if (to < from) return [];
    return parseRows(await this.#query(`SELECT record FROM medzk_audit_entries WHERE log_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`, [this.logId, from, to]));
  }

  async head(): Promise<AuditHead> {
    const rows = await this.#query(`SELECT size, hash FROM medzk_audit_heads WHERE log_id = $1`, [this.logId]);
    return rows.length === 0 ? { size: 0, hash: this.logId } : { size: Number(rows[0]!["size"]), hash: String(rows[0]!["hash"]) };
  }

  async byNullifier(nullifier: string): Promise<AuditRecord[]> {
    return parseRows(await this.#query(`SELECT record FROM medzk_audit_entries WHERE log_id = $1 AND nullifier = $2 ORDER BY seq`, [this.logId, nullifier]));
  }

  async dump(): Promise<unknown[]> {
    const rows = await this.#query(`SELECT record FROM medzk_audit_entries WHERE log_id = $1 ORDER BY seq`, [this.logId]);
    return rows.map((row) => {
      try {
        return JSON.parse(String(row["record"])) as unknown;
      } catch {
        return String(row["record"]);
      }
    });
  }

  async close(): Promise<void> {
    await this.#queue.idle();
    if (this.#ownsPool) await this.#pool.end();
  }
}

function parseRows(rows: Array<Record<string, unknown>>): AuditRecord[] {
  return rows.map((row, i) => {
    let json: unknown;
    try {
      json = JSON.parse(String(row["record"]));
    } catch {
      json = undefined;
    }
    const checked = checkAuditRecord(json, `record ${i}`);
    if (!checked.ok) throw new MedzkError("AUDIT_LOG_INVALID", checked.message);
    return checked.value;
  });
}

function unavailable(cause: unknown): MedzkError {
  // pg's messages name the server, the database and the role, never a password; still, keep to the code.
  const code = (cause as { code?: unknown }).code;
  return new MedzkError("AUDIT_LOG_UNAVAILABLE", `the PostgreSQL audit log cannot be used${typeof code === "string" ? ` (${code})` : ""}`, { cause });
}
