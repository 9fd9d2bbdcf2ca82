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
 * Append-only in the database too ({@link postgresAuditSchema}, run once by an owner role): the
 * service connects as a writer role that may only SELECT and INSERT entries, triggers refuse
 * UPDATE, DELETE and TRUNCATE, and a trigger checks on every insert that the new entry chains to
 * the log's last one. The log refuses to append under a role that could rewrite it. A superuser
 * or the owner still can, which is what the anchored checkpoints are for.
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

/** A role name written into the schema SQL: a plain lowercase identifier, never quoted. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** SQLSTATE of the triggers' refusals (class "MZ", medzk's own), read back as AUDIT_LOG_INVALID. */
const REFUSED_SQLSTATE = "MZA01";

/**
 * The SQL an operator runs once, as the role that is to own the audit tables (never the role the
 * service connects as): the tables, their triggers and the grants to `writer`, the service's
 * role, which may only SELECT and INSERT entries and SELECT, INSERT and UPDATE the heads.
 *
 * - Append-only: triggers refuse UPDATE, DELETE and TRUNCATE on the entries and DELETE and
 *   TRUNCATE on the heads, whoever asks; the writer lacks those privileges anyway, and as it owns
 *   nothing it cannot ALTER TABLE … DISABLE TRIGGER, drop or recreate a table.
 * - The chain is checked on append, inside the inserting transaction: each new row must be the
 *   next seq after an existing predecessor (nothing at or after its seq), its record `{entry,
 *   hash}` canonical text whose hash is SHA-256(predecessor's hash || entry text), its nullifier
 *   column the entry's, its log id the one of the entry's verifier. A writer can therefore only
 *   extend the chain, never rewrite a tail, and a head row can only name the chain's real end.
 * - The functions run with their search_path pinned to pg_catalog, the tables' schema, then
 *   pg_temp: the triggers run as the inserting role, whose session picks its own search_path, and
 *   any role may create temp tables, which come first in an unpinned path, so a writer's own
 *   temp `medzk_audit_entries` would otherwise be the table the chain check reads.
 * NOTE: a superuser, or the owner, can still do anything; the anchored checkpoints are what
 * exposes that (docs/audit.md). A writer that may CREATE in the tables' schema could add
 * functions or operators the triggers' calls resolve to; the log refuses to append as one.
 * Throws MedzkError("INVALID_ARGUMENT") for a writer that is not a plain lowercase role name.
 */
