/**
 * The per-proof curve work of Groth16 verification, written as ffjavascript thread-manager tasks
 * (lists of calls into the BN254 wasm module). The same task runs in-thread on a single-threaded
 * curve or on any worker of a multi-threaded one, so single verification, batches and batches
 * spread over every core share one implementation.
 */
import type { Curve } from "./curve.js";

/** One step of a thread-manager task (see ffjavascript's threadman_thread.js). */
type Step =
  | { cmd: "ALLOC"; var: number; len: number }
  | { cmd: "SET"; var: number; buff: Uint8Array }
  | { cmd: "CALL"; fnName: string; params: Array<{ var: number; offset?: number } | { val: number }> }
  | { cmd: "GET"; out: number; var: number; len: number };

const G1_JAC = 96;
const G2_JAC = 192;
const FP = 32;
const FP2 = 64;
const GT = 384;

/** The BN254 seed u (the curve's parameter x): 63 bits, positive. */
export const BN254_SEED = 4965661367192848881n;

function le(v: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

const v = (index: number, offset = 0) => ({ var: index, offset });
const call = (fnName: string, ...params: Array<{ var: number; offset?: number } | { val: number }>): Step => ({ cmd: "CALL", fnName, params });

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
    const q = c.q as bigint;
    const xi = c.F2.fromObject([9n, 1n]);
    k = { cx: c.F2.exp(xi, (q - 1n) / 3n), cy: c.F2.exp(xi, (q - 1n) / 2n) };
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
 * A task whose output k is D_k = [u+1]P + ψ([u]P) + ψ²([u]P) − ψ³([2u]P) for the k-th Jacobian
 * point: P is in the order-r subgroup of G2 iff D_k is the point at infinity.
 *
 * NOTE (soundness): this is the membership test of Dai, Lin, Zhao and Zhou (eprint 2022/348,
 * §5, as also used by Ethereum's research implementation for BN254): for BN curves whose seed
 * satisfies u ≢ 4 (mod 13) and u ≢ 92 (mod 97), [u+1]P + ψ([u]P) + ψ²([u]P) = ψ³([2u]P) holds
 * exactly for the points of E'(Fp2) in G2. BN254's u = 4965661367192848881 meets both conditions
 * (test/g2-subgroup.test.ts checks them, and cross-checks the test against r·P = O on subgroup
 * points, on random twist points and on subgroup points shifted by cofactor-order components).
 * It costs one 63-bit scalar multiplication instead of the 254-bit r·P.
 */
export function g2SubgroupTask(c: Curve, points: readonly Uint8Array[]): Step[] {
  const { cx, cy } = psiConstants(c);
  const [P, UP, T, Q, D, U, CX, CY] = [0, 1, 2, 3, 4, 5, 6, 7];
  const task: Step[] = [
    { cmd: "ALLOC", var: P, len: G2_JAC },
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
      call("g2m_timesScalar", v(P), v(U), { val: 8 }, v(UP)), // [u]P
      call("g2m_add", v(UP), v(P), v(T)), // [u+1]P
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

/** Runs {@link g2SubgroupTask}: one boolean per Jacobian point, true iff it is in G2's subgroup. */
export async function inG2Subgroup(c: Curve, points: readonly Uint8Array[]): Promise<boolean[]> {
  if (points.length === 0) return [];
  const out = (await c.tm.queueAction(g2SubgroupTask(c, points))) as Uint8Array[];
  return out.map((d) => c.G2.isZero(d) as boolean);
}

/** A Miller-loop term: G1 point p (Jacobian), optionally scaled by a little-endian scalar, and G2 point q (Jacobian). */
export interface MillerTerm {
  p: Uint8Array;
  scalar?: Uint8Array;
  q: Uint8Array;
}

/**
 * A task whose output 0 is Π_k f_{[s_k]p_k, q_k}: the product of the Miller loops of its terms
 * (before the final exponentiation). Scaling p in the task keeps the G1 work next to the loop.
 * NOTE: every p must be a non-zero point of G1 and every q a point of G2's subgroup (the callers
 * check them first); a zero G1 point would have to be skipped, not fed to the loop.
 */
export function millerProductTask(terms: readonly MillerTerm[], prePSize: number, preQSize: number): Step[] {
  const [ACC, P, SP, PRE_P, Q, PRE_Q, ML, S] = [0, 1, 2, 3, 4, 5, 6, 7];
  const task: Step[] = [
    { cmd: "ALLOC", var: ACC, len: GT },
    call("ftm_one", v(ACC)),
    { cmd: "ALLOC", var: P, len: G1_JAC },
    { cmd: "ALLOC", var: SP, len: G1_JAC },
    { cmd: "ALLOC", var: PRE_P, len: prePSize },
    { cmd: "ALLOC", var: Q, len: G2_JAC },
    { cmd: "ALLOC", var: PRE_Q, len: preQSize },
    { cmd: "ALLOC", var: ML, len: GT },
    { cmd: "ALLOC", var: S, len: FP },
  ];
  for (const term of terms) {
    task.push({ cmd: "SET", var: P, buff: term.p });
    if (term.scalar) {
      if (term.scalar.length > FP) throw new Error("scalar wider than 32 bytes");
      task.push(
        { cmd: "SET", var: S, buff: term.scalar },
        call("g1m_timesScalar", v(P), v(S), { val: term.scalar.length }, v(SP)),
        call("bn128_prepareG1", v(SP), v(PRE_P)),
      );
    } else {
      task.push(call("bn128_prepareG1", v(P), v(PRE_P)));
    }
    task.push(
      { cmd: "SET", var: Q, buff: term.q },
      call("bn128_prepareG2", v(Q), v(PRE_Q)),
      call("bn128_millerLoop", v(PRE_P), v(PRE_Q), v(ML)),
      call("ftm_mul", v(ACC), v(ML), v(ACC)),
    );
  }
  task.push({ cmd: "GET", out: 0, var: ACC, len: GT });
  return task;
}

/** Runs {@link millerProductTask} on `c` (in-thread, or on a worker of a multi-threaded curve). */
export async function millerProduct(c: Curve, terms: readonly MillerTerm[]): Promise<Uint8Array> {
  const out = (await c.tm.queueAction(millerProductTask(terms, c.prePSize, c.preQSize))) as Uint8Array[];
  return out[0]!;
}
