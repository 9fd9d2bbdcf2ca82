/**
 * checkProof / checkProofs, the one safe call: every refusal has its reason, and a proof with the
 * point at infinity (or any non-canonical encoding) is MALFORMED_PROOF before any curve work, in
 * single and batch checks. Uses the pinned age_at_least key and hand-built points (no proving).
 */
import { bn254 } from "@noble/curves/bn254";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { verificationKey } from "../../../src/artifacts/manifest.js";
import { BASE_FIELD_ORDER, FIELD_ORDER } from "../../../src/core/field.js";
import { verifierCurve } from "../../../src/groth16/curve.js";
import { type PreparedKey, prepareKey } from "../../../src/groth16/prepared-key.js";
import { parseProof } from "../../../src/groth16/proof.js";
import { checkProof, checkProofs } from "../../../src/groth16/verify.js";
import { wellFormedProof } from "./proof-json.js";

let key: PreparedKey;
let signals: bigint[];
beforeAll(async () => {
  key = await prepareKey(verificationKey("age_at_least"));
  signals = Array.from({ length: key.nPublic }, (_, i) => BigInt(i + 1));
});

const infinityEncodings = {
  a: [["0", "0", "1"], ["0", "1", "0"], ["5", "7", "0"]],
  b: [[["0", "0"], ["0", "0"], ["1", "0"]], [["0", "0"], ["1", "0"], ["0", "0"]]],
};
/** Every proof whose A, B or C is the point at infinity, or a point written with z ≠ 1. */
function nonCanonicalProofs(): unknown[] {
  const out: unknown[] = [];
  for (const point of infinityEncodings.a) {
    out.push({ ...wellFormedProof(), pi_a: point }, { ...wellFormedProof(), pi_c: point });
  }
  for (const point of infinityEncodings.b) out.push({ ...wellFormedProof(), pi_b: point });
  const p = wellFormedProof();
  const double = (v: string) => ((2n * BigInt(v)) % BASE_FIELD_ORDER).toString();
  out.push({ ...p, pi_a: [double(p.pi_a[0]), double(p.pi_a[1]), "2"] });
  out.push({ ...p, nullifier: "1" });
  return out;
}

/** Counts the curve's synchronous wasm operations and worker tasks: a Miller loop needs one of them. */
async function curveWork<T>(run: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const c = await verifierCurve();
  const sync = vi.spyOn(c.tm, "startSyncOp");
  const tasks = vi.spyOn(c.tm, "queueAction");
  try {
    const result = await run();
    return { result, calls: sync.mock.calls.length + tasks.mock.calls.length };
  } finally {
    sync.mockRestore();
    tasks.mockRestore();
  }
}

describe("checkProof", () => {
  it("refuses the point at infinity and non-canonical encodings of A, B, C as MALFORMED_PROOF, with no curve work", async () => {
    for (const proof of nonCanonicalProofs()) {
      const { result, calls } = await curveWork(() => checkProof(key, signals, proof));
      expect(result).toMatchObject({ ok: false, reason: "MALFORMED_PROOF" });
      expect(calls).toBe(0);
    }
  });

  it("refuses points off the curve and B outside G2's subgroup as INVALID_PROOF before the pairing", async () => {
    const offCurve = wellFormedProof();
    offCurve.pi_a[1] = ((BigInt(offCurve.pi_a[1]) + 1n) % BASE_FIELD_ORDER).toString();
    const Fp2 = bn254.fields.Fp2;
    const x = Fp2.fromBigTuple([2n, 1n]);
    const y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), bn254.G2.CURVE.b));
    const outside = { ...wellFormedProof(), pi_b: [[x.c0, x.c1], [y.c0, y.c1], [1n, 0n]].map((pair) => pair.map(String)) };
    for (const proof of [offCurve, outside]) {
      const { result, calls } = await curveWork(() => checkProof(key, signals, proof));
      expect(result).toEqual({ ok: false, reason: "INVALID_PROOF", message: "a proof point is not a valid curve point" });
      // The subgroup test is one task; no pairing (a sync operation) follows it.
      expect(calls).toBeLessThanOrEqual(1);
    }
  });

  it("refuses a well-formed proof that fails the pairing equation, from JSON or parsed", async () => {
    const failing = { ok: false, reason: "INVALID_PROOF", message: "the proof does not verify" };
    expect(await checkProof(key, signals, wellFormedProof())).toEqual(failing);
    expect(await checkProof(key, signals, parseProof(wellFormedProof()))).toEqual(failing);
  });

  it("throws INVALID_ARGUMENT for signals the caller should have checked", async () => {
    for (const bad of [signals.slice(1), [...signals, 0n], signals.map((s, i) => (i === 0 ? FIELD_ORDER : s)), signals.map((s, i) => (i === 0 ? -1n : s))]) {
      await expect(checkProof(key, bad, wellFormedProof())).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
  });
});

describe("checkProofs", () => {
  it("refuses every non-canonical proof in a batch as MALFORMED_PROOF, before any curve work", async () => {
    const proofs = nonCanonicalProofs();
    const { result, calls } = await curveWork(() => checkProofs(key, proofs.map((proof) => ({ signals, proof }))));
    expect(result.map((r) => !r.ok && r.reason)).toEqual(proofs.map(() => "MALFORMED_PROOF"));
    expect(calls).toBe(0);
    expect(await checkProofs(key, [])).toEqual([]);
  });

  it("gives each item its own reason; only well-formed points reach the batch equation", async () => {
    const weights: number[] = [];
    const randomBytes = (n: number) => {
      weights.push(n);
      return crypto.getRandomValues(new Uint8Array(n));
    };
    const items = [wellFormedProof(), { ...wellFormedProof(), pi_a: ["0", "0", "1"] }, wellFormedProof(), { ...wellFormedProof(), pi_b: infinityEncodings.b[0] }];
    const result = await checkProofs(key, items.map((proof) => ({ signals, proof })), { randomBytes });
    expect(result.map((r) => !r.ok && r.reason)).toEqual(["INVALID_PROOF", "MALFORMED_PROOF", "INVALID_PROOF", "MALFORMED_PROOF"]);
    // One 16-byte weight per item of the first batch equation: the two well-formed items only.
    expect(weights[0]).toBe(2 * 16);
  });
});