export function postgresAuditSchema(writer: string): string {
  if (typeof writer !== "string" || !ROLE_NAME.test(writer)) throw new MedzkError("INVALID_ARGUMENT", `"writer" must be a role name of lowercase letters, digits and "_"`);
  return `CREATE TABLE medzk_audit_heads (
  log_id text PRIMARY KEY,
  size bigint NOT NULL,
  hash text NOT NULL
);
CREATE TABLE medzk_audit_entries (
  log_id text NOT NULL,
  seq bigint NOT NULL,
  record text NOT NULL,
  nullifier text,
  PRIMARY KEY (log_id, seq)
);
CREATE INDEX medzk_audit_entries_nullifier ON medzk_audit_entries (log_id, nullifier) WHERE nullifier IS NOT NULL;
CREATE FUNCTION medzk_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '${REFUSED_SQLSTATE}';
END;
$$;
CREATE TRIGGER medzk_audit_entries_append_only BEFORE UPDATE OR DELETE ON medzk_audit_entries
  FOR EACH ROW EXECUTE FUNCTION medzk_audit_append_only();
CREATE TRIGGER medzk_audit_entries_no_truncate BEFORE TRUNCATE ON medzk_audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION medzk_audit_append_only();
CREATE TRIGGER medzk_audit_heads_no_delete BEFORE DELETE ON medzk_audit_heads
  FOR EACH ROW EXECUTE FUNCTION medzk_audit_append_only();
CREATE TRIGGER medzk_audit_heads_no_truncate BEFORE TRUNCATE ON medzk_audit_heads
  FOR EACH STATEMENT EXECUTE FUNCTION medzk_audit_append_only();
CREATE FUNCTION medzk_audit_hash_of(record text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(record, length(record) - 65, 64)
$$;
CREATE FUNCTION medzk_audit_chain_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  body jsonb;
  entry_text text;
  prev text;
BEGIN
  IF NEW.record !~ '^[{]"entry":[{].*[}],"hash":"[0-9a-f]{64}"[}]$' THEN
    RAISE EXCEPTION 'entry % is not a record', NEW.seq USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  entry_text := substr(NEW.record, 10, length(NEW.record) - 84);
  body := NEW.record::jsonb;
  IF (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(body) AS k) <> ARRAY['entry', 'hash']
     OR entry_text::jsonb <> body->'entry'
     OR (body->'entry'->>'seq')::bigint IS DISTINCT FROM NEW.seq
     OR NEW.nullifier IS DISTINCT FROM body->'entry'->>'nullifier'
     OR encode(sha256(convert_to('medzk-audit/v1', 'UTF8') || decode(body->'entry'->>'verifier', 'hex')), 'hex') <> NEW.log_id THEN
    RAISE EXCEPTION 'entry % does not match its row', NEW.seq USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  IF NEW.seq = 0 THEN
    prev := NEW.log_id;
  ELSE
    SELECT medzk_audit_hash_of(record) INTO prev FROM medzk_audit_entries WHERE log_id = NEW.log_id AND seq = NEW.seq - 1;
  END IF;
  IF prev IS NULL OR EXISTS (SELECT 1 FROM medzk_audit_entries WHERE log_id = NEW.log_id AND seq >= NEW.seq) THEN
    RAISE EXCEPTION 'entry % is not the next entry of its log', NEW.seq USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  IF encode(sha256(decode(prev, 'hex') || convert_to(entry_text, 'UTF8')), 'hex') <> medzk_audit_hash_of(NEW.record) THEN
    RAISE EXCEPTION 'entry % does not chain to the entry before it', NEW.seq USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER medzk_audit_entries_chain BEFORE INSERT ON medzk_audit_entries
  FOR EACH ROW EXECUTE FUNCTION medzk_audit_chain_check();
CREATE FUNCTION medzk_audit_head_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.log_id <> OLD.log_id THEN
    RAISE EXCEPTION 'a head keeps its log' USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  IF NEW.size = 0 THEN
    -- An insert that will meet the existing head (the app's ON CONFLICT DO NOTHING) changes nothing.
    IF NEW.hash <> NEW.log_id OR (EXISTS (SELECT 1 FROM medzk_audit_entries WHERE log_id = NEW.log_id)
        AND (TG_OP = 'UPDATE' OR NOT EXISTS (SELECT 1 FROM medzk_audit_heads WHERE log_id = NEW.log_id))) THEN
      RAISE EXCEPTION 'the head of an empty log is its log id' USING ERRCODE = '${REFUSED_SQLSTATE}';
    END IF;
  ELSIF NEW.hash IS DISTINCT FROM (SELECT medzk_audit_hash_of(record) FROM medzk_audit_entries WHERE log_id = NEW.log_id AND seq = NEW.size - 1)
     OR EXISTS (SELECT 1 FROM medzk_audit_entries WHERE log_id = NEW.log_id AND seq >= NEW.size) THEN
    RAISE EXCEPTION 'the head must be the last entry of its log' USING ERRCODE = '${REFUSED_SQLSTATE}';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER medzk_audit_heads_at_end BEFORE INSERT OR UPDATE ON medzk_audit_heads
  FOR EACH ROW EXECUTE FUNCTION medzk_audit_head_check();
DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['medzk_audit_append_only()', 'medzk_audit_hash_of(text)', 'medzk_audit_chain_check()', 'medzk_audit_head_check()'] LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', f, current_schema());
  END LOOP;
END;
$$;
REVOKE ALL ON medzk_audit_heads, medzk_audit_entries FROM PUBLIC;
GRANT SELECT, INSERT ON medzk_audit_entries TO ${writer};
GRANT SELECT, INSERT, UPDATE ON medzk_audit_heads TO ${writer};
`;
}

/** The triggers {@link postgresAuditSchema} creates, each of which must be enabled before the log appends. */
const TRIGGERS = [
  "medzk_audit_entries_append_only",
  "medzk_audit_entries_no_truncate",
  "medzk_audit_heads_no_delete",
  "medzk_audit_heads_no_truncate",
  "medzk_audit_entries_chain",
  "medzk_audit_heads_at_end",
];

/**
 * What the connected role could do to the log beyond appending, and which triggers are enabled
 * with their function's search_path pinned (a schema made before the pin lets a writer's temp
 * table steer the chain check): one row.
 */
