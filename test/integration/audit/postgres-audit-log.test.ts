/**
 * PostgresAuditLog against a real PostgreSQL (test/helpers/postgres.ts starts one from Debian's
 * packages; CI installs them), set up as docs/audit.md says (an owner role runs
 * postgresAuditSchema, the service connects as a writer role): two clients (as two service
 * instances would) appending concurrently keep one total order and a valid chain; the writer can
 * neither TRUNCATE, ALTER the tables (disable a trigger) nor UPDATE or DELETE, and an insert that
 * does not chain to the head is refused, even through the writer's own temp table or search_path;
 * the log refuses to append as a role that could rewrite it (or CREATE where the triggers look
 * objects up); a stopped server is AUDIT_LOG_UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { PostgresAuditLog } from "../../../src/audit/postgres-audit-log.js";
import { auditLogId, canonicalJson, chainEntry } from "../../../src/audit/entry.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";
import { rejectionCodeOf } from "../../helpers/errors.js";
import { AUDIT_OWNER, AUDIT_WRITER, type TestPostgres, hasPostgres, setUpAuditRoles, startPostgres } from "../../helpers/postgres.js";

const available = hasPostgres("the PostgreSQL audit log tests");
let pg: TestPostgres;
/** The service's role: SELECT and INSERT only. */
let writerUrl: string;

beforeAll(async () => {
  if (!available) return;
  pg = await startPostgres();
  writerUrl = await setUpAuditRoles(pg);
});

/** Runs `fn` with a plain pg client connected to `url`. */
async function withClient<T>(url: string, fn: (client: { query: (text: string, values?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }> }) => Promise<T>): Promise<T> {
  const { default: pgModule } = await import("pg");
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a query is refused with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "accepted",
    (error: { code?: string }) => error.code ?? "no code",
  );
}
afterAll(async () => {
  await pg?.stop();
});

