/**
 * Batch weights in GLV form on G1: r = a + λ·b (mod r) with a, b uniform 64-bit, so that
 * r·A = a·A + b·φ(A), where φ(x, y) = (β·x, y) is the curve's endomorphism of order 3
 * (Gallant, Lambert and Vanstone, CRYPTO 2001). Both halves share 63 doublings instead of the 127
 * of a 128-bit scalar, with interleaved width-4 NAFs over per-point tables of A, 3A, 5A, 7A (and
 * their φ images, one field multiplication each).
 *
 * BN254's G1 = E(Fq) has prime order r, so φ acts on every curve point as multiplication by the
 * λ with λ² + λ + 1 ≡ 0 (mod r) that matches β (β³ = 1 in Fq); test/unit/groth16/glv.test.ts
 * checks this pair against ffjavascript's timesScalar.
 *
 * NOTE (soundness of the weights): distinct pairs (a, b) ≠ (a', b') give distinct r mod r: their
 * difference (a − a', b − b') would be a nonzero vector of the lattice {(x, y) : x + λ·y ≡ 0 (mod r)}
 * with both entries below 2^64 in absolute value, i.e. Euclidean norm < 2^64.5; but that
 * lattice's shortest vector (Lagrange-Gauss reduction of the basis (r, 0), (−λ, 1); the test
 * recomputes it) is ≈ (−2^63.1, 2^126.8), of norm ≈ 2^126.8. So the 2^128 − 1 nonzero pairs give
 * 2^128 − 1 distinct nonzero weights mod r, and the batch's Schwartz–Zippel bound (./batch.ts) is
 * unchanged: an invalid item passes one check with probability ≤ 1/(2^128 − 1).
 */
import type { Curve, PointBytes } from "./curve.js";
import { FP, G1_AFF, G1_JAC } from "./thread-task.js";

/** β: a primitive cube root of unity in Fq (gnark-crypto's thirdRootOneG1 for BN254). */
export const GLV_BETA = 2203960485148121921418603742825762020974279258880205651966n;
/** λ = 36u³ + 18u² + 6u + 1, the eigenvalue of φ(x, y) = (β·x, y) on G1 (λ² + λ + 1 ≡ 0 mod r). */
export const GLV_LAMBDA = 4407920970296243842393367215006156084916469457145843978461n;

/** A weight: r = a + λ·b mod r, a and b below 2^64. */
export interface GlvWeight {
  readonly a: bigint;
  readonly b: bigint;
  /** a + λ·b mod r. */
  readonly r: bigint;
}

/** wNAF width of the per-point tables: odd multiples 1, 3, 5, 7. */
const W = 4;
const ODD = 1 << (W - 2);
/** Points per pass: the main instance's memory does not grow (ffjavascript's tm.alloc never grows it). */
const CHUNK = 64;
/** Positions of a 64-bit half's wNAF (one more for the carry). */
const HALF_BITS = 64;

interface G1Wasm {
  g1m_zero(p: number): void;
  g1m_toJacobian(a: number, out: number): void;
  g1m_double(a: number, out: number): void;
  g1m_add(a: number, b: number, out: number): void;
  g1m_addMixed(a: number, b: number, out: number): void;
  g1m_subMixed(a: number, b: number, out: number): void;
  g1m_batchToAffine(a: number, n: number, out: number): void;
  f1m_mul(a: number, b: number, out: number): void;
}

const betaCache = new WeakMap<object, Uint8Array>();

/** β in the curve's Montgomery form. */
function betaOf(c: Curve): Uint8Array {
  let beta = betaCache.get(c);
  if (!beta) {
    beta = c.G1.F.fromObject(GLV_BETA);
    betaCache.set(c, beta);
  }
  return beta;
}

/** The weight of the 16 random bytes at `offset`: a from the low 8 (little-endian), b from the high 8. */
export function glvWeight(bytes: Uint8Array, offset: number, order: bigint): GlvWeight {
  let a = 0n;
  let b = 0n;
  for (let j = 7; j >= 0; j--) {
    a = (a << 8n) | BigInt(bytes[offset + j]!);
    b = (b << 8n) | BigInt(bytes[offset + 8 + j]!);
  }
  return { a, b, r: (a + GLV_LAMBDA * b) % order };
}

/**
 * Width-W NAF digits of a 64-bit value, one per position 0..64 (HMV Alg. 3.35), computed on two
 * 32-bit halves in JavaScript numbers.
 */
function wnaf64(s: bigint): Int8Array {
  const bits = new Uint8Array(HALF_BITS + W + 1);
  for (let w = 0; w < 2; w++) {
    let word = Number(BigInt.asUintN(32, s >> BigInt(32 * w)));
    for (let b = 32 * w; word !== 0; b++, word >>>= 1) bits[b] = word & 1;
  }
  const digits = new Int8Array(HALF_BITS + 1);
  for (let i = 0; i <= HALF_BITS; ) {
    if (bits[i] === 0) {
      i++;
      continue;
    }
    let d = 0;
    for (let j = 0; j < W; j++) d |= bits[i + j]! << j;
    if (d >= 1 << (W - 1)) {
      d -= 1 << W;
      let p = i + W;
      while (bits[p] === 1) bits[p++] = 0;
      bits[p] = 1;
    }
    digits[i] = d;
    i += W;
  }
  return digits;
}

