/**
 * The SQL an operator runs for the PostgreSQL audit log (postgresAuditSchema): docs/audit.md
 * carries exactly its output, and only a plain role name is written into it. What the SQL
 * enforces is tested against a real server in test/integration/audit/postgres-audit-log.test.ts.
 */
import { readFile } from "node:fs/promises";
import { expect, it } from "vitest";
import { postgresAuditSchema } from "../../../src/audit/postgres-audit-log.js";
import { codeOf } from "../../helpers/errors.js";

it("docs/audit.md shows the schema postgresAuditSchema returns", async () => {
  const doc = await readFile(new URL("../../../docs/audit.md", import.meta.url), "utf8");
  const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toContain(postgresAuditSchema("medzk_audit_writer"));
});

it("grants to a plain role name only", () => {
  expect(postgresAuditSchema("svc_1")).toContain("GRANT SELECT, INSERT ON medzk_audit_entries TO svc_1;");
  for (const bad of ["", "Writer", "w; DROP TABLE x", "1w", "a".repeat(64), 7]) expect(codeOf(() => postgresAuditSchema(bad as string))).toBe("INVALID_ARGUMENT");
});
