/**
 * Fixed-base multi-scalar multiplication on G1 for the few points of a verification key (IC_j, α):
 * per-key resident tables and an interleaved (Straus) wNAF over them with shared doublings.
 *
 * A Groth16 check needs L = Σ_j s_j·IC_j for a handful of public signals (6 to 11 for medzk's
 * circuits). wasmcurves' Pippenger multiexp is built for thousands of points: for ten it spends
 * more on its buckets than on the sum (about 1.2 ms). The IC points are fixed per key, so each
 * base B gets a table, built once, of the odd multiples [1, 3, …, 2^(W−1) − 1]·2^(64k)·B for the
 * four 64-bit windows k of a scalar (Hankerson, Menezes and Vanstone, Guide to Elliptic Curve
 * Cryptography, Alg. 3.36 (wNAF) and 3.51 (interleaving), with the windows of the fixed-base comb
 * idea of §3.3.2). A scalar's wNAF digit at bit position p then adds a table point at doubling
 * step p mod 64, so the whole sum takes at most 63 doublings, shared by every base, and about one
 * mixed addition per W + 1 bits of each scalar: a small signal (a date, a flag) costs only its own
 * bits, and a zero signal nothing.
 *
 * Tables are affine (one batch inversion when built, g1m_batchToAffine), so every addition is a
 * mixed one (g1m_addMixed / g1m_subMixed). Everything runs on the verifier curve's own wasm
 * instance; the JavaScript loop only sequences the calls.
 */
import type { Curve, PointBytes } from "./curve.js";
import { G1_AFF, G1_JAC } from "./thread-task.js";

/** wNAF width: digits are odd, |d| < 2^(W−1), so a table holds 2^(W−2) odd multiples per window. */
const W = 5;
const ODD = 1 << (W - 2);
/** Bits per window and windows per scalar: 4 × 64 bits cover a scalar below r (< 2^254) with its wNAF carry. */
const WINDOW_BITS = 64;
const WINDOWS = 4;
/** Bytes of one base's tables. */
const BASE_BYTES = WINDOWS * ODD * G1_AFF;

/** The wasm exports the tables and sums call (all wasmcurves G1 functions). */
interface G1Wasm {
  g1m_zero(p: number): void;
  g1m_copy(a: number, out: number): void;
  g1m_double(a: number, out: number): void;
  g1m_add(a: number, b: number, out: number): void;
  g1m_addMixed(a: number, b: number, out: number): void;
  g1m_subMixed(a: number, b: number, out: number): void;
  g1m_batchToAffine(a: number, n: number, out: number): void;
}

/** Resident tables of `bases` G1 points in the verifier curve's wasm memory (never freed). */
export interface FixedBaseTable {
  readonly bases: number;
  /** Pointer to base j's window k odd multiple (2m+1)·2^(64k)·B_j: ptr + ((j·WINDOWS + k)·ODD + m)·64. */
  readonly ptr: number;
}

function wasmOf(c: Curve): G1Wasm {
  return c.tm.instance.exports as unknown as G1Wasm;
}

/**
 * Builds the tables of `points` (affine or Jacobian, as ffjavascript encodes them; the point at
 * infinity allowed, its table is all zero points) in `c`'s wasm memory. About 192 doublings and
 * 28 additions per base, then one batch inversion: ~0.2 ms per base.
 * NOTE: a permanent bump allocation on the main instance (like the key's other resident values):
 * call it once per key, never inside a sync operation.
 */
export function buildFixedBaseTable(c: Curve, points: readonly PointBytes[]): FixedBaseTable {
  const tm = c.tm;
  const wasm = wasmOf(c);
  const count = points.length * WINDOWS * ODD;
  const ptr = tm.alloc(count * G1_AFF);
  tm.startSyncOp();
  try {
    const jac = tm.alloc(count * G1_JAC);
    const base = tm.alloc(G1_JAC);
    const twice = tm.alloc(G1_JAC);
    points.forEach((point, j) => {
      tm.setBuff(base, c.G1.toJacobian(point));
      for (let k = 0; k < WINDOWS; k++) {
        const first = jac + (j * WINDOWS + k) * ODD * G1_JAC;
        wasm.g1m_copy(base, first);
        wasm.g1m_double(base, twice);
        for (let m = 1; m < ODD; m++) wasm.g1m_add(first + (m - 1) * G1_JAC, twice, first + m * G1_JAC);
        if (k + 1 < WINDOWS) for (let d = 0; d < WINDOW_BITS; d++) wasm.g1m_double(base, base);
      }
    });
    wasm.g1m_batchToAffine(jac, count, ptr);
  } finally {
    tm.endSyncOp();
  }
  return { bases: points.length, ptr };
}

