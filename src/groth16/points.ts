/**
 * Proof points in the curve's internal form and the group checks every proof point must pass
 * before it enters a Miller loop: A and C on G1 (cofactor 1, so on the curve means in the group),
 * B on the twist and in its prime-order subgroup (the twist has a large cofactor).
 *
 * NOTE: ffjavascript encodes the point at infinity as all-zero coordinates and its `isValid` is
 * true for it, so every check here refuses zero points explicitly as well (parseProof already
 * refuses their encodings).
 */
import type { Curve, PointBytes } from "./curve.js";
import type { ProofPoints } from "./proof.js";
import { FP2, G2_AFF, G2_JAC, type Step, call, le, v } from "./thread-task.js";

/** The G1 point of affine coordinates, in the curve's internal affine form. */
export function g1(c: Curve, xy: readonly [bigint, bigint]): PointBytes {
  return c.G1.fromObject([xy[0], xy[1], 1n]);
}

/** The G2 point of affine coordinates, in the curve's internal affine form. */
export function g2(c: Curve, xy: readonly [readonly [bigint, bigint], readonly [bigint, bigint]]): PointBytes {
  return c.G2.fromObject([xy[0], xy[1], [1n, 0n]]);
}

/** A proof's points in a curve's internal affine form. */
export interface InternalPoints {
  readonly a: PointBytes;
  readonly b: PointBytes;
  readonly c: PointBytes;
}

const internalCache = new WeakMap<ProofPoints, { curve: Curve; points: InternalPoints }>();

/**
 * The proof's points in `c`'s internal affine form, converted once per proof object (the checks
 * and the batch read each point two or three times; a conversion from bigints costs a few µs).
 * Keyed by the object: proofs are immutable (parseProof freezes them, ProofPoints is readonly).
 * Callers must not write into the returned bytes (every curve operation copies its operands).
 */
export function internalPoints(c: Curve, p: ProofPoints): InternalPoints {
  const hit = internalCache.get(p);
  if (hit && hit.curve === c) return hit.points;
  const points = { a: g1(c, p.a), b: g2(c, p.b), c: g1(c, p.c) };
  internalCache.set(p, { curve: c, points });
  return points;
}

/** A and C on G1, B on the twist, none of them the point at infinity. */
export function pointsOnCurve(c: Curve, p: ProofPoints): boolean {
  const { a, b, c: cc } = internalPoints(c, p);
  return !c.G1.isZero(a) && !c.G1.isZero(cc) && !c.G2.isZero(b) && c.G1.isValid(a) && c.G1.isValid(cc) && c.G2.isValid(b);
}

/**
 * Whether each proof's B lies in the prime-order subgroup of G2. Callers must have checked
 * {@link pointsOnCurve}. With `pool` (a multi-threaded curve) the checks are spread over its
 * workers; without it they run in this thread on `c`.
 */
export async function g2SubgroupChecks(c: Curve, proofs: readonly ProofPoints[], pool?: Curve): Promise<boolean[]> {
  const points = proofs.map((p) => internalPoints(c, p).b);
  if (!pool) return inG2Subgroup(c, points);
  const parts = await Promise.all(chunks(points, pool.tm.concurrency).map((part) => inG2Subgroup(pool, part)));
  return parts.flat();
}

