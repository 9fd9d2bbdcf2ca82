/**
 * The holder's check of a verifier's audit answer (auditTrail / checkAuditEntries): honest
 * answers verify against the anchored checkpoints; each kind of lie is caught; refusals that did
 * not prove the nullifier are neither served nor shown; the wallet's side of the audit challenge
 * (the request checked before answering, answered through the wallet's policy, budget and
 * consent, the ticket sent back) over a fake fetch.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { anchorCheckpoint } from "../../../src/audit/checkpoint.js";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { type AuditEntries, auditEntriesFor } from "../../../src/audit/inclusion.js";
import { auditLogId } from "../../../src/audit/entry.js";
import { inclusionPath } from "../../../src/audit/merkle.js";
import { verifierScope } from "../../../src/core/request.js";
import type { Presentation } from "../../../src/core/presentation.js";
import type { ProofRequest } from "../../../src/core/request.js";
import type { Statement } from "../../../src/core/statement.js";
import { createVerifier, generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { createWalletWith } from "../../../src/wallet/wallet.js";
import { makeWorld } from "../../helpers/fixtures.js";
import { createHolder, holderNullifier } from "../../../src/prover/holder.js";
import { auditTrail } from "../../../src/wallet/audit.js";
import { AUDIT_VERIFIER, auditInput } from "../../helpers/audit.js";
import { rejectionCodeOf } from "../../helpers/errors.js";

const holder = createHolder();
const ISSUER = generateIssuerKey().publicKey;
const mine = holderNullifier(BigInt(holder.secret), verifierScope(AUDIT_VERIFIER, "claims")).toString();
let log: FileAuditLog;
let anchor: FileCheckpointAnchor;
let answer: AuditEntries;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "medzk-audit-"));
  log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: AUDIT_VERIFIER });
  anchor = new FileCheckpointAnchor(join(dir, "anchor.jsonl"));
  // 23 entries, the holder's at seqs 2, 9 (a replay: refused after the proof), 10, 17 and 22;
  // at 4 an INVALID_PROOF refusal that claimed the holder's nullifier (as logs written before
  // refusals stopped recording claimed nullifiers hold); checkpoints [0, 6], [7, 19]; 20..22 pending.
  for (let i = 0; i < 23; i++) {
    await log.append(auditInput(i, [2, 4, 9, 10, 17, 22].includes(i) ? { nullifier: mine, ...(i === 9 ? { result: "REQUEST_REPLAYED" } : {}) } : {}));
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

  it("leaves out a refusal that did not prove the nullifier, served or not", async () => {
    expect(answer.entries.map((e) => e.entry.seq)).not.toContain(4);
    const planted = (await log.read(4, 4))[0]!;
    const hashes = (await log.read(0, 6)).map((r) => r.hash);
    const served = structuredClone(answer);
    served.entries.splice(1, 0, { entry: planted.entry, prevHash: (await log.read(3, 3))[0]!.hash, hash: planted.hash, inclusion: { checkpoint: 0, leafIndex: 4, treeSize: 7, path: inclusionPath(hashes, 4) } });
    const report = await check(served);
    expect(report.problems).toEqual(["entry 4 is a refusal that did not prove this nullifier"]);
    expect(report.items.map((i) => i.seq)).toEqual([2, 9, 10, 17, 22]);
  });

  it("asks for an audit challenge, checks it, proves it and sends it back with its ticket", async () => {
    const key = generateVerifierKey();
    const verifier = createVerifier({ key, purpose: "claims", trustedIssuers: [ISSUER] });
    const request = verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    const ticket = "ab".repeat(64);
    const theirs = holderNullifier(BigInt(holder.secret), verifierScope(key.publicKey, "claims")).toString();
    const empty = { format: "medzk-audit-entries/v1", logId: auditLogId(key.publicKey), nullifier: theirs, entries: [], checkpoints: [] };
    const calls: Array<[string, string, unknown]> = [];
    const proven: unknown[] = [];
    const fakeFetch = (challenge: unknown) =>
      (async (url: URL, init: RequestInit) => {
        calls.push([url.toString(), init.method!, JSON.parse(String(init.body))]);
        return new Response(JSON.stringify(url.pathname.endsWith("/challenges") ? challenge : empty), { status: url.pathname.endsWith("/challenges") ? 201 : 200 });
      }) as unknown as typeof fetch;
    const respond = async (o: unknown) => {
      proven.push(o);
      return { a: "presentation" } as never;
    };
    const options = { holder, verifier: { publicKey: key.publicKey, purpose: "claims" }, anchor, url: "https://insurer.example/base", preset: "adult", respond };
    const report = await auditTrail({ ...options, fetch: fakeFetch({ request, ticket }) });
    expect(report).toMatchObject({ ok: true, nullifier: theirs, items: [] });
    expect(calls).toEqual([
      ["https://insurer.example/base/v1/audit/challenges", "POST", { preset: "adult" }],
      ["https://insurer.example/base/v1/audit/entries", "POST", { presentation: { a: "presentation" }, ticket }],
    ]);
    expect(proven).toEqual([request]);
    // A challenge that is not this verifier's own request in this scope is refused before proving.
    const other = createVerifier({ key: generateVerifierKey(), purpose: "claims", trustedIssuers: [ISSUER] }).createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    const otherPurpose = createVerifier({ key, purpose: "marketing", trustedIssuers: [ISSUER] }).createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    for (const challenge of [
      { request: other, ticket },
      { request: otherPurpose, ticket },
      { request: { ...request, statement: { type: "ageAtLeast", minAge: 0 } }, ticket },
      { request },
      { request, ticket, extra: 1 },
      "nope",
    ]) {
      expect(await rejectionCodeOf(() => auditTrail({ ...options, fetch: fakeFetch(challenge) }))).toBe("INVALID_REQUEST");
    }
    expect(proven).toHaveLength(1);
    const refused = (async () => new Response(JSON.stringify({ error: { code: "AUDIT_PROOF_REFUSED", message: "m" } }), { status: 403 })) as unknown as typeof fetch;
    const error = await auditTrail({ ...options, fetch: refused }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: "AUDIT_LOG_UNAVAILABLE", message: expect.stringContaining("403 AUDIT_PROOF_REFUSED") });
    const down = (async () => new Response("{}", { status: 503 })) as unknown as typeof fetch;
    expect(await rejectionCodeOf(() => auditTrail({ ...options, fetch: down }))).toBe("AUDIT_LOG_UNAVAILABLE");
  });

  it("answers an audit challenge only as the holder's wallet answers any request: policy, probing budget, consent, receipt", async () => {
    // The verifier chooses the challenge's statement (a preset is a name it maps): proving it
    // outside the wallet let it ask, as an "audit", what the wallet refuses or counts.
    const world = await makeWorld("1990-05-17");
    const key = generateVerifierKey();
    const verifier = createVerifier({ key, purpose: "claims", trustedIssuers: [world.hospital.publicKey] });
    const theirs = holderNullifier(BigInt(world.patient.secret), verifierScope(key.publicKey, "claims")).toString();
    const empty = { format: "medzk-audit-entries/v1", logId: auditLogId(key.publicKey), nullifier: theirs, entries: [], checkpoints: [] };
    const proven: ProofRequest[] = [];
    const asked: string[] = [];
    const wallet = createWalletWith(
      {
        holder: world.patient,
        credentials: [world.record],
        trustedVerifiers: [{ publicKey: key.publicKey, name: "Insurer" }],
        policy: { probing: { maxDistinct: 1 } },
        consent: (q) => (asked.push(JSON.stringify(q.statement)), true),
      },
      async (o) => (proven.push(o.request as ProofRequest), { format: "medzk-presentation/v2", request: o.request, proof: {}, publicSignals: [theirs] }) as unknown as Presentation,
    );
    const serving = (statement: Statement) =>
      (async (url: URL) => {
        if (url.pathname.endsWith("/challenges")) return new Response(JSON.stringify({ request: verifier.createRequest({ statement }), ticket: "ab".repeat(64) }), { status: 201 });
        return new Response(JSON.stringify(empty), { status: 200 });
      }) as unknown as typeof fetch;
    const trail = (statement: Statement) =>
      auditTrail({ holder: world.patient, verifier: { publicKey: key.publicKey, purpose: "claims" }, anchor, url: "https://insurer.example", preset: "adult", respond: wallet.respond, fetch: serving(statement) });
    expect(await trail({ type: "ageAtLeast", minAge: 18 })).toMatchObject({ ok: true, items: [] });
    // A disclosure the policy does not allow, and a second distinct question past a budget of one.
    const disclose: Statement = { type: "query", schema: "patient-record/v1", where: [{ attribute: "dateOfBirth", op: "LTE", value: "2010-01-01" }], disclose: ["dateOfBirth"] };
    expect(await rejectionCodeOf(() => trail(disclose))).toBe("REQUEST_NOT_ALLOWED");
    expect(await rejectionCodeOf(() => trail({ type: "ageAtLeast", minAge: 65 }))).toBe("PROBING_LIMIT");
    expect(proven.map((r) => r.statement)).toEqual([{ type: "ageAtLeast", minAge: 18 }]);
    expect(asked).toEqual([JSON.stringify({ type: "ageAtLeast", minAge: 18 })]);
    expect((await wallet.receipts()).map((r) => [r.outcome, r.code ?? null, r.challenge !== undefined])).toEqual([
      ["shown", null, true],
      ["refused", "REQUEST_NOT_ALLOWED", true],
      ["refused", "PROBING_LIMIT", true],
    ]);
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
    const edited = await lie((a) => (a.entries[0]!.entry.result = "REQUEST_REPLAYED"));
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
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, url: "ftp://x", preset: "adult", respond: async () => ({}) },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, url: "https://x", respond: async () => ({}) },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, url: "https://x", preset: "adult" },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, url: "https://x", preset: "adult", respond: async () => ({}), prove: async () => ({}) },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, entries: answer, preset: "adult" },
      { holder, verifier: { publicKey: AUDIT_VERIFIER }, anchor, entries: answer, respond: async () => ({}) },
    ]) expect(await rejectionCodeOf(() => auditTrail(bad as never))).toBe("INVALID_ARGUMENT");
  });
});
