/**
 * The fixed-base multi-exponentiation (src/prover/fixed-base.ts) against ffjavascript's own
 * G1/G2 multiExpAffine, on bases from a shipped zkey (with zero bases among them, as the A and B
 * sections have) and on random, edge and adversarial scalars (0, 1, r − 1, a digit of all ones in
 * every window, the top window's two bits); the tables' levels against G.timesScalar, and the
 * digits against the scalars they cut. Single-threaded curve (tasks run in this thread); no proof.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifierCurve } from "../../../src/groth16/curve.js";
import type { CurveGroup } from "../../../src/groth16/curve.js";
import { buildFixedBaseTable, type FixedBaseTable, fixedBaseMultiExp, tableDigitBits, tableDigits } from "../../../src/prover/fixed-base.js";
import { parseProvingKey } from "../../../src/prover/proving-key.js";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const key = parseProvingKey(new Uint8Array(readFileSync("artifacts/age_at_least.zkey")));
const curve = await verifierCurve();
const tm = curve.tm;

const le = (v: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
const fromLe = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const random = () => fromLe(randomBytes(32)) % R;

/** `n` scalars: edge values first, then random ones. */
function scalars(n: number, c: number): Uint8Array {
  let allOnes = 0n; // digit 2^c − 1 in every window, below r
  for (let k = 0; k * c < 254; k++) allOnes |= BigInt(2 ** Math.min(c, 254 - k * c) - 1) << BigInt(k * c);
  while (allOnes >= R) allOnes >>= 1n;
  const edge = [0n, 1n, 2n, R - 1n, R - 2n, 2n ** 253n, 3n << 252n, allOnes, BigInt(2 ** c - 1), BigInt(2 ** c), 2n ** 128n - 1n];
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) out.set(le(i < edge.length ? edge[i]! : random()), i * 32);
  return out;
}

/** The first `n` bases of a section, with the ones at `zero` made the point at infinity. */
function bases(section: Uint8Array, pointBytes: number, n: number, zero: number[]): Uint8Array {
  const out = section.slice(0, n * pointBytes);
  for (const i of zero) out.fill(0, i * pointBytes, (i + 1) * pointBytes);
  return out;
}

const affine = (g: CurveGroup, p: Uint8Array) => Buffer.from(g.toAffine(p)).toString("hex");

async function expectMatches(g: CurveGroup, table: FixedBaseTable, pts: Uint8Array, sc: Uint8Array, parts: number) {
  const ours = await fixedBaseMultiExp(g, tm, table, sc, parts);
  expect(affine(g, ours)).toBe(affine(g, await g.multiExpAffine(pts, sc)));
}

describe("fixed-base multi-exponentiation", () => {
  it("equals ffjavascript's G1 multiExpAffine, zero bases left out, for 1 or 3 tasks", async () => {
    const pts = bases(key.A, 64, 40, [3, 17]);
    const table = await buildFixedBaseTable(tm, "g1m", pts, 64, { parts: 1, maxBytes: 2 ** 30, chunk: 16 });
    const nonZero = Array.from({ length: 40 }, (_, i) => i).filter((i) => pts.subarray(i * 64, (i + 1) * 64).some((x) => x !== 0));
    expect(nonZero.length).toBeLessThanOrEqual(38);
    expect([...table.index]).toEqual(nonZero);
    expect(table.c * table.windows).toBeGreaterThanOrEqual(254);
    for (let round = 0; round < 3; round++) {
      const sc = scalars(40, table.c);
      await expectMatches(curve.G1, table, pts, sc, 1);
      await expectMatches(curve.G1, table, pts, sc, 3);
    }
    // All scalars zero: the point at infinity.
    const none = await fixedBaseMultiExp(curve.G1, tm, table, new Uint8Array(40 * 32), 2);
    expect(curve.G1.isZero(none)).toBe(true);
  });

  it("equals ffjavascript's G2 multiExpAffine", async () => {
    const pts = bases(key.B2, 128, 20, [0, 7]);
    const table = await buildFixedBaseTable(tm, "g2m", pts, 128, { parts: 2, maxBytes: 2 ** 30, chunk: 8 });
    const sc = scalars(20, table.c);
    await expectMatches(curve.G2, table, pts, sc, 2);
  });

  it("with 16-bit digits (the widest _getChunk reads), when the table must be small", async () => {
    const pts = bases(key.C, 64, 24, []);
    // At most 16 levels: only c = 16 fits.
    const table = await buildFixedBaseTable(tm, "g1m", pts, 64, { parts: 1, maxBytes: 16 * 24 * 64, chunk: 24 });
    expect([table.c, table.windows]).toEqual([16, 16]);
    await expectMatches(curve.G1, table, pts, scalars(24, 16), 2);
  });

  it("keeps 2^(c·k)·P at level k", async () => {
    const pts = bases(key.H, 64, 8, []);
    const table = await buildFixedBaseTable(tm, "g1m", pts, 64, { parts: 1, maxBytes: 2 ** 30, chunk: 3 });
    for (const [k, j] of [[1, 0], [table.windows - 1, 7], [5, 4]] as const) {
      const expected = curve.G1.timesScalar(curve.G1.toJacobian(pts.subarray(j * 64, (j + 1) * 64)), 2n ** BigInt(table.c * k));
      const kept = table.points.subarray((k * table.n + j) * 64, (k * table.n + j + 1) * 64);
      expect(Buffer.from(kept).toString("hex")).toBe(affine(curve.G1, expected));
    }
  });

  it("cuts every scalar into digits that add back up to it", () => {
    for (const c of [5, 11, 12, 16]) {
      const n = 16;
      const table = { c, windows: Math.ceil(254 / c), n, index: Uint32Array.from({ length: n }, (_, i) => n - 1 - i) } as FixedBaseTable;
      const sc = scalars(n, c);
      const digits = new Uint16Array(tableDigits(table, sc).buffer, 0, table.windows * n);
      for (let j = 0; j < n; j++) {
        let v = 0n;
        for (let k = 0; k < table.windows; k++) v += BigInt(digits[k * n + j]!) << BigInt(c * k);
        expect(v).toBe(fromLe(sc.subarray(table.index[j]! * 32, table.index[j]! * 32 + 32)));
      }
    }
  });

  it("picks wider digits for more bases, and fewer levels when the table must be small", () => {
    expect(tableDigitBits(40, 1, 64, 2 ** 30)).toBeLessThan(tableDigitBits(8000, 2, 64, 2 ** 30));
    expect(tableDigitBits(8000, 2, 64, 2 ** 30)).toBeLessThanOrEqual(13);
    // 8,000 G1 bases in 4 MB: at most 8 levels is more than any c ≤ 16 allows, so the widest.
    expect(tableDigitBits(8000, 2, 64, 4 * 2 ** 20)).toBe(16);
  });
});