/** Splits items into at most `n` contiguous, near-equal parts (none empty). */
export function chunks<T>(items: readonly T[], n: number): T[][] {
  const parts = Math.max(1, Math.min(n, items.length));
  const out: T[][] = [];
  for (let i = 0; i < parts; i++) out.push(items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
  return out.filter((part) => part.length > 0);
}

// --- G2 subgroup membership ------------------------------------------------------------------

/** The BN254 seed u (the curve's parameter x): 63 bits, positive. */
export const BN254_SEED = 4965661367192848881n;

interface PsiConstants {
  cx: Uint8Array;
  cy: Uint8Array;
}
const psiCache = new WeakMap<object, PsiConstants>();

/**
 * ψ = twist⁻¹ ∘ Frobenius ∘ twist on G2: ψ(x, y) = (cx·x̄, cy·ȳ) with cx = ξ^((p−1)/3),
 * cy = ξ^((p−1)/2), ξ = 9 + u. On Jacobian coordinates Frobenius applies to Z too (x = X/Z²
 * gives x^p = X^p/(Z^p)²), so ψ(X : Y : Z) = (cx·X̄ : cy·Ȳ : Z̄).
 */
function psiConstants(c: Curve): PsiConstants {
  let k = psiCache.get(c);
  if (!k) {
    const xi = c.F2.fromObject([9n, 1n]);
    k = { cx: c.F2.exp(xi, (c.q - 1n) / 3n), cy: c.F2.exp(xi, (c.q - 1n) / 2n) };
    psiCache.set(c, k);
  }
  return k;
}

/** Steps computing dst = ψ(src) for Jacobian G2 points (vars); cx and cy are vars too. */
function psi(src: number, dst: number, cx: number, cy: number): Step[] {
  return [
    call("f2m_conjugate", v(src, 0), v(dst, 0)),
    call("f2m_mul", v(dst, 0), v(cx), v(dst, 0)),
    call("f2m_conjugate", v(src, FP2), v(dst, FP2)),
    call("f2m_mul", v(dst, FP2), v(cy), v(dst, FP2)),
    call("f2m_conjugate", v(src, 2 * FP2), v(dst, 2 * FP2)),
  ];
}

/**
 * A task whose output k is D_k = [u+1]P + ψ([u]P) + ψ²([u]P) − ψ³([2u]P) for the k-th affine
 * point: P is in the order-r subgroup of G2 iff D_k is the point at infinity. P stays affine so
 * that [u]P and [u]P + P use wasmcurves' mixed additions (g2m_timesScalarAffine, g2m_addMixed:
 * 7M + 4S in Fq2 each instead of 12M + 4S), as the proof's B arrives affine anyway.
 *
 * NOTE (soundness): this is the membership test of Dai, Lin, Zhao and Zhou (eprint 2022/348,
 * §5, as also used by Ethereum's research implementation for BN254): for BN curves whose seed
 * satisfies u ≢ 4 (mod 13) and u ≢ 92 (mod 97), [u+1]P + ψ([u]P) + ψ²([u]P) = ψ³([2u]P) holds
 * exactly for the points of E'(Fp2) in G2. BN254's u = 4965661367192848881 meets both conditions
 * (test/unit/groth16/g2-subgroup.test.ts checks them, and cross-checks the test against r·P = O
 * on subgroup points, on random twist points and on subgroup points shifted by cofactor-order
 * components). It costs one 63-bit scalar multiplication instead of the 254-bit r·P.
 */
export function g2SubgroupTask(c: Curve, points: readonly Uint8Array[]): Step[] {
  const { cx, cy } = psiConstants(c);
  const [P, UP, T, Q, D, U, CX, CY] = [0, 1, 2, 3, 4, 5, 6, 7];
  if (points.some((point) => point.length !== G2_AFF)) throw new Error("g2SubgroupTask takes affine points");
  const task: Step[] = [
    { cmd: "ALLOC", var: P, len: G2_AFF },
    { cmd: "ALLOC", var: UP, len: G2_JAC },
    { cmd: "ALLOC", var: T, len: G2_JAC },
    { cmd: "ALLOC", var: Q, len: G2_JAC },
    { cmd: "ALLOC", var: D, len: G2_JAC },
    { cmd: "ALLOC", var: U, len: 8 },
    { cmd: "SET", var: U, buff: le(BN254_SEED, 8) },
    { cmd: "ALLOC", var: CX, len: FP2 },
    { cmd: "SET", var: CX, buff: cx },
    { cmd: "ALLOC", var: CY, len: FP2 },
    { cmd: "SET", var: CY, buff: cy },
  ];
  points.forEach((point, k) => {
    task.push(
      { cmd: "SET", var: P, buff: point },
      call("g2m_timesScalarAffine", v(P), v(U), { val: 8 }, v(UP)), // [u]P
      call("g2m_addMixed", v(UP), v(P), v(T)), // [u+1]P
      ...psi(UP, Q, CX, CY), // ψ([u]P)
      call("g2m_add", v(T), v(Q), v(T)),
      ...psi(Q, D, CX, CY), // ψ²([u]P)
      call("g2m_add", v(T), v(D), v(T)),
      call("g2m_double", v(UP), v(D)), // [2u]P
      ...psi(D, Q, CX, CY),
      ...psi(Q, D, CX, CY),
      ...psi(D, Q, CX, CY), // ψ³([2u]P)
      call("g2m_sub", v(T), v(Q), v(D)),
      { cmd: "GET", out: k, var: D, len: G2_JAC },
    );
  });
  return task;
}

/**
 * The non-adjacent form of u, most significant digit first: 24 nonzero digits instead of u's 28
 * one bits, so [u]P costs 62 doublings and 23 mixed additions or subtractions.
 */
const SEED_NAF: readonly number[] = (() => {
  const digits: number[] = [];
  for (let k = BN254_SEED; k > 0n; k >>= 1n) {
    const d = k & 1n ? 2n - (k & 3n) : 0n; // ±1 leaves k ≡ 0 (mod 4): no two adjacent nonzero digits
    digits.push(Number(d));
    k -= d;
  }
  return digits.reverse();
})();

/** The G2 exports the in-thread membership test calls. */
interface G2Wasm {
  g2m_toJacobian(a: number, out: number): void;
  g2m_double(a: number, out: number): void;
  g2m_add(a: number, b: number, out: number): void;
  g2m_sub(a: number, b: number, out: number): void;
  g2m_addMixed(a: number, b: number, out: number): void;
  g2m_subMixed(a: number, b: number, out: number): void;
  g2m_isZero(a: number): number;
  f2m_conjugate(a: number, out: number): void;
  f2m_mul(a: number, b: number, out: number): void;
}

/**
 * The same test as {@link g2SubgroupTask}, run in this thread on `c`'s own wasm instance: [u]P by
 * the NAF of u (the task interpreter's per-step cost would eat the saved additions, the direct
 * calls' does not), and no copies in and out of a task.
 */
function inG2SubgroupHere(c: Curve, points: readonly Uint8Array[]): boolean[] {
  const { cx, cy } = psiConstants(c);
  const tm = c.tm;
  const w = tm.instance.exports as unknown as G2Wasm;
  tm.startSyncOp();
  try {
    const [p, up, t, q, d] = [tm.alloc(G2_AFF), tm.alloc(G2_JAC), tm.alloc(G2_JAC), tm.alloc(G2_JAC), tm.alloc(G2_JAC)];
    const pcx = tm.allocBuff(cx);
    const pcy = tm.allocBuff(cy);
    /** dst = ψ(src) on Jacobian points (see psiConstants). */
    const psiHere = (src: number, dst: number): void => {
      w.f2m_conjugate(src, dst);
      w.f2m_mul(dst, pcx, dst);
      w.f2m_conjugate(src + FP2, dst + FP2);
      w.f2m_mul(dst + FP2, pcy, dst + FP2);
      w.f2m_conjugate(src + 2 * FP2, dst + 2 * FP2);
    };
    return points.map((point) => {
      if (point.length !== G2_AFF) throw new Error("inG2Subgroup takes affine points");
      tm.setBuff(p, point);
      w.g2m_toJacobian(p, up); // the leading NAF digit is 1
      for (let i = 1; i < SEED_NAF.length; i++) {
        w.g2m_double(up, up);
        if (SEED_NAF[i] === 1) w.g2m_addMixed(up, p, up);
        else if (SEED_NAF[i] === -1) w.g2m_subMixed(up, p, up);
      }
      w.g2m_addMixed(up, p, t); // [u+1]P
      psiHere(up, q); // ψ([u]P)
      w.g2m_add(t, q, t);
      psiHere(q, d); // ψ²([u]P)
      w.g2m_add(t, d, t);
      w.g2m_double(up, d); // [2u]P
      psiHere(d, q);
      psiHere(q, d);
      psiHere(d, q); // ψ³([2u]P)
      w.g2m_sub(t, q, d);
      return !!w.g2m_isZero(d);
    });
  } finally {
    tm.endSyncOp();
  }
}

/**
 * One boolean per affine point, true iff it is in G2's subgroup: on a single-threaded curve in
 * this thread ({@link inG2SubgroupHere}), on a multi-threaded one as a worker task
 * ({@link g2SubgroupTask}).
 */
export async function inG2Subgroup(c: Curve, points: readonly Uint8Array[]): Promise<boolean[]> {
  if (points.length === 0) return [];
  if (c.tm.singleThread) return inG2SubgroupHere(c, points);
  const out = await c.tm.queueAction(g2SubgroupTask(c, points));
  return out.map((d) => c.G2.isZero(d));
}
