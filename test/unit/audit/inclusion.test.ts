/**
 * The holder's check of a verifier's audit answer (auditTrail / checkAuditEntries): honest
 * answers verify against the anchored checkpoints; each kind of lie is caught.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { type AuditEntries, auditEntriesFor } from "../../../src/audit/inclusion.js";
import { verifierScope } from "../../../src/core/request.js";
import { createHolder, holderNullifier } from "../../../src/prover/holder.js";
import { auditTrail } from "../../../src/wallet/audit.js";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";
import { rejectionCodeOf } from "../../helpers/errors.js";

const holder = createHolder();
const mine = holderNullifier(BigInt(holder.secret), verifierScope(AUDIT_VERIFIER, "claims")).toString();
let log: FileAuditLog;
let anchor: FileCheckpointAnchor;
let answer: AuditEntries;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "medzk-audit-"));
  log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: AUDIT_VERIFIER });
  anchor = new FileCheckpointAnchor(join(dir, "anchor.jsonl"));
  // 23 entries, the holder's at seqs 2, 9, 10, 17 and 22; checkpoints [0, 6], [7, 19]; 20..22 pending.
  for (let i = 0; i < 23; i++) {
    await log.append(auditInput(i, [2, 9, 10, 17, 22].includes(i) ? { nullifier: mine } : {}));
    if (i === 6 || i === 19) await anchorCheckpoint(log, anchor);
  }
  answer = await auditEntriesFor(log, anchor, mine);
});

const check = (entries: unknown) => auditTrail({ holder, verifier: { publicKey: AUDIT_VERIFIER, purpose: "claims" }, anchor, entries });

describe("auditTrail", () => {
  it("shows the holder's entries, proven against the anchored checkpoints", async () => {
    expect(answer.entries.map((e) => e.entry.seq)).toEqual([2, 9, 10, 17, 22]);
    expect(answer.checkpoints.map((c) => c.index)).toEqual([0, 1]);
    const report = await check(answer);
    expect(report).toMatchObject({ ok: true, nullifier: mine, problems: [] });
    expect(report.items.map((i) => [i.seq, i.status, i.anchored?.index])).toEqual([
      [2, "anchored", 0],
      [9, "anchored", 1],
      [10, "anchored", 1],
      [17, "anchored", 1],
      [22, "pending", undefined],
    ]);
    expect(report.items[0]).toMatchObject({ verifier: AUDIT_VERIFIER, purpose: "claims", preset: "adult", statement: { type: "ageAtLeast", minAge: 18 }, result: "OK" });
  });

  it("fetches from the verifier's endpoint with the holder's nullifier", async () => {
    const asked: string[] = [];
    const fakeFetch = (async (url: URL) => {
      asked.push(url.toString());
      return new Response(JSON.stringify(answer), { status: 200 });
    }) as unknown as typeof fetch;
    const report = await auditTrail({ holder, verifier: { publicKey: AUDIT_VERIFIER, purpose: "claims" }, anchor, url: "https://insurer.example/base", fetch: fakeFetch });
    expect(report.ok).toBe(true);
    expect(asked).toEqual([`https://insurer.example/base/v1/audit/entries?nullifier=${mine}`]);
    const down = (async () => new Response("{}", { status: 503 })) as unknown as typeof fetch;
    expect(await rejectionCodeOf(() => auditTrail({ holder, verifier: { publicKey: AUDIT_VERIFIER, purpose: "claims" }, anchor, url: "https://insurer.example", fetch: down }))).toBe("AUDIT_LOG_UNAVAILABLE");
  });

  it("catches a tampered proof, an edited entry, a withheld proof, a foreign entry and a forged checkpoint", async () => {
    const lie = (change: (a: AuditEntries) => void) => {
      const a = structuredClone(answer);
      change(a);
      return check(a);
    };
    const flipped = await lie((a) => (a.entries[1]!.inclusion!.path[0] = a.entries[1]!.inclusion!.path[0]!.replace(/^./, (c) => (c === "0" ? "1" : "0"))));
    expect(flipped.ok).toBe(false);
    expect(flipped.problems).toEqual(["entry 9's inclusion proof does not verify against anchored checkpoint 1"]);
    expect(flipped.items.map((i) => i.seq)).toEqual([2, 10, 17, 22]);
    const edited = await lie((a) => (a.entries[0]!.entry.result = "INVALID_PROOF"));
    expect(edited.problems).toEqual(["entry 2 does not hash to its chain hash"]);
    const withheld = await lie((a) => (a.entries[2]!.inclusion = null));
    expect(withheld.problems).toEqual(["entry 10 is covered by anchored checkpoint 1 but came without an inclusion proof"]);
    const foreign = await lie((a) => (a.entries[3]!.entry.nullifier = "5"));
    expect(foreign.problems).toEqual(["entry 17 is not this verifier's entry for this nullifier"]);
    const forged = await lie((a) => (a.checkpoints[1]!.root = "00".repeat(32)));
    expect(forged).toMatchObject({ ok: false, items: [], problems: ["the verifier's checkpoint 1 is not the anchored one"] });
    const moved = await lie((a) => (a.entries[1]!.inclusion!.leafIndex += 1));
    expect(moved.ok).toBe(false);
    const garbage = await check({ format: "medzk-audit-entries/v1" });
    expect(garbage.ok).toBe(false);
    expect(garbage.problems[0]).toMatch(/answer/);
  });

  it("refuses caller mistakes", async () => {
    for (const bad of [
      { holder: { secret: "0" }, verifier: { publicKey: AUDIT_VERIFIER }, anchor, entries: answer },
      { holder, verifier: { publicKey: "x" }, anchor, entries: answer },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor: {}, entries: answer },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, url: "ftp://x", entries: answer },
    ]) expect(await rejectionCodeOf(() => auditTrail(bad as never))).toBe("INVALID_ARGUMENT");
  });
});
