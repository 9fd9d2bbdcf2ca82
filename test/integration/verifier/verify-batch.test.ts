/** verifier.verifyBatch: one result per item, exactly what verify would say, with batched pairings. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCurve } from "../../../src/groth16/curve.js";
import { type Presentation, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "../../../src/index.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const verifierKey = generateVerifierKey();
const verifier = () => createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => NOW });
const presentations: Presentation[] = [];

beforeAll(async () => {
  const holder = createHolder();
  const record = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
  const coverage = await issueCredential(issuer, {
    schema: "insurance-coverage/v1",
    holder: holder.commitment,
    attributes: { insurerId: "acme", memberId: "m", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
    now: NOW,
  });
  const v = verifier();
  for (let i = 0; i < 4; i++) {
    presentations.push(await prove({ credential: record, holder, request: v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now: NOW }));
  }
  for (let i = 0; i < 2; i++) {
    presentations.push(await prove({ credential: coverage, holder, request: v.createRequest({ statement: { type: "insuranceActive", insurerId: "acme" } }), now: NOW }));
  }
});

describe("verifyBatch", () => {
  it("accepts a mixed batch of valid presentations of two statements", async () => {
    const results = await verifier().verifyBatch(presentations);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
  });

  it("pins down each bad item with the same code verify gives, and keeps the good ones", async () => {
    const badProof = structuredClone(presentations[1]!);
    badProof.proof = structuredClone(presentations[2]!.proof); // valid points, wrong proof
    const badSignal = structuredClone(presentations[3]!);
    badSignal.publicSignals[5] = "17";
    const items: unknown[] = [presentations[0], badProof, presentations[2], badSignal, null, presentations[4], presentations[0]];
    const results = await verifier().verifyBatch(items);
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "ok", "INVALID_PROOF", "ok", "STATEMENT_MISMATCH", "MALFORMED_PRESENTATION", "ok", "REQUEST_REPLAYED",
    ]);
    // The same codes one at a time.
    for (const [i, item] of items.entries()) {
      if (i === 6) continue; // the duplicate is a replay only within one verifier's store
      const single = await verifier().verify(item);
      expect(single.ok ? "ok" : single.error.code).toBe(results[i]!.ok ? "ok" : (results[i] as { error: { code: string } }).error.code);
    }
  });

  it("spread over worker threads (parallel), gives the same results, incl. a B point outside G2's subgroup", async () => {
    const c = await buildCurve(true);
    // A point of the twist outside the order-r subgroup (a random twist point is in it with probability ~2^-254).
    let offGroup: Uint8Array;
    for (;;) {
      const x = c.F2.random();
      const rhs = c.F2.add(c.F2.mul(c.F2.square(x), x), c.G2.b);
      if (!c.F2.isSquare(rhs)) continue;
      offGroup = new Uint8Array(128);
      offGroup.set(x);
      offGroup.set(c.F2.sqrt(rhs), 64);
      break;
    }
    const [bx, by] = c.G2.toObject(offGroup) as [[bigint, bigint], [bigint, bigint]];
    const badPoint = structuredClone(presentations[2]!);
    badPoint.proof.pi_b = [[String(bx[0]), String(bx[1])], [String(by[0]), String(by[1])], ["1", "0"]];
    const badProof = structuredClone(presentations[1]!);
    badProof.proof = structuredClone(presentations[0]!.proof);
    const items = [presentations[0], badProof, badPoint, presentations[3], presentations[4], presentations[5]];
    const codes = (rs: Awaited<ReturnType<ReturnType<typeof verifier>["verifyBatch"]>>) => rs.map((r) => (r.ok ? "ok" : r.error.code));
    const parallel = createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => NOW, parallel: { minBatch: 2 } });
    const expected = ["ok", "INVALID_PROOF", "INVALID_PROOF", "ok", "ok", "ok"];
    expect(codes(await parallel.verifyBatch(items))).toEqual(expected);
    expect(codes(await verifier().verifyBatch(items))).toEqual(expected);
    expect(await verifier().verify(badPoint)).toMatchObject({ ok: false, error: { code: "INVALID_PROOF" } });
    expect(() => createVerifier({ trustedIssuers: [issuer.publicKey], key: generateVerifierKey(), parallel: { minBatch: 0 } })).toThrow(/parallel/);
  });

  it("a process that verified a batch on worker threads exits by itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "medzk-batch-"));
    const file = join(dir, "batch.json");
    writeFileSync(file, JSON.stringify({ issuer: issuer.publicKey, verifierKey, now: NOW.toISOString(), presentations }));
    const script = new URL("../../scripts/verify-batch-parallel.mjs", import.meta.url);
    const { stdout } = await promisify(execFile)(process.execPath, [script.pathname, file], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ ok: presentations.map(() => true), threads: true });
  });

  it("checks one expected request per item, as verify does, and refuses a list of another length as a caller mistake", async () => {
    const v = verifier();
    const items = [presentations[0], presentations[4], presentations[1]];
    for (const expected of [[], items.map((p) => p!.request).slice(1), [...items.map((p) => p!.request), "1"], "x", [presentations[0]!.request, 5, "1"]]) {
      // @ts-expect-error: wrong types, as plain JavaScript could pass
      await expect(v.verifyBatch(items, { expected })).rejects.toMatchObject({ name: "MedzkError", code: "INVALID_ARGUMENT" });
    }
    // The refusals above consumed nothing: item 0 answers its own request (given whole), item 1
    // its challenge; item 2 is paired with another request's challenge.
    const results = await v.verifyBatch(items, { expected: [presentations[0]!.request, presentations[4]!.request.challenge, presentations[5]!.request.challenge] });
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["ok", "ok", "REQUEST_MISMATCH"]);
    // The mismatched item kept its challenge: it still verifies against its own request.
    expect(await v.verify(presentations[1], { expected: presentations[1]!.request })).toMatchObject({ ok: true });
  });

  it("an empty batch gives no results; a non-array is a caller mistake", async () => {
    expect(await verifier().verifyBatch([])).toEqual([]);
    // @ts-expect-error: not an array, as plain JavaScript could pass
    await expect(verifier().verifyBatch("x")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