describe.skipIf(!available)("PostgresAuditLog", () => {
  it("two instances appending concurrently keep one order and one valid chain", async () => {
    const [a, b] = await Promise.all([PostgresAuditLog.connect(writerUrl, { verifier: AUDIT_VERIFIER }), PostgresAuditLog.connect(writerUrl, { verifier: AUDIT_VERIFIER })]);
    try {
      await a.writable();
      const appended = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).append(auditInput(i, { requestId: String(i) }))));
      // Every seq exactly once, 0..199: one total order across the two clients.
      expect(appended.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(await a.head()).toEqual(await b.head());
      const records = await a.read(0);
      // Each append's returned seq and hash are where its entry is.
      for (const [i, r] of appended.entries()) {
        expect(records[r.seq]!.entry.requestId).toBe(String(i));
        expect(records[r.seq]!.hash).toBe(r.hash);
      }
      const anchor = new FileCheckpointAnchor(join(await mkdtemp(join(tmpdir(), "medzk-audit-")), "anchor.jsonl"));
      await anchorCheckpoint(b, anchor);
      const report = verifyAuditLog({ verifier: AUDIT_VERIFIER, records: await a.dump(), checkpoints: await anchor.checkpoints(a.logId) });
      expect(report).toMatchObject({ ok: true, size: 200, checkpoints: 1, covered: 200 });
      expect((await a.byNullifier("1002")).map((r) => r.entry.seq)).toEqual(records.filter((r) => r.entry.nullifier === "1002").map((r) => r.entry.seq));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("keeps each verifier's log apart and refuses updates and deletes in the database", async () => {
    const other = await PostgresAuditLog.connect(writerUrl, { verifier: "c".repeat(64) });
    try {
      expect((await other.append(auditInput(0, { verifier: "c".repeat(64) }))).seq).toBe(0);
      const { default: pgModule } = await import("pg");
      const client = new pgModule.Client({ connectionString: pg.url });
      await client.connect();
      try {
        await expect(client.query(`UPDATE medzk_audit_entries SET record = '{}' WHERE seq = 0`)).rejects.toThrow(/append-only/);
        await expect(client.query(`DELETE FROM medzk_audit_entries`)).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
    } finally {
      await other.close();
    }
  });

  it("the service's role can neither truncate, alter nor rewrite the log: only append to its head", async () => {
    const verifier = "d".repeat(64);
    const log = await PostgresAuditLog.connect(writerUrl, { verifier });
    try {
      for (let i = 0; i < 3; i++) await log.append(auditInput(i, { verifier }));
      const head = await log.head();
      await withClient(writerUrl, async (writer) => {
        // What rewrote the log on the old code, where the service's role owned the tables.
        expect(await refusal(writer.query(`TRUNCATE medzk_audit_entries`))).toBe("42501");
        expect(await refusal(writer.query(`TRUNCATE medzk_audit_heads`))).toBe("42501");
        expect(await refusal(writer.query(`ALTER TABLE medzk_audit_entries DISABLE TRIGGER medzk_audit_entries_append_only`))).toBe("42501");
        expect(await refusal(writer.query(`ALTER TABLE medzk_audit_entries DISABLE TRIGGER ALL`))).toBe("42501");
        expect(await refusal(writer.query(`DROP TABLE medzk_audit_entries`))).toBe("42501");
        expect(await refusal(writer.query(`UPDATE medzk_audit_entries SET record = record WHERE seq = 2`))).toBe("42501");
        expect(await refusal(writer.query(`DELETE FROM medzk_audit_entries WHERE seq = 2`))).toBe("42501");
        expect(await refusal(writer.query(`DELETE FROM medzk_audit_heads`))).toBe("42501");
        // Inserts must extend the chain at its head, as the app would.
        const insert = (seq: number, record: string, nullifier: string | null) =>
          writer.query(`INSERT INTO medzk_audit_entries (log_id, seq, record, nullifier) VALUES ($1, $2, $3, $4)`, [log.logId, seq, record, nullifier]);
        const next = chainEntry(auditInput(3, { verifier }), 3, head.hash);
        const forkedTail = chainEntry(auditInput(9, { verifier }), 3, "0".repeat(64));
        expect(await refusal(insert(3, canonicalJson(forkedTail), forkedTail.entry.nullifier))).toBe("MZA01");
        const gap = chainEntry(auditInput(4, { verifier }), 4, next.hash);
        expect(await refusal(insert(4, canonicalJson(gap), gap.entry.nullifier))).toBe("MZA01");
        expect(await refusal(insert(3, canonicalJson(next), "999"))).toBe("MZA01");
        const renumbered = { ...next, entry: { ...next.entry, seq: 5 } };
        expect(await refusal(insert(3, canonicalJson(renumbered), next.entry.nullifier))).toBe("MZA01");
        const foreign = chainEntry(auditInput(3, { verifier: "e".repeat(64) }), 3, head.hash);
        expect(await refusal(insert(3, canonicalJson(foreign), foreign.entry.nullifier))).toBe("MZA01");
        // The head can only name the real end of the log.
        expect(await refusal(writer.query(`UPDATE medzk_audit_heads SET size = 2, hash = $2 WHERE log_id = $1`, [log.logId, (await log.read(1, 1))[0]!.hash]))).toBe("MZA01");
        expect(await refusal(writer.query(`UPDATE medzk_audit_heads SET size = 0, hash = log_id WHERE log_id = $1`, [log.logId]))).toBe("MZA01");
        // The honest next entry is accepted (the app's own path).
        expect(await refusal(insert(3, canonicalJson(next), next.entry.nullifier))).toBe("accepted");
      });
      // The head now lags the entries; the app's append is refused, never chained onto a fork.
      expect(await rejectionCodeOf(() => log.append(auditInput(5, { verifier })))).toBe("AUDIT_LOG_INVALID");
      expect(verifyAuditLog({ verifier, records: await log.dump(), checkpoints: [] })).toMatchObject({ ok: true, size: 4 });
    } finally {
      await log.close();
    }
  });

  it("the writer's own objects steer no trigger: a temp table, a search_path, a head row named before its entries", async () => {
    const verifier = "9".repeat(64);
    const log = await PostgresAuditLog.connect(writerUrl, { verifier });
    try {
      for (let i = 0; i < 2; i++) await log.append(auditInput(i, { verifier }));
      await withClient(writerUrl, async (writer) => {
        // Any role may create temp tables, and pg_temp comes first in every search_path: the
        // triggers' unqualified lookups read this table instead of the log, unless pinned.
        await writer.query(`CREATE TEMP TABLE medzk_audit_entries (log_id text, seq bigint, record text, nullifier text)`);
        const fake = chainEntry(auditInput(8, { verifier }), 8, "0".repeat(64));
        await writer.query(`INSERT INTO pg_temp.medzk_audit_entries VALUES ($1, 8, $2, NULL)`, [log.logId, canonicalJson(fake)]);
        const gap = chainEntry(auditInput(9, { verifier }), 9, fake.hash);
        const insert = writer.query(`INSERT INTO public.medzk_audit_entries (log_id, seq, record, nullifier) VALUES ($1, 9, $2, $3)`, [log.logId, canonicalJson(gap), gap.entry.nullifier]);
        expect(await refusal(insert)).toBe("MZA01");
        await writer.query(`SET search_path = pg_temp, public`);
        expect(await refusal(writer.query(`INSERT INTO public.medzk_audit_entries (log_id, seq, record, nullifier) VALUES ($1, 9, $2, $3)`, [log.logId, canonicalJson(gap), gap.entry.nullifier]))).toBe("MZA01");
        await writer.query(`RESET search_path`);
        // A log whose entries were inserted without a head row gets no head saying it is empty.
        const other = "8".repeat(64);
        const first = chainEntry(auditInput(0, { verifier: other }), 0, auditLogId(other));
        await writer.query(`INSERT INTO public.medzk_audit_entries (log_id, seq, record, nullifier) VALUES ($1, 0, $2, $3)`, [auditLogId(other), canonicalJson(first), first.entry.nullifier]);
        expect(await refusal(writer.query(`INSERT INTO medzk_audit_heads (log_id, size, hash) VALUES ($1, 0, $1)`, [auditLogId(other)]))).toBe("MZA01");
      });
      expect(verifyAuditLog({ verifier, records: await log.dump(), checkpoints: [] })).toMatchObject({ ok: true, size: 2 });
    } finally {
      await log.close();
    }
  });

  it("refuses to append as a role that may create objects where the triggers look them up", async () => {
    const verifier = "7".repeat(64);
    await withClient(pg.url, (su) => su.query(`GRANT CREATE ON SCHEMA public TO ${AUDIT_WRITER}`));
    const log = await PostgresAuditLog.connect(writerUrl, { verifier });
    try {
      expect(await rejectionCodeOf(() => log.append(auditInput(0, { verifier })))).toBe("AUDIT_LOG_UNAVAILABLE");
      expect(await rejectionCodeOf(() => log.writable())).toBe("AUDIT_LOG_UNAVAILABLE");
    } finally {
      await withClient(pg.url, (su) => su.query(`REVOKE CREATE ON SCHEMA public FROM ${AUDIT_WRITER}`));
      await log.close();
    }
  });

  it("refuses to append as a role that could rewrite the log, or with a trigger disabled", async () => {
    const asSuperuser = await PostgresAuditLog.connect(pg.url, { verifier: "f".repeat(64) });
    try {
      expect(await rejectionCodeOf(() => asSuperuser.append(auditInput(0, { verifier: "f".repeat(64) })))).toBe("AUDIT_LOG_UNAVAILABLE");
      expect(await rejectionCodeOf(() => asSuperuser.writable())).toBe("AUDIT_LOG_UNAVAILABLE");
      // Reading (medzk audit verify) works under any role that may SELECT.
      expect(await asSuperuser.head()).toEqual({ size: 0, hash: asSuperuser.logId });
    } finally {
      await asSuperuser.close();
    }
    const running = await PostgresAuditLog.connect(writerUrl, { verifier: "f".repeat(64) });
    await running.append(auditInput(0, { verifier: "f".repeat(64) }));
    await running.writable();
    await withClient(pg.url, async (su) => {
      await su.query(`SET ROLE ${AUDIT_OWNER}`);
      await su.query(`ALTER TABLE medzk_audit_entries DISABLE TRIGGER medzk_audit_entries_chain`);
    });
    const log = await PostgresAuditLog.connect(writerUrl, { verifier: "f".repeat(64) });
    try {
      // A running instance's readiness notices; a starting one does not append.
      expect(await rejectionCodeOf(() => running.writable())).toBe("AUDIT_LOG_UNAVAILABLE");
      expect(await rejectionCodeOf(() => log.append(auditInput(1, { verifier: "f".repeat(64) })))).toBe("AUDIT_LOG_UNAVAILABLE");
      expect(await rejectionCodeOf(() => log.writable())).toBe("AUDIT_LOG_UNAVAILABLE");
    } finally {
      await running.close();
      await log.close();
      await withClient(pg.url, async (su) => {
        await su.query(`SET ROLE ${AUDIT_OWNER}`);
        await su.query(`ALTER TABLE medzk_audit_entries ENABLE TRIGGER medzk_audit_entries_chain`);
      });
    }
    // A trigger function without its pinned search_path (a schema made before the pin) is refused too.
    await withClient(pg.url, async (su) => {
      await su.query(`SET ROLE ${AUDIT_OWNER}`);
      await su.query(`ALTER FUNCTION medzk_audit_chain_check() RESET search_path`);
    });
    const unpinned = await PostgresAuditLog.connect(writerUrl, { verifier: "f".repeat(64) });
    try {
      expect(await rejectionCodeOf(() => unpinned.writable())).toBe("AUDIT_LOG_UNAVAILABLE");
      expect(await rejectionCodeOf(() => unpinned.append(auditInput(1, { verifier: "f".repeat(64) })))).toBe("AUDIT_LOG_UNAVAILABLE");
    } finally {
      await unpinned.close();
      await withClient(pg.url, async (su) => {
        await su.query(`SET ROLE ${AUDIT_OWNER}`);
        await su.query(`ALTER FUNCTION medzk_audit_chain_check() SET search_path = pg_catalog, public, pg_temp`);
      });
    }
    const repinned = await PostgresAuditLog.connect(writerUrl, { verifier: "f".repeat(64) });
    try {
      await repinned.writable();
    } finally {
      await repinned.close();
    }
  });

  it("reports AUDIT_LOG_UNAVAILABLE, not a crash, when the server is gone", async () => {
    const log = await PostgresAuditLog.connect(writerUrl, { verifier: AUDIT_VERIFIER });
    await log.head();
    await pg.stop();
    expect(await rejectionCodeOf(() => log.append(auditInput(0)))).toBe("AUDIT_LOG_UNAVAILABLE");
    expect(await rejectionCodeOf(() => log.head())).toBe("AUDIT_LOG_UNAVAILABLE");
    await log.close();
  });
});
