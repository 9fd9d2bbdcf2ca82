/** verifier.verifyBatch: one result per item, exactly what verify would say, with batched pairings. */
import { beforeAll, describe, expect, it } from "vitest";
import { type Presentation, createHolder, createVerifier, generateIssuerKey, issueCredential, prove } from "../src/index.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const requestKey = "44".repeat(32);
const verifier = () => createVerifier({ trustedIssuers: [issuer.publicKey], scope: "batch", clock: () => NOW, requestKey });
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

  it("an empty batch gives no results; a non-array is a caller mistake", async () => {
    expect(await verifier().verifyBatch([])).toEqual([]);
    await expect(verifier().verifyBatch("x" as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
