/**
 * PostgresAuditLog against a real PostgreSQL (test/helpers/postgres.ts starts one from Debian's
 * packages; CI installs them): two clients (as two service instances would) appending
 * concurrently keep one total order and a valid chain; the entries table is append-only; a
 * stopped server is AUDIT_LOG_UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { PostgresAuditLog } from "../../../src/audit/postgres-audit-log.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";
import { rejectionCodeOf } from "../../helpers/errors.js";
import { type TestPostgres, hasPostgres, startPostgres } from "../../helpers/postgres.js";

const available = hasPostgres("the PostgreSQL audit log tests");
let pg: TestPostgres;

beforeAll(async () => {
  if (available) pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

describe.skipIf(!available)("PostgresAuditLog", () => {
  it("two instances appending concurrently keep one order and one valid chain", async () => {
    const [a, b] = await Promise.all([PostgresAuditLog.connect(pg.url, { verifier: AUDIT_VERIFIER }), PostgresAuditLog.connect(pg.url, { verifier: AUDIT_VERIFIER })]);
    try {
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
    const other = await PostgresAuditLog.connect(pg.url, { verifier: "c".repeat(64) });
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

  it("reports AUDIT_LOG_UNAVAILABLE, not a crash, when the server is gone", async () => {
    const log = await PostgresAuditLog.connect(pg.url, { verifier: AUDIT_VERIFIER });
    await log.head();
    await pg.stop();
    expect(await rejectionCodeOf(() => log.append(auditInput(0)))).toBe("AUDIT_LOG_UNAVAILABLE");
    expect(await rejectionCodeOf(() => log.head())).toBe("AUDIT_LOG_UNAVAILABLE");
    await log.close();
  });
});
