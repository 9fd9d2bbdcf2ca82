/**
 * The shipped BN254 wasm's tower arithmetic and final exponentiation (scripts/bn254-tower.mjs:
 * ξ-multiplications by additions inside f6m/ftm, Granger–Scott cyclotomic squaring from Fq2
 * squarings, x^u by a width-w NAF in the final exponentiation's hard part) against ffjavascript's
 * unmodified module (a curve from its own buildBn128, which generates wasmcurves' code at run time),
 * byte for byte: random Fq12 elements (not in any subgroup: the rewritten functions must agree on
 * every input), edge elements (0, 1, −1, one nonzero slot, coordinates q − 1), conjugates and
 * elements of the cyclotomic subgroup, where x^u is also checked against ffjavascript's generic
 * exponentiation (Gt.exp). Also the Miller loop's sparse products (scripts/bn254-multi-miller.mjs)
 * against full Fq12 products, and bn128_prepareG2 with its regenerated steps
 * (scripts/bn254-prepare-g2.mjs) against ffjavascript's on random, generator and negated points.
 */
import { buildBn128 } from "ffjavascript";
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, buildCurve } from "../../../src/groth16/curve.js";

/** BN254's u (scripts/bn254-tower.mjs). */
const U = 4965661367192848881n;
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const F12 = 384;

let c: Curve;
let ref: Curve;
beforeAll(async () => {
  c = await buildCurve(true);
  ref = (await buildBn128(true)) as unknown as Curve;
});

type Call = (...pointers: number[]) => void;
/** Calls wasm export `fn` of `curve` on copies of `inputs`, returns its `outLen`-byte output. */
function run(curve: Curve, fn: string, inputs: readonly Uint8Array[], outLen: number): Uint8Array {
  const tm = curve.tm;
  tm.startSyncOp();
  try {
    const pointers = inputs.map((x) => tm.allocBuff(x));
    const out = tm.alloc(outLen);
    (tm.instance.exports as unknown as Record<string, Call>)[fn]!(...pointers, out);
    return tm.getBuff(out, outLen);
  } finally {
    tm.endSyncOp();
  }
}

/** Fq elements (Montgomery form, as in memory) concatenated: `n` random ones. */
const randomFq = (n: number) => {
  const out = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) out.set(c.G1.F.random(), 32 * i);
  return out;
};
/** The Fq12 element whose Fq coordinates (Montgomery form) are the 12 `values`. */
function f12(values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(F12);
  values.forEach((v, i) => {
    const m = ((v % Q) * (1n << 256n)) % Q;
    for (let b = 0; b < 32; b++) out[32 * i + b] = Number((m >> BigInt(8 * b)) & 0xffn);
  });
  return out;
}
const zero = f12(new Array(12).fill(0n));
const one = f12([1n, ...new Array(11).fill(0n)]);
const minusOne = f12([Q - 1n, ...new Array(11).fill(0n)]);
/** One nonzero Fq2 slot (i = 0..5), and an element whose every coordinate is q − 1. */
const slots = Array.from({ length: 6 }, (_, i) => f12(Array.from({ length: 12 }, (_, k) => (k === 2 * i ? 3n : k === 2 * i + 1 ? Q - 1n : 0n))));
const allQm1 = f12(new Array(12).fill(Q - 1n));
const EDGES = [zero, one, minusOne, allQm1, ...slots];

const randomF12 = () => randomFq(12);
/** A random element of the cyclotomic subgroup (the easy part of the final exponentiation applied). */
const cyclotomic = (x: Uint8Array) => run(ref, "bn128_finalExponentiation", [x], F12);

/** Compares `fn` on the shipped module and ffjavascript's for every input tuple; returns the mismatching functions. */
function mismatches(fn: string, tuples: ReadonlyArray<readonly Uint8Array[]>, outLen: number): string[] {
  const out: string[] = [];
  tuples.forEach((inputs, k) => {
    if (!Buffer.from(run(c, fn, inputs, outLen)).equals(run(ref, fn, inputs, outLen))) out.push(`${fn} #${k}`);
  });
  return out;
}

