/**
 * bn128_g1MultiexpPrepare / bn128_g1MultiexpFixed (scripts/bn254-g1-multiexp.mjs: Straus with
 * 4-bit windows over per-point tables) against wasmcurves' g1m_multiexpAffine on the same module:
 * random points and scalars for n = 1, 3, 8 and 11, edge scalars (0, 1, r − 1, 2^256 − 1, every
 * nibble 0xf, one nonzero nibble), the point at infinity among the points, and repeated points
 * (so that the accumulator meets a table entry: the doubling case of the mixed addition).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, buildCurve } from "../../../src/groth16/curve.js";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
let c: Curve;
beforeAll(async () => {
  c = await buildCurve(true);
});

type Call = (...args: number[]) => void;
const le32 = (v: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};

/** Σ s_j·P_j by both functions, as affine bytes: [fixed-window result, wasmcurves' result]. */
function both(points: readonly Uint8Array[], scalars: readonly Uint8Array[]): [Uint8Array, Uint8Array] {
  const tm = c.tm;
  const w = tm.instance.exports as unknown as Record<string, Call>;
  const n = points.length;
  tm.startSyncOp();
  try {
    const pPoints = tm.alloc(64 * n);
    const pScalars = tm.alloc(32 * n);
    points.forEach((p, j) => tm.setBuff(pPoints + 64 * j, p));
    scalars.forEach((s, j) => tm.setBuff(pScalars + 32 * j, s));
    const [pTables, out, ref] = [tm.alloc(960 * n), tm.alloc(96), tm.alloc(96)];
    w.bn128_g1MultiexpPrepare!(pPoints, n, pTables);
    w.bn128_g1MultiexpFixed!(pTables, pScalars, n, out);
    w.g1m_multiexpAffine!(pPoints, pScalars, 32, n, ref);
    return [c.G1.toAffine(tm.getBuff(out, 96)), c.G1.toAffine(tm.getBuff(ref, 96))];
  } finally {
    tm.endSyncOp();
  }
}

const randomPoint = () => c.G1.toAffine(c.G1.timesScalar(c.G1.g, c.Fr.random()));
const randomScalar = () => c.Fr.random();

describe("bn128_g1MultiexpFixed", () => {
  it("equals g1m_multiexpAffine on random points and scalars", () => {
    for (const n of [1, 3, 8, 11]) {
      const points = Array.from({ length: n }, randomPoint);
      const [got, want] = both(points, Array.from({ length: n }, randomScalar));
      expect(Buffer.from(got).equals(want)).toBe(true);
      expect(c.G1.isZero(got)).toBe(false);
    }
  });

  it("equals it on edge scalars, the point at infinity and repeated points", () => {
    const p = randomPoint();
    const edges = [0n, 1n, 2n, 15n, 16n, R - 1n, (1n << 256n) - 1n, BigInt(`0x${"f".repeat(64)}`) >> 4n, 0xan << 200n, 1n << 255n];
    const points = [p, randomPoint(), new Uint8Array(64), p, c.G1.toAffine(c.G1.neg(p))];
    for (const e of edges) {
      for (const scalars of [
        [e, e, e, e, e],
        [e, 1n, 5n, e, 3n],
        [1n, 0n, 7n, R - 1n, e],
      ]) {
        const [got, want] = both(points, scalars.map(le32));
        expect(Buffer.from(got).equals(want)).toBe(true);
      }
    }
    // All scalars 0, and P − P: the point at infinity.
    expect(c.G1.isZero(both([p, p], [le32(0n), le32(0n)])[0])).toBe(true);
    expect(c.G1.isZero(both([p, c.G1.toAffine(c.G1.neg(p))], [le32(5n), le32(5n)])[0])).toBe(true);
  });
});