/**
 * r_k·P_k = a_k·P_k + b_k·φ(P_k) for affine non-zero points P_k of G1: Jacobian results, in this
 * thread on `c`'s own wasm instance (direct calls: the JavaScript loop costs far less than the
 * doublings it saves). Tables for all points are made affine with one batch inversion.
 */
export function timesGlvWeights(c: Curve, points: readonly PointBytes[], weights: readonly GlvWeight[]): PointBytes[] {
  if (points.length !== weights.length) throw new Error("timesGlvWeights takes one weight per point");
  const out: PointBytes[] = [];
  // Chunks keep the scratch tables (~34 KB per 64 points) well inside the instance's fixed memory.
  for (let start = 0; start < points.length; start += CHUNK) {
    out.push(...timesGlvWeightsChunk(c, points.slice(start, start + CHUNK), weights.slice(start, start + CHUNK)));
  }
  return out;
}

function timesGlvWeightsChunk(c: Curve, points: readonly PointBytes[], weights: readonly GlvWeight[]): PointBytes[] {
  const n = points.length;
  const tm = c.tm;
  const w = tm.instance.exports as unknown as G1Wasm;
  tm.startSyncOp();
  try {
    const beta = tm.allocBuff(betaOf(c));
    const p = tm.alloc(G1_AFF);
    const twice = tm.alloc(G1_JAC);
    const jac = tm.alloc(n * ODD * G1_JAC);
    // The odd multiples of every P_k (ODD per point), affine, then their φ images in the same order.
    const table = tm.alloc(n * ODD * G1_AFF);
    const images = tm.alloc(n * ODD * G1_AFF);
    points.forEach((point, k) => {
      if (point.length !== G1_AFF) throw new Error("timesGlvWeights takes affine points");
      tm.setBuff(p, point);
      const first = jac + k * ODD * G1_JAC;
      w.g1m_toJacobian(p, first);
      w.g1m_double(first, twice);
      w.g1m_addMixed(twice, p, first + G1_JAC);
      for (let m = 2; m < ODD; m++) w.g1m_add(first + (m - 1) * G1_JAC, twice, first + m * G1_JAC);
    });
    w.g1m_batchToAffine(jac, n * ODD, table);
    for (let e = 0; e < n * ODD; e++) {
      w.f1m_mul(table + e * G1_AFF, beta, images + e * G1_AFF);
      tm.u8.copyWithin(images + e * G1_AFF + FP, table + e * G1_AFF + FP, table + (e + 1) * G1_AFF);
    }
    const acc = tm.alloc(G1_JAC);
    /** acc ± |d|·T for the table half T (odd multiples of P or of φ(P)) and a nonzero odd digit d. */
    const add = (half: number, d: number): void => {
      const entry = half + ((Math.abs(d) - 1) >> 1) * G1_AFF;
      if (d > 0) w.g1m_addMixed(acc, entry, acc);
      else w.g1m_subMixed(acc, entry, acc);
    };
    return weights.map((weight, k) => {
      const da = wnaf64(weight.a);
      const db = wnaf64(weight.b);

      w.g1m_zero(acc);
      let started = false;
      for (let i = HALF_BITS; i >= 0; i--) {
        if (started) w.g1m_double(acc, acc);
        const [dA, dB] = [da[i]!, db[i]!];
        if (dA !== 0) {
          add(table + k * ODD * G1_AFF, dA);
          started = true;
        }
        if (dB !== 0) {
          add(images + k * ODD * G1_AFF, dB);
          started = true;
        }
      }
      return tm.getBuff(acc, G1_JAC);
    });
  } finally {
    tm.endSyncOp();
  }
}

/** φ(P) = (β·x, y) for affine points (in the curve's internal form), concatenated. */
export function endomorphismImages(c: Curve, points: Uint8Array): Uint8Array {
  const tm = c.tm;
  const w = tm.instance.exports as unknown as G1Wasm;
  const out = new Uint8Array(points.length);
  for (let start = 0; start < points.length; start += CHUNK * G1_AFF) {
    const part = points.subarray(start, start + CHUNK * G1_AFF);
    tm.startSyncOp();
    try {
      const beta = tm.allocBuff(betaOf(c));
      const buf = tm.allocBuff(part);
      for (let k = 0; k < part.length / G1_AFF; k++) w.f1m_mul(buf + k * G1_AFF, beta, buf + k * G1_AFF);
      out.set(tm.u8.subarray(buf, buf + part.length), start);
    } finally {
      tm.endSyncOp();
    }
  }
  return out;
}
