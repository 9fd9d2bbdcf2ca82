import { appendFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { anchorCheckpoint, createCheckpointer } from "../../../src/audit/checkpoint.js";
import { auditLogId, canonicalJson, entryHash } from "../../../src/audit/entry.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog, jsonOrText } from "../../../src/audit/file-audit-log.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { codeOf, rejectionCodeOf } from "../../helpers/errors.js";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";

const tempPath = async (name = "audit.jsonl") => join(await mkdtemp(join(tmpdir(), "medzk-audit-")), name);

describe("FileAuditLog", () => {
  it("chains entries from the log id with consecutive seqs, also for concurrent appends", async () => {
    const log = new FileAuditLog(await tempPath(), { verifier: AUDIT_VERIFIER });
    expect(log.logId).toBe(auditLogId(AUDIT_VERIFIER));
    expect(await log.head()).toEqual({ size: 0, hash: log.logId });
    const first = await log.append(auditInput(0));
    expect(first.seq).toBe(0);
    const rest = await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(auditInput(i + 1))));
    expect(rest.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const records = await log.read(0);
    expect(records).toHaveLength(61);
    let prev = log.logId;
    for (const r of records) {
      expect(r.hash).toBe(entryHash(prev, r.entry));
      prev = r.hash;
    }
    expect(await log.head()).toEqual({ size: 61, hash: prev });
    expect((await log.read(10, 12)).map((r) => r.entry.seq)).toEqual([10, 11, 12]);
    expect((await log.byNullifier("1001")).map((r) => r.entry.seq)).toEqual(records.filter((r) => r.entry.nullifier === "1001").map((r) => r.entry.seq));
    await log.close();
  });

  it("two writers on one file (each with its own view) keep one chain", async () => {
    const path = await tempPath();
    const a = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
    const b = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(auditInput(i))));
    const report = verifyAuditLog({ verifier: AUDIT_VERIFIER, records: await a.dump(), checkpoints: [] });
    expect(report).toMatchObject({ ok: true, size: 40 });
  });

  it("cuts off a torn last line (a write that never reached its fsync) and goes on", async () => {
    const path = await tempPath();
    const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
    await log.append(auditInput(0));
    await appendFile(path, '{"entry":{"format":"medzk-audit-en');
    expect(await log.head()).toMatchObject({ size: 1 });
    expect((await log.append(auditInput(1))).seq).toBe(1);
    expect(verifyAuditLog({ verifier: AUDIT_VERIFIER, records: await log.dump(), checkpoints: [] }).ok).toBe(true);
  });

  it("never appends to a broken chain, and notices a truncation", async () => {
    const path = await tempPath();
    const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
    for (let i = 0; i < 3; i++) await log.append(auditInput(i));
    const lines = (await readFile(path, "utf8")).split("\n");
    const edited = JSON.parse(lines[1]!);
    edited.entry.result = "REQUEST_REPLAYED";
    await writeFile(path, [lines[0], canonicalJson(edited), lines[2], ""].join("\n"));
    expect(await rejectionCodeOf(() => new FileAuditLog(path, { verifier: AUDIT_VERIFIER }).append(auditInput(3)))).toBe("AUDIT_LOG_INVALID");
    await writeFile(path, lines[0] + "\n");
    expect(await rejectionCodeOf(() => log.append(auditInput(3)))).toBe("AUDIT_LOG_INVALID");
  });

  it("refuses another verifier's entry and malformed entries", async () => {
    const log = new FileAuditLog(await tempPath(), { verifier: AUDIT_VERIFIER });
    expect(codeOf(() => log.append(auditInput(0, { verifier: "b".repeat(64) })))).toBe("INVALID_ARGUMENT");
    for (const bad of [{ result: "ok" }, { nullifier: "01" }, { time: "2026-06-15" }, { statement: { minAge: 18 } }, { requestId: "x" }]) {
      expect(await rejectionCodeOf(() => log.append(auditInput(0, bad as never)))).toBe("INVALID_ARGUMENT");
    }
    expect(codeOf(() => new FileAuditLog("", { verifier: AUDIT_VERIFIER }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => new FileAuditLog("x", { verifier: "A".repeat(64) }))).toBe("INVALID_ARGUMENT");
    expect(await log.head()).toMatchObject({ size: 0 });
  });
});

