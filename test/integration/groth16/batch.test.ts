/**
 * Batch Groth16 verification: agreement with single verification, bisection to the exact bad
 * items, the cancellation attack that random weights defeat, injectable randomness, and timing.
 * Eight real ageAtLeast proofs are generated once and reused (repeated for larger batches).
 */
import { bn254 } from "@noble/curves/bn254";
import { sha256 } from "@noble/hashes/sha2";
import { beforeAll, describe, expect, it } from "vitest";
import { verificationKey } from "../../../src/artifacts/manifest.js";
import { FIELD_ORDER } from "../../../src/core/field.js";
import { type BatchItem, batchPairingCheck } from "../../../src/groth16/batch.js";
import { pairingCheck } from "../../../src/groth16/pairing.js";
import { type PreparedKey, prepareKey } from "../../../src/groth16/prepared-key.js";
import { parseProof } from "../../../src/groth16/proof.js";
import type { Groth16Proof } from "../../../src/core/groth16-proof.js";
import { checkProof, checkProofs } from "../../../src/groth16/verify.js";
import { threadedCurve, verifierCurve } from "../../../src/groth16/curve.js";
import { createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "../../../src/index.js";

const NOW = "2026-06-15T12:00:00Z";
const AGE = { type: "ageAtLeast", minAge: 18 } as const;
const N_PROOFS = 8;

let key: PreparedKey;
let valid: BatchItem[];
/** The same proofs as received: JSON with their signals. */
let wire: Array<{ signals: bigint[]; proof: Groth16Proof }>;

beforeAll(async () => {
  const hospital = generateIssuerKey();
  const patient = createHolder();
  const record = await issueCredential(hospital, {
    schema: "patient-record/v1",
    holder: patient.commitment,
    attributes: { dateOfBirth: "1990-01-01" },
    now: new Date("2026-06-15T00:00:00Z"),
  });
  const verifier = createVerifier({ trustedIssuers: [hospital.publicKey], key: generateVerifierKey(), clock: () => new Date(NOW) });
  key = await prepareKey(verificationKey("age_at_least"));
  valid = [];
  wire = [];
  for (let i = 0; i < N_PROOFS; i++) {
    const request = verifier.createRequest({ statement: AGE });
    const presentation = await prove({ credential: record, holder: patient, request, now: new Date(NOW) });
    const proof = parseProof(presentation.proof);
    if (!proof || !(await checkProof(key, presentation.publicSignals.map(BigInt), proof)).ok) throw new Error("fixture proof does not verify");
    valid.push({ signals: presentation.publicSignals.map(BigInt), proof });
    wire.push({ signals: presentation.publicSignals.map(BigInt), proof: presentation.proof });
  }
});

/** `n` items cycling through the valid proofs. */
const repeat = (n: number): BatchItem[] => Array.from({ length: n }, (_, i) => valid[i % N_PROOFS]!);

/** The item with public signal j moved by `delta` (mod r): a valid proof for other signals. */
function shiftSignal(item: BatchItem, delta: bigint, j = 0): BatchItem {
  const signals = [...item.signals];
  signals[j] = (((signals[j]! + delta) % FIELD_ORDER) + FIELD_ORDER) % FIELD_ORDER;
  return { signals, proof: item.proof };
}

/** The item with A and C exchanged. */
const swapAC = (item: BatchItem): BatchItem => ({ signals: item.signals, proof: { ...item.proof, a: item.proof.c, c: item.proof.a } });

/** Deterministic byte stream (SHA-256 in counter mode), logging each request. */
function seeded(seed: string) {
  let counter = 0;
  const log: string[] = [];
  const randomBytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    log.push(Buffer.from(out).toString("hex"));
    return out;
  };
  return { randomBytes, log };
}

/** Every 128-bit weight equal to 1: the unweighted product of pairings. */
const weightsOne = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 16) out[i] = 1;
  return out;
};

