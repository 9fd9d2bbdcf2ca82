/**
 * verifyAuditLog on a real file log with two anchored checkpoints ([0, 3] and [4, 7]) and two
 * unanchored entries (8, 9): each kind of tampering is reported with the first bad seq.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { AnchoredCheckpoint } from "../../../src/audit/anchor.js";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { type AuditRecord, canonicalJson, entryHash } from "../../../src/audit/entry.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog, jsonOrText } from "../../../src/audit/file-audit-log.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";

let lines: string[];
let checkpoints: AnchoredCheckpoint[];
let logId: string;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), "medzk-audit-"));
  const log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: AUDIT_VERIFIER });
  const anchor = new FileCheckpointAnchor(join(dir, "anchor.jsonl"));
  for (let i = 0; i < 10; i++) {
    await log.append(auditInput(i));
    if (i === 3 || i === 7) await anchorCheckpoint(log, anchor);
  }
  logId = log.logId;
  lines = (await readFile(log.path, "utf8")).split("\n").slice(0, -1);
  checkpoints = await anchor.checkpoints(log.logId);
});

const verify = (l: string[], c: unknown[] = checkpoints, knownHead?: { size: number; hash: string }) =>
  verifyAuditLog({ verifier: AUDIT_VERIFIER, records: l.map(jsonOrText), checkpoints: c, ...(knownHead ? { knownHead } : {}) });
const record = (line: string) => JSON.parse(line) as AuditRecord;

/** Rewrites entry `seq` with `change` and recomputes every hash from there on, as a careful forger would. */
function rewrite(l: string[], seq: number, change: (r: AuditRecord) => void): string[] {
  const records = l.map(record);
  change(records[seq]!);
  for (let i = seq; i < records.length; i++) records[i]!.hash = entryHash(i === 0 ? logId : records[i - 1]!.hash, records[i]!.entry);
  return records.map((r) => canonicalJson(r));
}

describe("verifyAuditLog", () => {
  it("accepts the intact log", () => {
    const report = verify(lines);
    expect(report).toMatchObject({ ok: true, size: 10, checkpoints: 2, covered: 8, problems: [] });
    expect(report.firstBadSeq).toBeUndefined();
    expect(checkpoints.map((c) => [c.index, c.fromSeq, c.toSeq])).toEqual([[0, 0, 3], [1, 4, 7]]);
  });

  it("reports an edited entry (hash left as it was)", () => {
    const l = [...lines];
    const r = record(l[5]!);
    r.entry.result = "OK";
    r.entry.nullifier = "1";
    l[5] = canonicalJson(r);
    const report = verify(l);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(5);
    expect(report.problems.map((p) => p.kind)).toEqual(["edited"]);
  });

  it("reports an edited entry whose hashes were all recomputed, through the anchored checkpoint", () => {
    const report = verify(rewrite(lines, 5, (r) => void (r.entry.result = "REQUEST_REPLAYED")));
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([["checkpoint-mismatch", 4]]);
    expect(report.firstBadSeq).toBe(4);
  });

  it("reports a deleted entry", () => {
    const report = verify([...lines.slice(0, 5), ...lines.slice(6)]);
    expect(report.firstBadSeq).toBe(5);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([["deleted", 5], ["checkpoint-mismatch", 5]]);
  });

  it("reports a deleted entry whose successors were renumbered and rehashed", () => {
    const records = [...lines.slice(0, 5), ...lines.slice(6)].map(record);
    records.forEach((r, i) => (r.entry.seq = i));
    for (let i = 5; i < records.length; i++) records[i]!.hash = entryHash(records[i - 1]!.hash, records[i]!.entry);
    const report = verify(records.map((r) => canonicalJson(r)));
    expect(report.firstBadSeq).toBe(4);
    expect(report.problems.map((p) => p.kind)).toEqual(["checkpoint-mismatch"]);
  });

  it("reports an inserted entry", () => {
    const report = verify([...lines.slice(0, 6), lines[2]!, ...lines.slice(6)]);
    expect(report.problems[0]).toMatchObject({ kind: "inserted", seq: 6 });
    expect(report.firstBadSeq).toBe(6);
  });

  it("reports reordered entries", () => {
    const report = verify([...lines.slice(0, 5), lines[6]!, lines[5]!, ...lines.slice(7)]);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([["reordered", 5]]);
  });

  it("reports a log truncated below an anchored checkpoint", () => {
    const report = verify(lines.slice(0, 6));
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([["truncated", 6]]);
  });

  it("reports a truncation after the last checkpoint only against a known head", () => {
    expect(verify(lines.slice(0, 9)).ok).toBe(true);
    const head = { size: 10, hash: record(lines[9]!).hash };
    expect(verify(lines, checkpoints, head).ok).toBe(true);
    expect(verify(lines.slice(0, 9), checkpoints, head).problems.map((p) => [p.kind, p.seq])).toEqual([["truncated", 9]]);
  });

  it("reports a checkpoint that disagrees with the chain", () => {
    const forged = checkpoints.map((c) => (c.index === 1 ? { ...c, root: "00".repeat(32) } : c));
    expect(verify(lines, forged).problems.map((p) => [p.kind, p.seq])).toEqual([["checkpoint-mismatch", 4]]);
    const gap = [checkpoints[0]!, { ...checkpoints[1]!, fromSeq: 5 }];
    expect(verify(lines, gap).problems.map((p) => p.kind)).toEqual(["checkpoint-invalid"]);
  });

  it("reports malformed and foreign records", () => {
    const l = [...lines];
    l[2] = "{not json";
    const r = record(l[7]!);
    r.entry.verifier = "b".repeat(64);
    l[7] = canonicalJson(r);
    const report = verify(l);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual(
      expect.arrayContaining([["malformed", 2], ["foreign", 7]]),
    );
    expect(report.firstBadSeq).toBe(2);
  });

  it("an empty log is intact, and one with checkpoints beyond it truncated", () => {
    expect(verify([], [])).toMatchObject({ ok: true, size: 0, head: logId });
    expect(verify([]).problems[0]).toMatchObject({ kind: "truncated", seq: 0 });
  });
});

it("the file log stores canonical lines", () => {
  for (const line of lines) expect(canonicalJson(JSON.parse(line))).toBe(line);
});