const ROLE_CHECK = `
SELECT
  to_regclass('medzk_audit_entries') IS NOT NULL AND to_regclass('medzk_audit_heads') IS NOT NULL AS tables,
  (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
  EXISTS (SELECT 1 FROM pg_class WHERE oid IN (to_regclass('medzk_audit_entries'), to_regclass('medzk_audit_heads')) AND pg_has_role(current_user, relowner, 'MEMBER')) AS owner,
  CASE WHEN to_regclass('medzk_audit_entries') IS NULL OR to_regclass('medzk_audit_heads') IS NULL THEN false
    ELSE has_table_privilege('medzk_audit_entries', 'UPDATE, DELETE, TRUNCATE') OR has_table_privilege('medzk_audit_heads', 'DELETE, TRUNCATE')
      OR EXISTS (SELECT 1 FROM pg_class WHERE oid IN (to_regclass('medzk_audit_entries'), to_regclass('medzk_audit_heads')) AND has_schema_privilege(relnamespace, 'CREATE')) END AS rewrite,
  ARRAY(SELECT t.tgname::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE t.tgrelid IN (to_regclass('medzk_audit_entries'), to_regclass('medzk_audit_heads')) AND t.tgenabled <> 'D'
      AND EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c WHERE c LIKE 'search_path=pg_catalog, %, pg_temp') ORDER BY t.tgname) AS triggers
`;

/** An {@link AuditLog} in PostgreSQL, shared by several instances with one total order. */
export class PostgresAuditLog implements AuditLog {
  readonly logId: string;
  readonly verifier: string;
  readonly #pool: PgPoolLike;
  readonly #ownsPool: boolean;
  /** The check of the role and the tables, once per instance while it passes. */
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

  /**
   * Before the first append: the tables exist with their triggers enabled, and the connected
   * role can do no more than append (not a superuser, owns neither table, no UPDATE, DELETE or
   * TRUNCATE on the entries, no DELETE or TRUNCATE on the heads, no CREATE in their schema).
   * Else AUDIT_LOG_UNAVAILABLE:
   * a service that could rewrite its own log does not write it. Reads need none of this.
   */
  #appendable(): Promise<void> {
    this.#ready ??= this.#checkRole().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** The check of {@link #appendable}, uncached. */
  async #checkRole(): Promise<void> {
    const [row] = await this.#query(ROLE_CHECK, []);
    const problem = !row?.["tables"]
      ? `the audit tables do not exist: run the SQL of postgresAuditSchema (docs/audit.md) as the role that owns them`
      : row["superuser"] || row["owner"] || row["rewrite"]
        ? `the PostgreSQL role could rewrite the audit log (a superuser, the tables' owner, allowed UPDATE, DELETE or TRUNCATE, or CREATE in the tables' schema): connect as the writer role of docs/audit.md`
        : TRIGGERS.some((t) => !(row["triggers"] as string[]).includes(t))
          ? `the audit tables' triggers are missing, disabled or without their pinned search_path: run the SQL of postgresAuditSchema (docs/audit.md)`
          : undefined;
    if (problem !== undefined) throw new MedzkError("AUDIT_LOG_UNAVAILABLE", problem);
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
    await this.#appendable();
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
      // In seq order: the chain trigger checks each row against the one inserted before it.
      await client.query(
        `INSERT INTO medzk_audit_entries (log_id, seq, record, nullifier)
         SELECT $1, s, r, n FROM unnest($2::bigint[], $3::text[], $4::text[]) AS t(s, r, n) ORDER BY s`,
        [this.logId, records.map((r) => r.entry.seq), records.map((r) => canonicalJson(r)), records.map((r) => r.entry.nullifier)],
      );
      await client.query(`UPDATE medzk_audit_heads SET size = $2, hash = $3 WHERE log_id = $1`, [this.logId, size, hash]);
      return records.map((r) => ({ seq: r.entry.seq, hash: r.hash }));
    });
  }

  async #query(text: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
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

  async writable(): Promise<void> {
    // Uncached, unlike the check before appending: /readyz notices a trigger the owner disabled
    // after this instance's first append.
    await this.#checkRole();
    await this.head();
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
  if (code === REFUSED_SQLSTATE) return new MedzkError("AUDIT_LOG_INVALID", `the PostgreSQL audit log refused the append: ${(cause as Error).message}`, { cause });
  return new MedzkError("AUDIT_LOG_UNAVAILABLE", `the PostgreSQL audit log cannot be used${typeof code === "string" ? ` (${code})` : ""}`, { cause });
}