/** Counts batch checks (one randomBytes call per check, zero redraws aside). */
function counting() {
  const calls: number[] = [];
  const { randomBytes } = seeded("count");
  return {
    calls,
    randomBytes: (n: number) => {
      calls.push(n);
      return randomBytes(n);
    },
  };
}

async function singly(items: readonly BatchItem[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const item of items) out.push(await pairingCheck(key, item.signals, item.proof));
  return out;
}

describe("batchPairingCheck on valid proofs", () => {
  it("returns [] for an empty batch", async () => {
    expect(await batchPairingCheck(key, [])).toEqual([]);
  });

  it.each([1, 2, 8])("accepts an all-valid batch of %i and agrees with pairingCheck", async (n) => {
    const items = repeat(n);
    const batch = await batchPairingCheck(key, items);
    expect(batch).toEqual(new Array(n).fill(true));
    expect(batch).toEqual(await singly(items));
  });

  it("accepts 64 valid items (proofs repeated) in a single randomized check", async () => {
    const items = repeat(64);
    const rng = counting();
    expect(await batchPairingCheck(key, items, rng)).toEqual(new Array(64).fill(true));
    expect(rng.calls).toEqual([64 * 16]);
    expect(await batchPairingCheck(key, items)).toEqual(await singly(items));
  });
});

describe("batchPairingCheck finds the bad items", () => {
  it("flags exactly the item with an altered public signal", async () => {
    for (const j of [0, key.nPublic - 1]) {
      const items = repeat(8);
      items[5] = shiftSignal(items[5]!, 1n, j);
      const expected = [true, true, true, true, true, false, true, true];
      expect(await batchPairingCheck(key, items)).toEqual(expected);
      expect(await singly(items)).toEqual(expected);
    }
  });

  it("flags exactly two bad items", async () => {
    const items = repeat(8);
    items[1] = shiftSignal(items[1]!, 7n, 2);
    items[6] = swapAC(items[6]!);
    expect(await batchPairingCheck(key, items)).toEqual([true, false, true, true, true, true, false, true]);
  });

  it("rejects a proof with A and C swapped, alone and in a batch", async () => {
    const bad = swapAC(valid[0]!);
    expect(await batchPairingCheck(key, [bad])).toEqual([false]);
    const items = repeat(8);
    items[3] = bad;
    expect(await batchPairingCheck(key, items)).toEqual([true, true, true, false, true, true, true, true]);
  });

  it("handles every item bad, and bad items in a large batch", async () => {
    expect(await batchPairingCheck(key, repeat(5).map(swapAC))).toEqual(new Array(5).fill(false));
    const items = repeat(64);
    const badAt = [0, 17, 18, 63];
    for (const i of badAt) items[i] = shiftSignal(items[i]!, -3n, 1);
    const result = await batchPairingCheck(key, items);
    expect(result.flatMap((ok, i) => (ok ? [] : [i]))).toEqual(badAt);
  });
});