describe("BN254 wasm tower (scripts/bn254-tower.mjs) against ffjavascript's own module", () => {
  it("f6m and ftm products, squares and inverses, (whose ξ-multiplications are bn128__mulXi), agree on random and edge inputs", () => {
    const elements = [...EDGES, ...Array.from({ length: 24 }, randomF12)];
    const pairs = elements.flatMap((x, i) => [[x, elements[(i + 1) % elements.length]!], [x, x]] as const);
    const bad = [
      ...mismatches("ftm_mul", pairs, F12),
      ...mismatches("ftm_square", elements.map((x) => [x]), F12),
      ...mismatches("ftm_inverse", elements.map((x) => [x]), F12),
      ...mismatches("f6m_mul", pairs.map(([x, y]) => [x.slice(0, 192), y.slice(192)]), 192),
      ...mismatches("f6m_square", elements.map((x) => [x.slice(192)]), 192),
      ...mismatches("f6m_inverse", elements.map((x) => [x.slice(0, 192)]), 192),
    ];
    expect(bad).toEqual([]);
  });

  it("cyclotomic squaring agrees on every input (random, edge, cyclotomic), and squares in the subgroup", () => {
    const cyc = Array.from({ length: 8 }, () => cyclotomic(randomF12()));
    const inputs = [...EDGES, ...Array.from({ length: 16 }, randomF12), ...cyc];
    expect(mismatches("bn128__cyclotomicSquare", inputs.map((x) => [x]), F12)).toEqual([]);
    for (const x of cyc) expect(Buffer.from(run(c, "bn128__cyclotomicSquare", [x], F12)).equals(ref.Gt.square(x))).toBe(true);
    // Outside the subgroup the formula is not a squaring (so the comparison above is not vacuous).
    const x = randomF12();
    expect(Buffer.from(run(c, "bn128__cyclotomicSquare", [x], F12)).equals(ref.Gt.square(x))).toBe(false);
  });

  it("x^u in the cyclotomic subgroup equals ffjavascript's exponentiation and wasmcurves' NAF exponentiation", () => {
    const cyc = [one, ...Array.from({ length: 6 }, () => cyclotomic(randomF12()))];
    const conj = (x: Uint8Array) => run(ref, "ftm_conjugate", [x], F12);
    for (const x of [...cyc, ...cyc.slice(1).map(conj)]) {
      const got = run(c, "bn128__expByU", [x], F12);
      expect(Buffer.from(got).equals(run(ref, "bn128__cyclotomicExp_w0", [x], F12))).toBe(true);
      expect(Buffer.from(got).equals(ref.Gt.exp(x, U))).toBe(true);
    }
  });

  it("the final exponentiation agrees on random, edge, conjugate and cyclotomic inputs, and on Miller loop outputs", () => {
    const random = Array.from({ length: 6 }, randomF12);
    const conj = random.map((x) => run(ref, "ftm_conjugate", [x], F12));
    const cyc = random.slice(0, 3).map(cyclotomic);
    const inputs = [...EDGES, ...random, ...conj, ...cyc];
    expect(mismatches("bn128_finalExponentiation", inputs.map((x) => [x]), F12)).toEqual([]);
    // x and its conjugate go to inverse elements of G_T (f^(q^6) = conj(f)).
    const [a, b] = [run(c, "bn128_finalExponentiation", [random[0]!], F12), run(c, "bn128_finalExponentiation", [conj[0]!], F12)];
    expect(Buffer.from(ref.Gt.mul(a, b)).equals(ref.Gt.one)).toBe(true);
    // The pairing as a whole (Miller loop, then the final exponentiation) on random points.
    const p = c.G1.timesScalar(c.G1.g, c.Fr.random());
    const q = c.G2.timesScalar(c.G2.g, c.Fr.random());
    expect(c.Gt.toObject(c.pairing(p, q))).toEqual(ref.Gt.toObject(ref.pairing(p, q)));
  });

  it("the line products: two 024-sparse lines multiplied together, and f by the 5-sparse product, equal full Fq12 products", () => {
    const slot = (x: Uint8Array, i: number) => x.slice(64 * i, 64 * i + 64);
    /** The Fq12 element with `x`'s slots `keep` and zeros elsewhere. */
    const sparse = (x: Uint8Array, keep: readonly number[]) => {
      const out = new Uint8Array(F12);
      for (const i of keep) out.set(slot(x, i), 64 * i);
      return out;
    };
    for (const [x, y] of [...Array.from({ length: 8 }, () => [randomF12(), randomF12()]), [allQm1, minusOne], [slots[0]!, slots[4]!]]) {
      const [a, b] = [sparse(x!, [0, 2, 4]), sparse(y!, [0, 2, 4])];
      const l = run(c, "bn128__mul024by024", [0, 2, 4, 0, 2, 4].map((i, k) => slot(k < 3 ? a : b, i)), F12);
      expect(Buffer.from(l).equals(run(ref, "ftm_mul", [a, b], F12))).toBe(true);
      // bn128__mulBy01234 multiplies in place: f·L for L with slot 5 zero.
      for (const f of [randomF12(), one, allQm1]) {
        const tm = c.tm;
        tm.startSyncOp();
        try {
          const [pL, pF] = [tm.allocBuff(l), tm.allocBuff(f)];
          (tm.instance.exports as unknown as Record<string, Call>).bn128__mulBy01234!(pL, pF);
          expect(Buffer.from(tm.getBuff(pF, F12)).equals(run(ref, "ftm_mul", [f, l], F12))).toBe(true);
        } finally {
          tm.endSyncOp();
        }
      }
    }
  });

  it("bn128_prepareG2 (regenerated doubling and addition steps) writes the same coefficients as ffjavascript's", () => {
    const points = [c.G2.g, c.G2.neg(c.G2.g), ...Array.from({ length: 4 }, () => c.G2.timesScalar(c.G2.g, c.Fr.random()))];
    for (const q of points) expect(Buffer.from(run(c, "bn128_prepareG2", [q], c.preQSize)).equals(run(ref, "bn128_prepareG2", [q], ref.preQSize))).toBe(true);
    // Its halving: x/2 equals the product by (1/2, 0) on even, odd and edge coordinates.
    const half = f12([(Q + 1n) / 2n, 0n]).slice(0, 64);
    const inputs = [zero, one, minusOne, allQm1, ...slots].map((x) => x.slice(0, 64)).concat(Array.from({ length: 16 }, () => randomFq(2)));
    for (const x of inputs) expect(Buffer.from(run(c, "bn128__f2mHalf", [x], 64)).equals(run(ref, "f2m_mul", [x, half], 64))).toBe(true);
  });
});
