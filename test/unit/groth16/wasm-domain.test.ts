/**
 * Review of the rewritten wasmcurves functions (scripts/bn254-fast-field.mjs, bn254-fq2-mul.mjs,
 * bn254-tower.mjs, bn254-prepare-g2.mjs) at the edges of what their callers pass, against
 * ffjavascript's unmodified module byte for byte:
 * - f1m_add/sub/mul/square on arbitrary 256-bit words (q … 2^256 − 1 too): the fused code claims
 *   wasmcurves' result on every word, not only on canonical elements;
 * - f2m_mul/square/add/sub with the output equal to an input and overlapping it by one Fq
 *   coordinate (r = x + 32, x = r + 32), as wasmcurves' tower code addresses c0/c1 halves;
 * - bn128__cyclotomicSquare in place; bn128_prepareG2 of the point at infinity.
 * Operands of f2m_* are canonical (< q) in every flow wasmcurves/ffjavascript/snarkjs run (checked
 * by instrumenting stock f1m_* to trap on operands ≥ q: G2 arithmetic and multiexp, F2/Gt, pairings,
 * a snarkjs prove and verify), so f2m_* are compared on canonical operands only.
 */
import { buildBn128 } from "ffjavascript";
import { beforeAll, describe, expect, it } from "vitest";
import { type Curve, buildCurve } from "../../../src/groth16/curve.js";

const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 1n << 256n;

let c: Curve;
let ref: Curve;
beforeAll(async () => {
  c = await buildCurve(true);
  ref = (await buildBn128(true)) as unknown as Curve;
});

function le(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
const concat = (...xs: Uint8Array[]) => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

/** xorshift64* words, deterministic. */
function words(seed: bigint): () => bigint {
  let s = seed;
  const next = () => {
    s ^= s << 13n;
    s &= (1n << 64n) - 1n;
    s ^= s >> 7n;
    s ^= s << 17n;
    s &= (1n << 64n) - 1n;
    return s;
  };
  return () => (next() << 192n) | (next() << 128n) | (next() << 64n) | next();
}

type Call = (...pointers: number[]) => void;
/**
 * Writes `mem` at a fresh block, calls `fn` with pointers block + offsets[i], returns the block
 * afterwards (so in-place and overlapping writes are all compared).
 */
function runAt(curve: Curve, fn: string, mem: Uint8Array, offsets: readonly number[]): Uint8Array {
  const tm = curve.tm;
  tm.startSyncOp();
  try {
    const base = tm.allocBuff(mem);
    (tm.instance.exports as unknown as Record<string, Call>)[fn]!(...offsets.map((o) => base + o));
    return tm.getBuff(base, mem.length);
  } finally {
    tm.endSyncOp();
  }
}
function mismatches(fn: string, cases: ReadonlyArray<[Uint8Array, number[]]>): string[] {
  const out: string[] = [];
  cases.forEach(([mem, offs], k) => {
    if (!Buffer.from(runAt(c, fn, mem, offs)).equals(runAt(ref, fn, mem, offs))) out.push(`${fn} #${k} offsets ${offs.join(",")}`);
  });
  return out;
}

describe("rewritten wasmcurves functions at their callers' edges, against ffjavascript's module", () => {
  it("f1m_add, f1m_sub, f1m_mul, f1m_square give wasmcurves' bytes on every 256-bit word, q … 2^256 − 1 included", () => {
    const rnd = words(0x9e3779b97f4a7c15n);
    const edges = [0n, 1n, Q - 1n, Q, Q + 1n, 2n * Q - 1n, 2n * Q, R - Q, R - Q - 1n, R - 2n, R - 1n];
    const vals = [...edges, ...Array.from({ length: 40 }, rnd)];
    const cases: [Uint8Array, number[]][] = [];
    for (let i = 0; i < vals.length; i++) for (let j = i; j < vals.length; j += 3) cases.push([concat(le(vals[i]!), le(vals[j]!), new Uint8Array(32)), [0, 32, 64]]);
    for (const fn of ["f1m_add", "f1m_sub", "f1m_mul"]) expect(mismatches(fn, cases)).toEqual([]);
    expect(mismatches("f1m_square", cases.map(([m]) => [m, [0, 64]]))).toEqual([]);
  });

  it("f2m_mul, f2m_square, f2m_add, f2m_sub with r aliasing or overlapping an operand by one coordinate", () => {
    const rnd = words(0x2545f4914f6cdd1dn);
    const fq = () => rnd() % Q;
    const edge = [0n, 1n, Q - 1n, Q - 2n, (Q + 1n) / 2n];
    const f2 = () => concat(le(fq()), le(fq()));
    const inputs = [...edge.flatMap((a) => edge.map((b) => concat(le(a), le(b)))), ...Array.from({ length: 12 }, f2)];
    const binary: [Uint8Array, number[]][] = [];
    const unary: [Uint8Array, number[]][] = [];
    for (let k = 0; k < inputs.length; k++) {
      // Layout: 32 spare bytes, x (64), y (64), 32 spare: offsets of x = 32, y = 96.
      const mem = concat(new Uint8Array(32), inputs[k]!, inputs[(k * 7 + 3) % inputs.length]!, new Uint8Array(32));
      for (const offs of [[32, 96, 32], [32, 96, 96], [32, 32, 32], [32, 96, 64], [32, 96, 0], [32, 96, 128], [96, 32, 64]]) binary.push([mem, offs]);
      for (const offs of [[32, 32], [32, 64], [32, 0]]) unary.push([mem, offs]);
    }
    for (const fn of ["f2m_mul", "f2m_add", "f2m_sub"]) expect(mismatches(fn, binary)).toEqual([]);
    expect(mismatches("f2m_square", unary)).toEqual([]);
  });

  it("bn128__cyclotomicSquare in place, bn128_prepareG2 of the point at infinity", () => {
    const rnd = words(0x1234567887654321n);
    const els = [new Uint8Array(384), concat(...Array.from({ length: 12 }, () => le(Q - 1n))), ...Array.from({ length: 4 }, () => concat(...Array.from({ length: 12 }, () => le(rnd() % Q))))];
    expect(mismatches("bn128__cyclotomicSquare", els.map((e) => [e, [0, 0]]))).toEqual([]);
    const pre = c.preQSize;
    // ffjavascript's Jacobian zero (wasmcurves' pG2zero), which CurveGroup does not type.
    const zero = (c.G2 as unknown as { zero: Uint8Array }).zero;
    for (const p of [zero, c.G2.toAffine(zero), c.G2.g, c.G2.neg(c.G2.g)]) {
      const mem = concat(p, new Uint8Array(pre));
      expect(mismatches("bn128_prepareG2", [[mem, [0, p.length]]])).toEqual([]);
    }
  });
});
