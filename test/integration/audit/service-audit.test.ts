/**
 * The verifier service's audit trail, end to end: two instances sharing one signing key and one
 * file log (and, when PostgreSQL is available, one database) record every verification, accepted
 * or refused, batch items included, in one valid chain; checkpoints are anchored; the patient's
 * wallet answers an audit challenge, reads its entries from POST /v1/audit/entries and checks them
 * against the anchor; the
 * entries and the service's logs hold no attributes, proofs or signals; a broken trail withholds
 * results (503 AUDIT_UNAVAILABLE).
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileCheckpointAnchor } from "../../../src/audit/file-anchor.js";
import { FileAuditLog } from "../../../src/audit/file-audit-log.js";
import { PostgresAuditLog } from "../../../src/audit/postgres-audit-log.js";
import { verifyAuditLog } from "../../../src/audit/verify-log.js";
import { type Presentation, type ProofRequest, auditTrail, generateVerifierKey, prove } from "../../../src/index.js";
import { holderNullifier } from "../../../src/prover/holder.js";
import { createWalletWith } from "../../../src/wallet/wallet.js";
import { requestSignatureValid } from "../../../src/core/request.js";
import { ed25519 } from "@noble/curves/ed25519";
import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { type VerifierService, createVerifierService, parseServiceConfig } from "../../../src/server.js";
import { type World, clone, makeWorld } from "../../helpers/fixtures.js";
import { type TestPostgres, hasPostgres, setUpAuditRoles, startPostgres } from "../../helpers/postgres.js";

const KEY = generateVerifierKey();
const SCOPE = `medzk-verifier:${KEY.publicKey}/claims`;
let world: World;
let dir: string;
const logs: string[] = [];
// One instant for the services, the prover and the wallet: presentations are made in beforeAll and
// verified later, and a run crossing midnight UTC would otherwise refuse them for their as-of date
// (AS_OF_MISMATCH) before the check a test is about (e.g. INVALID_PROOF for a forgery).
const NOW = new Date();
const clock = () => NOW;

async function start(audit: unknown, extra: Record<string, unknown> = {}): Promise<[VerifierService, string]> {
  const config = parseServiceConfig(
    { listen: { host: "127.0.0.1", port: 0 }, purpose: "claims", presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [world.hospital.publicKey], signingKey: { hex: KEY.privateKey }, audit, ...extra },
    { baseDir: dir },
  );
  const service = await createVerifierService(config, { logger: { write: (line: string) => void logs.push(line) }, clock });
  return [service, await service.listen()];
}

const post = (base: string, path: string, body: unknown) => fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  dir = await mkdtemp(join(tmpdir(), "medzk-audit-service-"));
});

describe("service audit trail (file)", () => {
  const AUDIT = { file: "audit.jsonl", anchor: { file: "anchors.jsonl" }, checkpointEvery: 4 };
  let a: VerifierService;
  let b: VerifierService;
  let baseA: string;
  let baseB: string;
  const nullifier = () => holderNullifier(BigInt(world.patient.secret), SCOPE).toString();
  let p1: Presentation;
  let p2: Presentation;

  beforeAll(async () => {
    [a, baseA] = await start(AUDIT);
    [b, baseB] = await start(AUDIT);
    const requestFrom = async (base: string) => ((await (await post(base, "/v1/requests", { preset: "adult" })).json()) as { request: ProofRequest }).request;
    // One proof at a time (snarkjs's curve is shared within the process).
    const made: Presentation[] = [];
    for (const base of [baseA, baseB]) made.push(await prove({ credential: world.record, holder: world.patient, request: await requestFrom(base), clock }));
    [p1, p2] = made as [Presentation, Presentation];
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("two instances record every verification, accepted or refused, in one chain with anchored checkpoints; planted refusals are not filed under the patient", async () => {
    const tampered = clone(p2);
    tampered.proof.pi_a[0] = p1.proof.pi_a[0]!;
    // A third party who saw p1 plants refusals carrying the patient's nullifier: its signals
    // under the third party's own request, and a broken proof on p1's (by then used) request,
    // which must be refused for the proof, not as a replay (the replay check comes last).
    const own = ((await (await post(baseA, "/v1/requests", { preset: "adult" })).json()) as { request: ProofRequest }).request;
    const planted = { ...clone(p1), request: own };
    const replayedForgery = clone(p1);
    replayedForgery.proof.pi_a[0] = p2.proof.pi_a[0]!;
    const first = await Promise.all([
      post(baseA, "/v1/verify", { presentation: p1, expected: p1.request }),
      post(baseB, "/v1/verify-batch", { presentations: [p2, tampered, { format: "nope" }], expected: [p2.request.challenge, tampered.request, "424242"] }),
      post(baseA, "/v1/verify", { presentation: planted, expected: own }),
      // Concurrent refusals on both instances: each an entry, identified by the challenge awaited.
      ...Array.from({ length: 20 }, (_, i) => post(i % 2 ? baseA : baseB, "/v1/verify", { presentation: { format: "nope" }, expected: String(1000 + i) })),
    ]);
    expect(first.map((r) => r.status)).toEqual(Array(first.length).fill(200));
    const replay = await post(baseA, "/v1/verify", { presentation: p1, expected: p1.request });
    expect(((await replay.json()) as { result: { error: { code: string } } }).result.error.code).toBe("REQUEST_REPLAYED");
    const forged = await post(baseB, "/v1/verify", { presentation: replayedForgery, expected: p1.request });
    expect(((await forged.json()) as { result: { error: { code: string } } }).result.error.code).toBe("INVALID_PROOF");
    await Promise.all([a.close(), b.close()]);

    const log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: KEY.publicKey });
    const anchor = new FileCheckpointAnchor(join(dir, "anchors.jsonl"));
    const checkpoints = await anchor.checkpoints(log.logId);
    const report = verifyAuditLog({ verifier: KEY.publicKey, records: await log.dump(), checkpoints });
    // 1 + 3 batch items + 1 planted + 20 refusals + 1 replay + 1 forgery; every one covered by a checkpoint (closing anchors the rest).
    expect(report).toMatchObject({ ok: true, size: 27, covered: 27 });
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    const entries = (await log.read(0)).map((r) => r.entry);
    expect(new Set(entries.filter((e) => e.result === "MALFORMED_PRESENTATION").map((e) => e.requestId))).toEqual(new Set([...Array.from({ length: 20 }, (_, i) => String(1000 + i)), "424242"]));
    const patient = entries.filter((e) => e.nullifier === nullifier());
    // The accepted ones and the replay of p1 (refused after its proof verified); none of the planted refusals.
    expect(patient.map((e) => e.result).sort()).toEqual(["OK", "OK", "REQUEST_REPLAYED"]);
    const refusedUnproven = entries.filter((e) => ["INVALID_PROOF", "CHALLENGE_MISMATCH", "MALFORMED_PRESENTATION"].includes(e.result));
    expect(refusedUnproven.map((e) => e.result).sort()).toEqual([...Array(21).fill("MALFORMED_PRESENTATION"), "CHALLENGE_MISMATCH", "INVALID_PROOF", "INVALID_PROOF"].sort());
    expect(refusedUnproven.every((e) => e.nullifier === null)).toBe(true);
    for (const e of patient) {
      expect(e).toMatchObject({ verifier: KEY.publicKey, purpose: "claims", statement: { type: "ageAtLeast", minAge: 18 } });
      if (e.result === "OK") expect(e.preset).toBe("adult");
    }
    expect(patient.find((e) => e.result === "OK" && e.requestId === p1.request.challenge)).toBeDefined();
    // Nothing of the credential or the proof: no issuer key or revocation root signal (signals 1-3;
    // the nullifier and the challenge are the entry's), no proof, no date of birth.
    const text = await readFile(join(dir, "audit.jsonl"), "utf8");
    for (const s of [...p1.publicSignals.slice(1, 4), p1.proof.pi_a[0]!, "1990-05-17", "dateOfBirth", "pi_a", "publicSignals"]) expect(text).not.toContain(s);
    // The service's logs never name a nullifier.
    expect(logs.join("")).not.toContain(nullifier());
  });

  it("serves a patient their entries only against a proof answering an audit challenge, which the wallet checks against the anchor", async () => {
    const [c, baseC] = await start(AUDIT);
    try {
      const anchor = new FileCheckpointAnchor(join(dir, "anchors.jsonl"));
      // Knowing the nullifier (it is in every presentation) reads nothing: the old query is gone.
      const old = await fetch(`${baseC}/v1/audit/entries?nullifier=${nullifier()}`);
      expect(old.status).toBe(404);
      expect(JSON.stringify(await old.json())).not.toContain('"entries"');
      let answered: { presentation: Presentation; ticket?: string } | undefined;
      const report = await auditTrail({
        holder: world.patient,
        verifier: { publicKey: KEY.publicKey, purpose: "claims" },
        anchor,
        url: baseC,
        preset: "adult",
        // The holder's wallet answers the audit challenge as any request (policy, budget, receipt).
        respond: createWalletWith({ holder: world.patient, credentials: [world.record], trustedVerifiers: [{ publicKey: KEY.publicKey, name: "Insurer" }], clock }, async (o) => (answered = { presentation: await prove(o) }).presentation).respond,
        fetch: (async (url: URL, init: RequestInit) => {
          if (url.pathname.endsWith("/entries")) answered!.ticket = (JSON.parse(String(init.body)) as { ticket: string }).ticket;
          return fetch(url, init);
        }) as typeof fetch,
      });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      // The read is a verification like any other: its own entry (pending) is among those served.
      const own = answered!.presentation.request.challenge;
      expect(report.items.map((i) => i.result).sort()).toEqual(["OK", "OK", "OK", "REQUEST_REPLAYED"]);
      expect(report.items.filter((i) => i.status !== "anchored")).toMatchObject([{ requestId: own, result: "OK", preset: "adult", status: "pending" }]);
      const log = new FileAuditLog(join(dir, "audit.jsonl"), { verifier: KEY.publicKey });
      const before = (await log.head()).size;
      const read = (body: unknown) => post(baseC, "/v1/audit/entries", body);
      const codeOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
      // Each answer reads once; the refused replay is an entry too (its proof verified).
      expect(await codeOf(await read(answered))).toEqual([403, "AUDIT_PROOF_REFUSED"]);
      expect((await log.read(before)).map((r) => [r.entry.result, r.entry.requestId, r.entry.nullifier])).toEqual([["REQUEST_REPLAYED", own, nullifier()]]);
      // An ordinary presentation, or one with another challenge's ticket, answers no audit challenge.
      expect(await codeOf(await read({ presentation: p2, ticket: answered!.ticket }))).toEqual([403, "AUDIT_CHALLENGE_INVALID"]);
      expect(await codeOf(await read({ presentation: p2, ticket: "00".repeat(64) }))).toEqual([403, "AUDIT_CHALLENGE_INVALID"]);
      expect(await codeOf(await read({ presentation: { format: "nope" }, ticket: answered!.ticket }))).toEqual([403, "AUDIT_CHALLENGE_INVALID"]);
      // A third party with a fresh audit challenge and the patient's signals but no proof of its own.
      const challenge = (await (await post(baseC, "/v1/audit/challenges", { preset: "adult" })).json()) as { request: ProofRequest; ticket: string };
      const index = p1.publicSignals.indexOf(p1.request.challenge);
      expect(index).toBeGreaterThan(0);
      const forged = clone(p1);
      forged.request = challenge.request;
      forged.publicSignals[index] = challenge.request.challenge;
      expect(await codeOf(await read({ presentation: forged, ticket: challenge.ticket }))).toEqual([403, "AUDIT_PROOF_REFUSED"]);
      // Recorded, under no nullifier; what answered no audit challenge was no verification.
      expect((await log.read(before)).map((r) => [r.entry.result, r.entry.nullifier])).toEqual([
        ["REQUEST_REPLAYED", nullifier()],
        ["INVALID_PROOF", null],
      ]);
      const malformedTickets = [challenge.ticket.toUpperCase(), challenge.ticket.slice(2), `${challenge.ticket}00`, "zz".repeat(64), 7];
      for (const bad of [{}, { presentation: p2 }, { ticket: challenge.ticket }, { presentation: p2, ticket: challenge.ticket, nullifier: nullifier() }, ...malformedTickets.map((ticket) => ({ presentation: p2, ticket }))]) {
        expect((await read(bad)).status).toBe(400);
      }
      expect(await codeOf(await post(baseC, "/v1/audit/challenges", { preset: "nope" }))).toEqual([400, "UNKNOWN_PRESET"]);
      // Like every POST route: JSON only, as the published document says.
      for (const path of ["/v1/audit/challenges", "/v1/audit/entries"]) {
        const plain = await fetch(baseC + path, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
        expect([path, plain.status]).toEqual([path, 415]);
      }
      const doc = (await (await fetch(`${baseC}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(Object.keys(doc.paths["/v1/audit/entries"]!)).toEqual(["post"]);
      expect(doc.paths).toHaveProperty("/v1/audit/challenges");
      for (const path of ["/v1/audit/challenges", "/v1/audit/entries"]) {
        expect(Object.keys((doc.paths[path]!["post"] as { responses: object }).responses)).toEqual(expect.arrayContaining(["413", "415"]));
      }
    } finally {
      await c.close();
    }
  });

  it("withholds results (503 AUDIT_UNAVAILABLE) when the trail cannot be written", async () => {
    const path = join(dir, "audit.jsonl");
    const lines = (await readFile(path, "utf8")).split("\n");
    const edited = JSON.parse(lines[3]!);
    edited.entry.result = "OK";
    lines[3] = JSON.stringify(edited);
    await writeFile(path, lines.join("\n"));
    const [c, baseC] = await start(AUDIT);
    try {
      const res = await post(baseC, "/v1/verify", { presentation: { format: "nope" }, expected: "1" });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: { code: "AUDIT_UNAVAILABLE", message: expect.any(String) } });
      const batch = await post(baseC, "/v1/verify-batch", { presentations: [{ format: "nope" }], expected: ["1"] });
      expect(batch.status).toBe(503);
    } finally {
      await c.close();
    }
  });

  it("gives an audit challenge in both issuer modes: the preset's signed request, its issuer set when hidden, and a ticket for its challenge", async () => {
    for (const hideIssuer of [false, true]) {
      const [c, baseC] = await start({ file: "audit.jsonl" }, { hideIssuer });
      try {
        const res = await post(baseC, "/v1/audit/challenges", { preset: "adult" });
        expect(res.status).toBe(201);
        const body = (await res.json()) as { request: ProofRequest; ticket: string; issuerSet?: { root: string } };
        expect(Object.keys(body).sort()).toEqual(hideIssuer ? ["issuerSet", "request", "ticket"] : ["request", "ticket"]);
        expect(requestSignatureValid(body.request)).toBe(true);
        expect(body.request).toMatchObject({ verifier: KEY.publicKey, purpose: "claims", statement: { type: "ageAtLeast", minAge: 18 } });
        expect(body.request.issuerSet).toBe(body.issuerSet?.root);
        const signed = (challenge: string) => ed25519.verify(hexToBytes(body.ticket), utf8ToBytes(`medzk-audit-challenge/v1\0${challenge}`), hexToBytes(KEY.publicKey));
        expect(signed(body.request.challenge)).toBe(true);
        expect(signed(p1.request.challenge)).toBe(false);
      } finally {
        await c.close();
      }
    }
  });

  it("/readyz says the audit log is unavailable without its path or errno, which go to the logs", async () => {
    await mkdir(join(dir, "not-a-file.jsonl"));
    const [c, baseC] = await start({ file: "not-a-file.jsonl" });
    try {
      logs.length = 0;
      const res = await fetch(`${baseC}/readyz`);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ ready: false, checks: { keys: "ok", audit: "audit log unavailable" } });
      for (const leak of [dir, "not-a-file", "EISDIR", "cannot read"]) expect(text).not.toContain(leak);
      await fetch(`${baseC}/readyz`);
      const logged = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l["msg"] === "audit log not usable");
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ audit: "down", err: { code: "AUDIT_LOG_UNAVAILABLE", message: expect.stringContaining("EISDIR") } });
    } finally {
      await c.close();
    }
  });
});

const postgres = hasPostgres("the service audit trail on PostgreSQL");
describe.skipIf(!postgres)("service audit trail (PostgreSQL, two instances)", () => {
  let pg: TestPostgres;
  let writerUrl: string;
  beforeAll(async () => {
    pg = await startPostgres();
    writerUrl = await setUpAuditRoles(pg);
  });
  afterAll(async () => {
    await pg?.stop();
  });

  it("is not ready, and withholds results, when connected as a role that could rewrite the log", async () => {
    const [c, baseC] = await start({ postgres: { url: pg.url } });
    try {
      const text = await (await fetch(`${baseC}/readyz`)).text();
      expect(JSON.parse(text)).toEqual({ ready: false, checks: { keys: "ok", audit: "audit log unavailable" } });
      expect(text).not.toContain("postgres");
      expect((await post(baseC, "/v1/verify", { presentation: { format: "nope" }, expected: "1" })).status).toBe(503);
    } finally {
      await c.close();
    }
  });

  it("two instances appending concurrently keep one order and a valid chain", async () => {
    const audit = { postgres: { url: writerUrl }, anchor: { file: "pg-anchors.jsonl" }, checkpointEvery: 8 };
    const [[a, baseA], [b, baseB]] = await Promise.all([start(audit), start(audit)]);
    try {
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          i % 3 === 0
            ? post(i % 2 ? baseA : baseB, "/v1/verify-batch", { presentations: [{ format: "nope" }, { format: "nope" }], expected: [String(5000 + i), String(6000 + i)] })
            : post(i % 2 ? baseA : baseB, "/v1/verify", { presentation: { format: "nope" }, expected: String(5000 + i) }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(60).fill(200));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const log = await PostgresAuditLog.connect(writerUrl, { verifier: KEY.publicKey });
    try {
      const anchor = new FileCheckpointAnchor(join(dir, "pg-anchors.jsonl"));
      const report = verifyAuditLog({ verifier: KEY.publicKey, records: await log.dump(), checkpoints: await anchor.checkpoints(log.logId) });
      expect(report).toMatchObject({ ok: true, size: 80, covered: 80 });
      const ids = (await log.read(0)).map((r) => r.entry.requestId);
      expect(new Set(ids).size).toBe(80);
      // A batch's items are consecutive: one group commit, one transaction.
      for (let i = 0; i < 60; i += 3) expect(ids.indexOf(String(6000 + i)) - ids.indexOf(String(5000 + i))).toBe(1);
    } finally {
      await log.close();
    }
  });
});
