/**
 * medzk's multi-Miller loop (bn128_multiMillerLoop, scripts/bn254-multi-miller.mjs) against
 * wasmcurves' single Miller loop and ffjavascript's own pairing (a curve built by its buildBn128,
 * which generates the unmodified wasm): random pairs, the generators, negations, bilinearity, the
 * point at infinity (skipped, as e(O, Q) = 1), and the worker-task path. Refusal of points off the
 * curve or outside G2's subgroup before any loop is test/unit/groth16/check-proof.test.ts.
 */
import { buildBn128 } from "ffjavascript";
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, buildCurve } from "../../../src/groth16/curve.js";
import { type PairingTerm, millerProduct, pairingProductIs } from "../../../src/groth16/pairing.js";

let c: Curve;
/** ffjavascript's curve from its own wasm generation: the reference. */
let ref: Curve;

beforeAll(async () => {
  c = await buildCurve(true);
  ref = (await buildBn128(true)) as unknown as Curve;
});

/** A random point of G1 and of G2 (random multiples of the generators), Jacobian. */
const randomG1 = () => c.G1.timesScalar(c.G1.g, c.Fr.random());
const randomG2 = () => c.G2.timesScalar(c.G2.g, c.Fr.random());

/** Π e(p_k, q_k) by ffjavascript's pairing, one pairing per pair. */
function referenceProduct(pairs: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): Uint8Array {
  let acc = ref.Gt.one;
  for (const [p, q] of pairs) acc = ref.Gt.mul(acc, ref.pairing(p, q));
  return acc;
}

/** A G_T element copied for good into the curve's memory, as a `target` of pairingProductIs. */
function resident(value: Uint8Array): number {
  const ptr = c.tm.alloc(value.length);
  c.tm.setBuff(ptr, value);
  return ptr;
}

/** bn128_multiMillerLoop over `pairs`, and the product of bn128_millerLoop over them, raw (no final exponentiation). */
function rawLoops(pairs: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): { multi: Uint8Array; product: Uint8Array } {
  const tm = c.tm;
  const w = tm.instance.exports;
  tm.startSyncOp();
  try {
    const n = pairs.length;
    const [p, q, f, t, acc] = [tm.alloc(96), tm.alloc(192), tm.alloc(384), tm.alloc(384), tm.alloc(384)];
    const preP = tm.alloc(c.prePSize * n);
    const preQ = tm.alloc(c.preQSize * n);
    w.ftm_one(acc);
    pairs.forEach(([pk, qk], k) => {
      tm.setBuff(p, pk);
      tm.setBuff(q, qk);
      w.bn128_prepareG1(p, preP + k * c.prePSize);
      w.bn128_prepareG2(q, preQ + k * c.preQSize);
      w.bn128_millerLoop(preP + k * c.prePSize, preQ + k * c.preQSize, t);
      w.ftm_mul(acc, t, acc);
    });
    w.bn128_multiMillerLoop(preP, preQ, n, f);
    return { multi: tm.getBuff(f, 384), product: tm.getBuff(acc, 384) };
  } finally {
    tm.endSyncOp();
  }
}

describe("bn128_multiMillerLoop", () => {
  it("equals the product of wasmcurves' Miller loops, before the final exponentiation", () => {
    for (const n of [1, 2, 3, 5]) {
      const pairs = Array.from({ length: n }, () => [randomG1(), randomG2()] as const);
      const { multi, product } = rawLoops(pairs);
      expect(c.Gt.toObject(multi)).toEqual(c.Gt.toObject(product));
    }
  });

  it("after the final exponentiation, equals ffjavascript's product of pairings on random pairs", () => {
    for (const n of [1, 2, 4]) {
      const pairs = Array.from({ length: n }, () => [randomG1(), randomG2()] as const);
      const terms: PairingTerm[] = pairs.map(([p, q]) => ({ p, q }));
      expect(pairingProductIs(c, terms, [], resident(referenceProduct(pairs)))).toBe(true);
      // And not some other element: one pair left out.
      expect(pairingProductIs(c, terms.slice(1), [], resident(referenceProduct(pairs)))).toBe(false);
    }
  });

  it("gives e(g1, g2) for the generators, and 1 for e(P, Q)·e(−P, Q) and e(P, Q)·e(P, −Q)", () => {
    const [g1, g2] = [c.G1.g, c.G2.g];
    expect(pairingProductIs(c, [{ p: g1, q: g2 }], [], resident(referenceProduct([[g1, g2]])))).toBe(true);
    expect(pairingProductIs(c, [{ p: g1, q: g2 }], [])).toBe(false);
    const [p, q] = [randomG1(), randomG2()];
    expect(pairingProductIs(c, [{ p, q }, { p: c.G1.neg(p), q }], [])).toBe(true);
    expect(pairingProductIs(c, [{ p, q }, { p, q: c.G2.neg(q) }], [])).toBe(true);
    expect(pairingProductIs(c, [{ p, q }, { p, q }], [])).toBe(false);
  });

  it("is bilinear: e([a]P, Q) = e(P, [a]Q), across the pairs of one loop", () => {
    const [p, q, a] = [randomG1(), randomG2(), c.Fr.random()];
    expect(pairingProductIs(c, [{ p: c.G1.timesScalar(p, a), q }, { p: c.G1.neg(p), q: c.G2.timesScalar(q, a) }], [])).toBe(true);
  });

  it("skips a G1 point at infinity (e(O, Q) = 1), and an empty product is 1", () => {
    const [p, q, q2] = [randomG1(), randomG2(), randomG2()];
    expect(c.G1.isZero(c.G1.add(p, c.G1.neg(p)))).toBe(true);
    expect(pairingProductIs(c, [{ p: c.G1.add(p, c.G1.neg(p)), q: q2 }, { p, q }], [], resident(referenceProduct([[p, q]])))).toBe(true);
    expect(pairingProductIs(c, [], [])).toBe(true);
  });

  it("runs the same as a task (the worker path, with G1 points scaled in the task), as a factor", async () => {
    const pairs = Array.from({ length: 3 }, () => [randomG1(), randomG2()] as const);
    const s = new Uint8Array(16).fill(0x9b);
    const scaled = c.G1.timesScalar(pairs[0]![0], s);
    const partial = await millerProduct(c, pairs.map(([p, q], k) => ({ p, q, ...(k === 0 ? { scalar: s } : {}) })));
    const expected = referenceProduct([[scaled, pairs[0]![1]], ...pairs.slice(1)]);
    expect(pairingProductIs(c, [], [partial], resident(expected))).toBe(true);
    // Mixed: a pair in the loop here and the task's product as a factor.
    const [p, q] = [randomG1(), randomG2()];
    expect(pairingProductIs(c, [{ p, q }], [partial], resident(ref.Gt.mul(expected, ref.pairing(p, q))))).toBe(true);
    // On a curve from ffjavascript's own wasm (no multi-Miller loop: a shared curve snarkjs built
    // first), the task falls back to one Miller loop per pair, with the same product.
    const fallback = await millerProduct(ref, pairs.map(([p, q], k) => ({ p, q, ...(k === 0 ? { scalar: s } : {}) })));
    expect(pairingProductIs(c, [], [fallback], resident(expected))).toBe(true);
  });
});