describe("checkpoints", () => {
  it("the checkpointer anchors every n entries; the anchor takes only the next checkpoint", async () => {
    const log = new FileAuditLog(await tempPath(), { verifier: AUDIT_VERIFIER });
    const anchor = new FileCheckpointAnchor(await tempPath("anchor.jsonl"));
    const errors: unknown[] = [];
    const checkpointer = createCheckpointer(log, anchor, { every: 4, onError: (e) => errors.push(e) });
    for (let i = 0; i < 10; i++) {
      checkpointer.appended((await log.append(auditInput(i))).seq);
      await checkpointer.flush();
    }
    // flush() anchored whatever was pending after each append: one checkpoint per entry.
    const all = await anchor.checkpoints(log.logId);
    expect(all.map((c) => c.toSeq)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(errors).toEqual([]);
    const first = all[0]!;
    expect(first).toMatchObject({ index: 0, fromSeq: 0, ref: `file:${anchor.path}` });
    expect(await rejectionCodeOf(() => anchor.anchor({ ...first }))).toBe("CHECKPOINT_REJECTED");
    expect(await rejectionCodeOf(() => anchor.anchor({ ...first, index: 10, fromSeq: 11, toSeq: 11 }))).toBe("CHECKPOINT_REJECTED");
    expect(await anchorCheckpoint(log, anchor)).toBeUndefined();
  });

  it("anchors in batches of n without flush", async () => {
    const log = new FileAuditLog(await tempPath(), { verifier: AUDIT_VERIFIER });
    const anchor = new FileCheckpointAnchor(await tempPath("anchor.jsonl"));
    const checkpointer = createCheckpointer(log, anchor, { every: 4 });
    for (let i = 0; i < 9; i++) {
      checkpointer.appended((await log.append(auditInput(i))).seq);
      await checkpointer.idle();
    }
    expect((await anchor.checkpoints(log.logId)).map((c) => [c.fromSeq, c.toSeq])).toEqual([[0, 3], [4, 7]]);
    expect(verifyAuditLog({ verifier: AUDIT_VERIFIER, records: await log.dump(), checkpoints: await anchor.checkpoints(log.logId) }).ok).toBe(true);
  });

  it("with intervalSeconds, anchors a quiet log's pending entries on a timer", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const log = new FileAuditLog(await tempPath(), { verifier: AUDIT_VERIFIER });
      const anchor = new FileCheckpointAnchor(await tempPath("anchor.jsonl"));
      const checkpointer = createCheckpointer(log, anchor, { every: 100, intervalSeconds: 60 });
      for (let i = 0; i < 3; i++) checkpointer.appended((await log.append(auditInput(i))).seq);
      await checkpointer.idle();
      expect(await anchor.checkpoints(log.logId)).toEqual([]);
      vi.advanceTimersByTime(60_000);
      await checkpointer.idle();
      expect((await anchor.checkpoints(log.logId)).map((c) => [c.fromSeq, c.toSeq])).toEqual([[0, 2]]);
      checkpointer.stop();
      await log.append(auditInput(3));
      vi.advanceTimersByTime(120_000);
      await checkpointer.idle();
      expect(await anchor.checkpoints(log.logId)).toHaveLength(1);
      expect(codeOf(() => createCheckpointer(log, anchor, { every: 1, intervalSeconds: 0 }))).toBe("INVALID_ARGUMENT");
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses to anchor a chain edited behind the log's back, and a malformed anchor file", async () => {
    const path = await tempPath();
    const log = new FileAuditLog(path, { verifier: AUDIT_VERIFIER });
    for (let i = 0; i < 3; i++) await log.append(auditInput(i));
    const lines = (await readFile(path, "utf8")).split("\n").slice(0, -1).map((l) => jsonOrText(l) as { entry: { result: string } });
    lines[2]!.entry.result = "REQUEST_REPLAYED";
    await writeFile(path, lines.map((l) => canonicalJson(l) + "\n").join(""));
    const anchorPath = await tempPath("anchor.jsonl");
    expect(await rejectionCodeOf(() => anchorCheckpoint(log, new FileCheckpointAnchor(anchorPath)))).toBe("AUDIT_LOG_INVALID");
    await writeFile(anchorPath, "{}\n");
    expect(await rejectionCodeOf(() => new FileCheckpointAnchor(anchorPath).checkpoints(log.logId))).toBe("ANCHOR_UNAVAILABLE");
  });
});