describe("random weights", () => {
  // Same proof with signal s+1 and with s-1: L_1 + L_2 = 2·L, so with all weights 1 the product of
  // the two pairing equations is exactly that of two copies of the valid proof.
  const cancellingPair = (): BatchItem[] => [shiftSignal(valid[0]!, 1n), shiftSignal(valid[0]!, -1n)];

  it("defeat the cancellation attack that fools the unweighted product", async () => {
    const pair = cancellingPair();
    expect(await singly(pair)).toEqual([false, false]);
    // All weights 1: the batch check passes, so bisection never looks closer.
    expect(await batchPairingCheck(key, pair, { randomBytes: weightsOne })).toEqual([true, true]);
    expect(await batchPairingCheck(key, [...repeat(6), ...pair], { randomBytes: weightsOne })).toEqual(new Array(8).fill(true));
    // Random weights: caught.
    expect(await batchPairingCheck(key, pair)).toEqual([false, false]);
    expect(await batchPairingCheck(key, [...repeat(6), ...pair])).toEqual([true, true, true, true, true, true, false, false]);
  });

  it("defeat a cancellation through the A points", async () => {
    // Item 1 = (A + D, B, C), item 2 = (A − D, B, C) for some point D: both invalid, but with weights
    // 1 the D terms cancel, e(A + D, B)·e(A − D, B) = e(A, B)^2, as for two copies of the valid proof.
    const G1 = bn254.G1.ProjectivePoint;
    const base = valid[1]!;
    const a = G1.fromAffine({ x: base.proof.a[0], y: base.proof.a[1] });
    const d = G1.BASE.multiply(123456789n);
    const withA = (p: InstanceType<typeof G1>): BatchItem => {
      const { x, y } = p.toAffine();
      return { signals: base.signals, proof: { ...base.proof, a: [x, y] } };
    };
    const pair = [withA(a.add(d)), withA(a.subtract(d))];
    expect(await singly(pair)).toEqual([false, false]);
    expect(await batchPairingCheck(key, pair, { randomBytes: weightsOne })).toEqual([true, true]);
    expect(await batchPairingCheck(key, pair)).toEqual([false, false]);
  });

  it("are reproducible with an injected deterministic source", async () => {
    const items = repeat(16);
    items[4] = shiftSignal(items[4]!, 1n);
    items[11] = swapAC(items[11]!);
    const r1 = seeded("fixed seed");
    const r2 = seeded("fixed seed");
    const out1 = await batchPairingCheck(key, items, r1);
    const out2 = await batchPairingCheck(key, items, r2);
    expect(out1).toEqual(out2);
    expect(out1.flatMap((ok, i) => (ok ? [] : [i]))).toEqual([4, 11]);
    expect(r1.log).toEqual(r2.log);
    expect(r1.log.length).toBeGreaterThan(1);
  });

  it("redraw zero weights and refuse a broken source", async () => {
    let first = true;
    const zeroFirst = (n: number) => {
      if (first) {
        first = false;
        return new Uint8Array(n);
      }
      return weightsOne(n);
    };
    expect(await batchPairingCheck(key, repeat(3), { randomBytes: zeroFirst })).toEqual([true, true, true]);
    await expect(batchPairingCheck(key, repeat(2), { randomBytes: (n) => new Uint8Array(n) })).rejects.toThrow(/zero/);
    await expect(batchPairingCheck(key, repeat(2), { randomBytes: (n) => new Uint8Array(n - 1) })).rejects.toThrow(/randomBytes/);
  });
});