/** The scalar's bits, least significant first, with room for the wNAF carry. */
function bitsOf(s: bigint): Uint8Array {
  const bits = new Uint8Array(WINDOWS * WINDOW_BITS + W + 1);
  for (let w = 0; w < 8; w++) {
    let word = Number(BigInt.asUintN(32, s >> BigInt(32 * w)));
    for (let b = 32 * w; word !== 0; b++, word >>>= 1) bits[b] = word & 1;
  }
  return bits;
}

/**
 * Appends s's width-W NAF digits to `schedule`: at doubling step p mod 64, the table entry of
 * |d| at window p div 64 of base j, and whether to subtract it. Digits are odd with |d| < 2^(W−1),
 * and any two nonzero digits are at least W positions apart (HMV Alg. 3.35).
 */
function scheduleDigits(s: bigint, tableOfBase: number, schedule: number[][]): void {
  const bits = bitsOf(s);
  for (let i = 0; i < WINDOWS * WINDOW_BITS; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let d = 0;
    for (let j = 0; j < W; j++) d |= bits[i + j]! << j;
    if (d >= 1 << (W - 1)) {
      // Negative digit d − 2^W: the 2^W it leaves carries into position i + W.
      d -= 1 << W;
      let p = i + W;
      while (bits[p] === 1) bits[p++] = 0;
      bits[p] = 1;
    }
    const entry = tableOfBase + ((i >> 6) * ODD + ((Math.abs(d) - 1) >> 1)) * G1_AFF;
    // Entries are even pointers (4-aligned): the low bit carries the sign.
    schedule[i & (WINDOW_BITS - 1)]!.push(d < 0 ? entry | 1 : entry);
    i += W;
  }
}

/**
 * Σ_j scalars[j]·B_j over the table's bases, plus the Jacobian points `extra` (Jacobian bytes;
 * zero scalars skipped). Each scalar must be in [0, r): callers pass signals checked below r, or
 * sums reduced mod r.
 */
export function fixedBaseSum(c: Curve, table: FixedBaseTable, scalars: readonly bigint[], extra: readonly PointBytes[] = []): PointBytes {
  if (scalars.length !== table.bases) throw new Error(`fixedBaseSum takes ${table.bases} scalars, got ${scalars.length}`);
  const schedule: number[][] = Array.from({ length: WINDOW_BITS }, () => []);
  scalars.forEach((s, j) => {
    if (s < 0n || s >= c.r) throw new Error("fixedBaseSum takes scalars in [0, r)");
    if (s !== 0n) scheduleDigits(s, table.ptr + j * BASE_BYTES, schedule);
  });
  const tm = c.tm;
  const wasm = wasmOf(c);
  tm.startSyncOp();
  try {
    const acc = tm.alloc(G1_JAC);
    wasm.g1m_zero(acc);
    let started = false;
    for (let step = WINDOW_BITS - 1; step >= 0; step--) {
      if (started) wasm.g1m_double(acc, acc);
      for (const entry of schedule[step]!) {
        if (entry & 1) wasm.g1m_subMixed(acc, entry ^ 1, acc);
        else wasm.g1m_addMixed(acc, entry, acc);
        started = true;
      }
    }
    if (extra.length > 0) {
      const point = tm.alloc(G1_JAC);
      for (const p of extra) {
        if (p.length !== G1_JAC) throw new Error("fixedBaseSum adds Jacobian points");
        tm.setBuff(point, p);
        wasm.g1m_add(acc, point, acc);
      }
    }
    return tm.getBuff(acc, G1_JAC);
  } finally {
    tm.endSyncOp();
  }
}
