/**
 * The fixed-base sums over a key's resident tables (src/groth16/fixed-base.ts) against
 * ffjavascript's G1.timesScalar and G1.add: random, small, zero and boundary scalars (wNAF carries
 * at window edges, r − 1), a base at infinity, and the key's L and s·α against the same sums.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verificationKey } from "../../../src/artifacts/manifest.js";
import { type Curve, verifierCurve } from "../../../src/groth16/curve.js";
import { buildFixedBaseTable, fixedBaseSum } from "../../../src/groth16/fixed-base.js";
import { type PreparedKey, alphaTimes, prepareKey, publicInputPoint } from "../../../src/groth16/prepared-key.js";

let c: Curve;
let key: PreparedKey;
beforeAll(async () => {
  c = await verifierCurve();
  key = await prepareKey(verificationKey("query"));
});

const randomScalar = (bits: number): bigint => {
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  crypto.getRandomValues(bytes);
  let s = 0n;
  for (const b of bytes) s = (s << 8n) | BigInt(b);
  return BigInt.asUintN(bits, s) % c.r;
};

/** Σ s_j·B_j by ffjavascript, one scalar multiplication per base. */
function reference(bases: readonly Uint8Array[], scalars: readonly bigint[]): Uint8Array {
  return bases.reduce((acc, base, j) => c.G1.add(acc, c.G1.timesScalar(base, scalars[j]!)), G1x().zero);
}

/** ffjavascript's G1 beyond medzk's typed surface: its zero point and point equality (any forms). */
const G1x = () => c.G1 as unknown as { zero: Uint8Array; eq(a: Uint8Array, b: Uint8Array): boolean };
const eq = (a: Uint8Array, b: Uint8Array): boolean => G1x().eq(a, b);

describe("fixed-base sums", () => {
  it("equal ffjavascript's Σ s_j·B_j on random, small, zero and boundary scalars", () => {
    const bases = [
      ...Array.from({ length: 5 }, () => c.G1.toAffine(c.G1.timesScalar(c.G1.g, randomScalar(254)))),
      c.G1.timesScalar(c.G1.g, 7n), // Jacobian input
      G1x().zero, // the point at infinity: its table is all zeros
    ];
    const table = buildFixedBaseTable(c, bases);
    const edges = [0n, 1n, 2n, 15n, 16n, 31n, 2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 192n + 1n, 2n ** 253n, c.r - 1n, c.r - 2n];
    const cases: bigint[][] = [
      bases.map(() => randomScalar(254)),
      bases.map(() => randomScalar(24)), // dates and flags
      bases.map(() => 0n),
      ...edges.map((e) => bases.map((_, j) => (j % 2 === 0 ? e : randomScalar(64)))),
      ...edges.map((e) => bases.map(() => e)),
    ];
    for (const scalars of cases) expect(eq(fixedBaseSum(c, table, scalars), reference(bases, scalars))).toBe(true);
    expect(c.G1.isZero(fixedBaseSum(c, table, bases.map(() => 0n)))).toBe(true);
    // P + (r − 1)·P = O: the sum passes through the point at infinity and the addition of equal points.
    const p = bases[0]!;
    const twin = buildFixedBaseTable(c, [p, p]);
    expect(c.G1.isZero(fixedBaseSum(c, twin, [1n, c.r - 1n]))).toBe(true);
    expect(eq(fixedBaseSum(c, twin, [5n, 5n]), c.G1.timesScalar(p, 10n))).toBe(true);
  });

  it("refuses scalars outside [0, r) and a wrong count", () => {
    const table = buildFixedBaseTable(c, [c.G1.g]);
    expect(() => fixedBaseSum(c, table, [c.r])).toThrow(/\[0, r\)/);
    expect(() => fixedBaseSum(c, table, [-1n])).toThrow(/\[0, r\)/);
    expect(() => fixedBaseSum(c, table, [1n, 1n])).toThrow(/1 scalars/);
  });

  it("give the key's L = IC_0 + Σ s_j·IC_j (with products of repeating signals kept) and s·α", () => {
    const vk = verificationKey("query");
    const point = (xy: readonly string[]) => c.G1.fromObject(xy.map(BigInt));
    const ic = vk.IC.map(point);
    for (const signals of [ic.slice(1).map(() => randomScalar(254)), ic.slice(1).map((_, j) => BigInt(j))]) {
      expect(eq(publicInputPoint(c, key, signals, undefined), reference(ic, [1n, ...signals]))).toBe(true);
      const times = randomScalar(254);
      expect(eq(publicInputPoint(c, key, signals, times), reference(ic, [times, ...signals]))).toBe(true);
    }
    const s = randomScalar(254);
    expect(eq(alphaTimes(c, key, s), c.G1.timesScalar(point(vk.vk_alpha_1), s))).toBe(true);
    // Repeating values (kept products, from the second time in a row on), changing ones, small
    // ones, and more distinct repeating values than are kept per signal: L is the same point.
    const fixed = ic.slice(1).map(() => randomScalar(254));
    const pool = Array.from({ length: 6 }, () => randomScalar(254));
    for (let call = 0; call < 24; call++) {
      const signals = fixed.map((f, j) => (j === 0 ? randomScalar(254) : j === 1 ? pool[Math.floor(call / 2) % pool.length]! : j === 2 ? BigInt(call) : f));
      expect(eq(publicInputPoint(c, key, signals, undefined), reference(ic, [1n, ...signals]))).toBe(true);
    }
    expect(eq(fixedBaseSum(c, key.bases, new Array(ic.length + 1).fill(0n), [c.G1.toJacobian(ic[0]!), c.G1.toJacobian(ic[1]!)]), c.G1.add(ic[0]!, ic[1]!))).toBe(true);
    expect(() => publicInputPoint(c, key, [1n], undefined)).toThrow(/signals/);
  });
});