describe("checkProofs on real proofs", () => {
  const atInfinity: Array<(p: Groth16Proof) => unknown> = [
    (p) => ({ ...p, pi_a: ["0", "0", "1"] }),
    (p) => ({ ...p, pi_a: ["0", "1", "0"] }),
    (p) => ({ ...p, pi_c: ["0", "0", "1"] }),
    (p) => ({ ...p, pi_c: [p.pi_c[0], p.pi_c[1], "0"] }),
    (p) => ({ ...p, pi_b: [["0", "0"], ["0", "0"], ["1", "0"]] }),
    (p) => ({ ...p, pi_b: [["0", "0"], ["1", "0"], ["0", "0"]] }),
    (p) => ({ ...p, nullifier: "1" }),
  ];

  it("accepts valid proofs from JSON, alone and in a batch", async () => {
    expect(await checkProof(key, wire[0]!.signals, wire[0]!.proof)).toEqual({ ok: true });
    expect((await checkProofs(key, wire)).every((r) => r.ok)).toBe(true);
  });

  it("refuses the point at infinity and non-canonical encodings in A, B, C as MALFORMED_PROOF, alone and in a batch", async () => {
    for (const edit of atInfinity) {
      const bad = { signals: wire[1]!.signals, proof: edit(wire[1]!.proof) };
      expect(await checkProof(key, bad.signals, bad.proof)).toMatchObject({ ok: false, reason: "MALFORMED_PROOF" });
      const weights: number[] = [];
      const randomBytes = (n: number) => {
        weights.push(n);
        return crypto.getRandomValues(new Uint8Array(n));
      };
      const results = await checkProofs(key, [wire[0]!, bad, ...wire.slice(2)], { randomBytes });
      expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["ok", "MALFORMED_PROOF", ...wire.slice(2).map(() => "ok")]);
      // One batch equation over the other seven items: the malformed one never reached a Miller loop.
      expect(weights).toEqual([(N_PROOFS - 1) * 16]);
    }
  });

  it("a B on the twist outside G2's subgroup among valid proofs: NOT_A_POINT, and one batch equation over the others (on workers the weights drawn ahead stay with their items), in this thread and on worker threads", async () => {
    const c = await verifierCurve();
    let b: Uint8Array | undefined;
    while (!b) {
      const x = c.F2.random();
      const rhs = c.F2.add(c.F2.mul(c.F2.square(x), x), c.G2.b);
      if (c.F2.isSquare(rhs)) b = c.G2.fromObject([c.F2.toObject(x), c.F2.toObject(c.F2.sqrt(rhs)), [1n, 0n]]);
    }
    const [x, y] = c.G2.toObject(c.G2.toAffine(b)) as [[bigint, bigint], [bigint, bigint]];
    const offSubgroup = (i: number) => ({ signals: wire[i % N_PROOFS]!.signals, proof: { ...wire[i % N_PROOFS]!.proof, pi_b: [x.map(String), y.map(String), ["1", "0"]] } });
    const workers = await threadedCurve();
    // Sixteen items go to the workers in two parts of eight, the bad B in the second.
    for (const [pool, n, bad] of [[undefined, N_PROOFS, 2], [workers, N_PROOFS, 2], [workers, 2 * N_PROOFS, 10]] as const) {
      const items: Array<{ signals: bigint[]; proof: unknown }> = Array.from({ length: n }, (_, i) => (i === bad ? offSubgroup(i) : wire[i % N_PROOFS]!));
      const draws: number[] = [];
      const randomBytes = (n: number) => {
        draws.push(n);
        return crypto.getRandomValues(new Uint8Array(n));
      };
      const results = await checkProofs(key, items, { randomBytes, ...(pool ? { pool } : {}) });
      expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(items.map((_, i) => (i === bad ? "INVALID_PROOF" : "ok")));
      expect(results[bad]).toEqual({ ok: false, reason: "INVALID_PROOF", message: "a proof point is not a valid curve point" });
      // One draw: on workers ahead of the subgroup checks, for every item; in this thread for the
      // items that passed. The first equation passes, so no bisection draws more.
      expect(draws).toEqual([(pool ? n : n - 1) * 16]);
    }
  });

  it("on worker threads, the parts sent ahead keep independent weights: a cancelling pair across two parts is caught", async () => {
    // Items 1 and 9 hold the same proof with signal 0 moved by +1 and −1: with equal weights their
    // errors cancel (see "defeat the cancellation attack"); they sit in different parts of eight.
    const shifted = (delta: bigint) => ({ signals: wire[1]!.signals.map((s, j) => (j === 0 ? (((s + delta) % FIELD_ORDER) + FIELD_ORDER) % FIELD_ORDER : s)), proof: wire[1]!.proof });
    const items = Array.from({ length: 2 * N_PROOFS }, (_, i) => (i === 1 ? shifted(1n) : i === 9 ? shifted(-1n) : wire[i % N_PROOFS]!));
    const results = await checkProofs(key, items, { pool: (await threadedCurve())! });
    expect(results.map((r) => r.ok)).toEqual(items.map((_, i) => i !== 1 && i !== 9));
  });

  it("finds an invalid item among valid ones", async () => {
    const items = [...wire];
    items[3] = { signals: items[3]!.signals.map((s, j) => (j === 0 ? (s + 1n) % FIELD_ORDER : s)), proof: items[3]!.proof };
    const results = await checkProofs(key, items);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, true]);
    expect(results[3]).toEqual({ ok: false, reason: "INVALID_PROOF", message: "the proof does not verify" });
  });
});

