/**
 * GLV batch weights (src/groth16/glv.ts): β and λ are a matching pair (φ = [λ] on G1, checked
 * against ffjavascript's timesScalar), the lattice bound behind distinct weights, and
 * r·A = a·A + b·φ(A) against ffjavascript on random and edge halves.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, verifierCurve } from "../../../src/groth16/curve.js";
import { GLV_BETA, GLV_LAMBDA, endomorphismImages, glvWeight, timesGlvWeights } from "../../../src/groth16/glv.js";
import { BN254_SEED } from "../../../src/groth16/points.js";

let c: Curve;
beforeAll(async () => {
  c = await verifierCurve();
});

const eq = (a: Uint8Array, b: Uint8Array): boolean => (c.G1 as unknown as { eq(a: Uint8Array, b: Uint8Array): boolean }).eq(a, b);
const randomPoint = (): Uint8Array => {
  const s = new Uint8Array(32);
  crypto.getRandomValues(s);
  s[31]! &= 0x1f;
  return c.G1.toAffine(c.G1.timesScalar(c.G1.g, s));
};
const bytesOf = (a: bigint, b: bigint): Uint8Array => {
  const out = new Uint8Array(16);
  for (let j = 0; j < 8; j++) {
    out[j] = Number((a >> BigInt(8 * j)) & 0xffn);
    out[8 + j] = Number((b >> BigInt(8 * j)) & 0xffn);
  }
  return out;
};

describe("GLV weights", () => {
  it("β is a cube root of unity in Fq, λ = 36u³ + 18u² + 6u + 1 a root of λ² + λ + 1 mod r, and φ = [λ] on G1", () => {
    const u = BN254_SEED;
    expect(GLV_BETA ** 3n % c.q).toBe(1n);
    expect(GLV_BETA).not.toBe(1n);
    expect(GLV_LAMBDA).toBe(36n * u ** 3n + 18n * u ** 2n + 6n * u + 1n);
    expect((GLV_LAMBDA * GLV_LAMBDA + GLV_LAMBDA + 1n) % c.r).toBe(0n);
    const points = Array.from({ length: 70 }, randomPoint); // more than one pass of 64
    const all = new Uint8Array(64 * points.length);
    points.forEach((p, k) => all.set(p, 64 * k));
    const images = endomorphismImages(c, all);
    points.forEach((p, k) => {
      const image = images.subarray(64 * k, 64 * (k + 1));
      expect(c.G1.isValid(image)).toBe(true);
      expect(eq(image, c.G1.timesScalar(p, GLV_LAMBDA))).toBe(true);
    });
  });

  it("distinct nonzero pairs of 64-bit halves give distinct weights: the lattice {(x, y): x + λy ≡ 0 mod r} has no vector of norm < 2^126", () => {
    // Lagrange-Gauss reduction of the basis (r, 0), (−λ mod r, 1): v1 is a shortest nonzero vector.
    const norm = (v: readonly [bigint, bigint]) => v[0] * v[0] + v[1] * v[1];
    let v1: [bigint, bigint] = [c.r, 0n];
    let v2: [bigint, bigint] = [(c.r - GLV_LAMBDA) % c.r, 1n];
    for (;;) {
      if (norm(v2) < norm(v1)) [v1, v2] = [v2, v1];
      const dot = v1[0] * v2[0] + v1[1] * v2[1];
      const n1 = norm(v1);
      // m = round(dot / n1), for either sign of dot.
      const m = dot >= 0n ? (2n * dot + n1) / (2n * n1) : -((-2n * dot + n1) / (2n * n1));
      if (m === 0n) break;
      v2 = [v2[0] - m * v1[0], v2[1] - m * v1[1]];
    }
    expect((v1[0] + GLV_LAMBDA * v1[1]) % c.r).toBe(0n);
    // A difference of two pairs has both entries below 2^64 in absolute value: norm² < 2^129.
    expect(norm(v1) >= 2n ** 252n).toBe(true);
  });

  it("r·A = a·A + b·φ(A) (chunks of 64 points) equals ffjavascript's timesScalar by a + λb mod r, on random and edge halves", () => {
    const max = 2n ** 64n - 1n;
    const halves: Array<[bigint, bigint]> = [[1n, 0n], [0n, 1n], [max, 0n], [0n, max], [max, max], [1n, max], [2n ** 63n, 2n ** 63n - 1n], [15n, 16n]];
    // 70 points in all: more than one pass of 64.
    for (let i = 0; i < 62; i++) {
      const r = new Uint8Array(16);
      crypto.getRandomValues(r);
      const w = glvWeight(r, 0, c.r);
      halves.push([w.a, w.b]);
    }
    const weights = halves.map(([a, b]) => glvWeight(bytesOf(a, b), 0, c.r));
    weights.forEach((w, k) => {
      expect([w.a, w.b]).toEqual(halves[k]);
      expect(w.r).toBe((w.a + GLV_LAMBDA * w.b) % c.r);
    });
    const points = weights.map(randomPoint);
    const scaled = timesGlvWeights(c, points, weights);
    scaled.forEach((p, k) => expect(eq(p, c.G1.timesScalar(points[k]!, weights[k]!.r))).toBe(true));
    expect(timesGlvWeights(c, [], [])).toEqual([]);
    expect(() => timesGlvWeights(c, points.slice(1), weights)).toThrow(/one weight per point/);
  });
});
