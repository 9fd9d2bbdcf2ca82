/**
 * The fast G2 membership test (ψ endomorphism, one 63-bit scalar multiplication) against the
 * definition r·P = O, on subgroup points, random twist points and subgroup points shifted by a
 * cofactor-order component, plus the seed conditions the theorem needs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, buildCurve } from "../../../src/groth16/curve.js";
import { BN254_SEED, g2SubgroupChecks, g2SubgroupTask, inG2Subgroup, pointsOnCurve } from "../../../src/groth16/points.js";
import { parseProof } from "../../../src/groth16/proof.js";

let c: Curve;
beforeAll(async () => {
  c = await buildCurve(true);
});

const scalar = (): Uint8Array => {
  const b = new Uint8Array(32);
  crypto.getRandomValues(b);
  b[31]! &= 0x1f;
  return b;
};
const bySubgroupOrder = (p: Uint8Array): boolean => c.G2.isZero(c.G2.timesScalar(p, c.r));

/** A uniformly random point of E'(Fp2) (the whole twist group, not cofactor-cleared). */
function twistPoint(): Uint8Array {
  for (;;) {
    const x = c.F2.random();
    const rhs = c.F2.add(c.F2.mul(c.F2.square(x), x), c.G2.b);
    if (!c.F2.isSquare(rhs)) continue;
    const p = new Uint8Array(192);
    p.set(x);
    p.set(c.F2.sqrt(rhs), 64);
    p.set(c.F2.one, 128);
    return p;
  }
}

describe("G2 subgroup membership", () => {
  it("the BN254 seed meets the conditions of the ψ-based test (u ≢ 4 mod 13, u ≢ 92 mod 97)", () => {
    expect(BN254_SEED % 13n).not.toBe(4n);
    expect(BN254_SEED % 97n).not.toBe(92n);
    // And it is the seed: p = 36u⁴ + 36u³ + 24u² + 6u + 1.
    const u = BN254_SEED;
    expect(36n * u ** 4n + 36n * u ** 3n + 24n * u ** 2n + 6n * u + 1n).toBe(c.q);
  });

  it("agrees with r·P = O on subgroup points, random twist points and shifted subgroup points", async () => {
    const inGroup = Array.from({ length: 24 }, () => c.G2.timesScalar(c.G2.g, scalar()));
    const random = Array.from({ length: 24 }, twistPoint);
    // P + [r]T has a nonzero component of cofactor order whenever [r]T ≠ O.
    const shifted = inGroup.map((p, i) => c.G2.add(p, c.G2.timesScalar(random[i]!, c.r)));
    for (const points of [inGroup, random, shifted]) {
      expect(points.every((p) => c.G2.isValid(p))).toBe(true);
      const expected = points.map(bySubgroupOrder);
      // In this thread (NAF of u, direct calls), and as the worker task a pool runs.
      expect(await inG2Subgroup(c, points.map((p) => c.G2.toAffine(p)))).toEqual(expected);
      const viaTask = await c.tm.queueAction(g2SubgroupTask(c, points.map((p) => c.G2.toAffine(p))));
      expect(viaTask.map((d) => c.G2.isZero(d))).toEqual(expected);
    }
    const affine = (points: Uint8Array[]) => points.map((p) => c.G2.toAffine(p));
    expect((await inG2Subgroup(c, affine(inGroup))).every(Boolean)).toBe(true);
    expect((await inG2Subgroup(c, affine(random))).some(Boolean)).toBe(false);
    expect((await inG2Subgroup(c, affine(shifted))).some(Boolean)).toBe(false);
    expect(await inG2Subgroup(c, [])).toEqual([]);
  });

  it("a proof whose B is on the twist but outside the subgroup passes the curve check and fails the subgroup check", async () => {
    const [x, y] = c.G2.toObject(c.G2.toAffine(twistPoint())) as [[bigint, bigint], [bigint, bigint]];
    const proof = parseProof({
      pi_a: [...(c.G1.toObject(c.G1.toAffine(c.G1.g)) as bigint[]).slice(0, 2).map(String), "1"],
      pi_b: [x.map(String), y.map(String), ["1", "0"]],
      pi_c: [...(c.G1.toObject(c.G1.toAffine(c.G1.g)) as bigint[]).slice(0, 2).map(String), "1"],
      protocol: "groth16",
      curve: "bn128",
    })!;
    expect(pointsOnCurve(c, proof)).toBe(true);
    expect(await g2SubgroupChecks(c, [proof])).toEqual([false]);
  });
});