describe("every verify path agrees with snarkjs.groth16.verify", () => {
  const G1 = bn254.G1.ProjectivePoint;
  const negY = (p: Groth16Proof["pi_a"]): Groth16Proof["pi_a"] => [p[0], G1.fromAffine({ x: BigInt(p[0]), y: BigInt(p[1]) }).negate().toAffine().y.toString(), "1"];
  /** Valid proofs and on-curve tamperings of them (each point still on its curve, B in G2). */
  const cases = (): Array<{ name: string; signals: bigint[]; proof: Groth16Proof }> => {
    const [x, y] = [wire[0]!, wire[1]!];
    return [
      { name: "valid 0", ...x },
      { name: "valid 1", ...y },
      { name: "signal 0 + 1", signals: x.signals.map((s, j) => (j === 0 ? (s + 1n) % FIELD_ORDER : s)), proof: x.proof },
      { name: "last signal r − 1", signals: x.signals.map((s, j) => (j === x.signals.length - 1 ? FIELD_ORDER - 1n : s)), proof: x.proof },
      { name: "A and C swapped", signals: x.signals, proof: { ...x.proof, pi_a: x.proof.pi_c, pi_c: x.proof.pi_a } },
      { name: "B of another proof", signals: x.signals, proof: { ...x.proof, pi_b: y.proof.pi_b } },
      { name: "A negated", signals: x.signals, proof: { ...x.proof, pi_a: negY(x.proof.pi_a) } },
      { name: "C of another proof", signals: x.signals, proof: { ...x.proof, pi_c: y.proof.pi_c } },
      { name: "another proof's signals", signals: y.signals, proof: x.proof },
    ];
  };

  it("single checkProof, checkProofs in this thread and on worker threads: the same verdict as snarkjs on valid and tampered proofs", async () => {
    const snarkjs = await import("snarkjs");
    const vk = verificationKey("age_at_least");
    const all = cases();
    const expected: boolean[] = [];
    for (const item of all) expected.push(await snarkjs.groth16.verify(vk as never, item.signals.map(String), item.proof as never));
    expect(expected.filter(Boolean).length).toBe(2); // only the two untouched proofs
    const single: boolean[] = [];
    for (const item of all) single.push((await checkProof(key, item.signals, item.proof)).ok);
    expect(single).toEqual(expected);
    expect((await checkProofs(key, all)).map((r) => r.ok)).toEqual(expected);
    const pool = await threadedCurve();
    expect(pool).toBeDefined();
    expect((await checkProofs(key, all, { pool })).map((r) => r.ok)).toEqual(expected);
    // Each tampering alone among valid proofs: the batch equation fails and bisection finds it.
    for (let t = 2; t < all.length; t++) {
      const batch = [wire[0]!, all[t]!, wire[1]!, ...wire.slice(2)];
      expect((await checkProofs(key, batch, { pool })).map((r) => r.ok)).toEqual([true, false, true, ...wire.slice(2).map(() => true)]);
    }
  });
});

describe("throughput", () => {
  it("measures batch against sequential verification (printed, not asserted)", async () => {
    await batchPairingCheck(key, repeat(4)); // warm-up
    await singly(repeat(4));
    const lines: string[] = [];
    for (const n of [1, 10, 100]) {
      const items = repeat(n);
      let t = performance.now();
      const batch = await batchPairingCheck(key, items);
      const tBatch = performance.now() - t;
      t = performance.now();
      const seq = await singly(items);
      const tSeq = performance.now() - t;
      expect(batch).toEqual(seq);
      lines.push(
        `n=${String(n).padStart(3)}: batch ${tBatch.toFixed(1)} ms, sequential ${tSeq.toFixed(1)} ms, ` +
          `speed-up ${(tSeq / tBatch).toFixed(2)}x (${(tBatch / n).toFixed(2)} vs ${(tSeq / n).toFixed(2)} ms/proof)`,
      );
    }
    console.log(`batchPairingCheck vs pairingCheck:\n${lines.join("\n")}`);
  });
});
