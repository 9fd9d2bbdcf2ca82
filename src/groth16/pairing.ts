/**
 * The Groth16 pairing equation on BN254: one multi-Miller loop over all pairs (the Fq12 squarings
 * shared, scripts/bn254-multi-miller.mjs) and one final exponentiation, in the verifier curve's
 * wasm memory or as a task on any worker.
 *
 * The final exponentiation is wasmcurves' bn128_finalExponentiation, already the BN-specific one:
 * the easy part (p^6 − 1)(p^2 + 1) by a conjugation, an inversion and a Frobenius, and the hard
 * part (p^4 − p^2 + 1)/r by the addition chain of Fuentes-Castañeda, Knapp and Rodríguez-Henríquez
 * (SAC 2011, §5.2: three exponentiations by u, with Granger-Scott cyclotomic squarings, and
 * Frobenius maps), so medzk keeps it.
 *
 * Everything here is arithmetic only. NOTE (soundness): callers must pass points that passed
 * ./points.ts (on the curve, B in G2's prime-order subgroup, none the point at infinity) and
 * canonical signals (each < r) of exactly key.nPublic entries; `checkProof` in ./verify.ts is the
 * call that guarantees both.
 */
import { type Bn254Wasm, type Curve, type PointBytes, verifierCurve } from "./curve.js";
import { internalPoints } from "./points.js";
import { type PreparedKey, publicInputPoint } from "./prepared-key.js";
import type { ProofPoints } from "./proof.js";
import { FP, G1_AFF, G1_JAC, G2_JAC, GT, type Step, call, v } from "./thread-task.js";

/**
 * A Miller-loop term: G1 point p, optionally scaled by a little-endian scalar, and G2 point q
 * (Jacobian). p is Jacobian, or affine when scaled (then scaled with wasmcurves' mixed additions,
 * g1m_timesScalarAffine).
 */
export interface MillerTerm {
  p: PointBytes;
  scalar?: Uint8Array;
  q: PointBytes;
}

/** The wasm scalar multiplication for a G1 point of either form. */
function timesScalar(p: PointBytes): string {
  if (p.length === G1_AFF) return "g1m_timesScalarAffine";
  if (p.length === G1_JAC) return "g1m_timesScalar";
  throw new Error("a G1 point is 64 (affine) or 96 (Jacobian) bytes");
}

/**
 * A task whose output 0 is Π_k f_{[s_k]p_k, q_k}: the product of the Miller loops of its terms
 * (before the final exponentiation), computed as one multi-Miller loop (bn128_multiMillerLoop,
 * scripts/bn254-multi-miller.mjs: one Fq12 squaring per step for all terms). Scaling p in the task
 * keeps the G1 work next to the loop.
 * NOTE: every p must be a non-zero point of G1 and every q a point of G2's subgroup (the callers
 * check them first); a zero G1 point would have to be skipped, not fed to the loop. Needs ≥ 1 term.
 */
export function millerProductTask(terms: readonly MillerTerm[], prePSize: number, preQSize: number): Step[] {
  if (terms.length === 0) throw new Error("millerProductTask needs at least one term");
  const [P, SP, PRE_P, Q, PRE_Q, ML, S] = [0, 1, 2, 3, 4, 5, 6];
  const task: Step[] = [
    { cmd: "ALLOC", var: P, len: G1_JAC },
    { cmd: "ALLOC", var: SP, len: G1_JAC },
    { cmd: "ALLOC", var: PRE_P, len: prePSize * terms.length },
    { cmd: "ALLOC", var: Q, len: G2_JAC },
    { cmd: "ALLOC", var: PRE_Q, len: preQSize * terms.length },
    { cmd: "ALLOC", var: ML, len: GT },
    { cmd: "ALLOC", var: S, len: FP },
  ];
  terms.forEach((term, k) => {
    task.push({ cmd: "SET", var: P, buff: term.p });
    if (term.scalar) {
      if (term.scalar.length > FP) throw new Error("scalar wider than 32 bytes");
      task.push(
        { cmd: "SET", var: S, buff: term.scalar },
        call(timesScalar(term.p), v(P), v(S), { val: term.scalar.length }, v(SP)),
        call("bn128_prepareG1", v(SP), v(PRE_P, k * prePSize)),
      );
    } else {
      task.push(call("bn128_prepareG1", v(P), v(PRE_P, k * prePSize)));
    }
    task.push({ cmd: "SET", var: Q, buff: term.q }, call("bn128_prepareG2", v(Q), v(PRE_Q, k * preQSize)));
  });
  task.push(call("bn128_multiMillerLoop", v(PRE_P), v(PRE_Q), { val: terms.length }, v(ML)), { cmd: "GET", out: 0, var: ML, len: GT });
  return task;
}

/**
 * The same product, one Miller loop per term (wasmcurves' bn128_millerLoop): for a shared curve
 * built from ffjavascript's own wasm generation, which has no multi-Miller loop. That happens when
 * snarkjs built the process's shared curve (globalThis.curve_bn128) before medzk did, e.g. after a
 * direct `snarkjs.groth16.verify`; the result is the same, only slower.
 */
function millerLoopsTask(terms: readonly MillerTerm[], prePSize: number, preQSize: number): Step[] {
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
      task.push(
        { cmd: "SET", var: S, buff: term.scalar },
        call(timesScalar(term.p), v(P), v(S), { val: term.scalar.length }, v(SP)),
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

/** Whether `c`'s wasm has medzk's multi-Miller loop (its workers run the same module). */
function hasMultiMillerLoop(c: Curve): boolean {
  return typeof (c.tm.instance.exports as Partial<Bn254Wasm>).bn128_multiMillerLoop === "function";
}

/** Runs {@link millerProductTask} on `c` (in-thread, or on a worker of a multi-threaded curve). */
export async function millerProduct(c: Curve, terms: readonly MillerTerm[]): Promise<Uint8Array> {
  const task = hasMultiMillerLoop(c) ? millerProductTask(terms, c.prePSize, c.preQSize) : millerLoopsTask(terms, c.prePSize, c.preQSize);
  const out = await c.tm.queueAction(task);
  return out[0]!;
}

/** A G1 point (affine or Jacobian) with a G2 point: resident prepared coefficients, or a Jacobian point to prepare. */
export type PairingTerm = { p: PointBytes; preparedQ: number } | { p: PointBytes; q: PointBytes };

/**
 * Π_k f_{p_k, q_k} (before the final exponentiation) on the verifier curve's own wasm instance:
 * a batch computes its fixed terms with this while the workers run, so that only the
 * multiplications and the final exponentiation wait for them.
 */
export function millerProductHere(c: Curve, terms: readonly PairingTerm[]): Uint8Array {
  const tm = c.tm;
  tm.startSyncOp();
  try {
    const f = tm.alloc(c.Gt.n8);
    millerInto(c, terms, f);
    return tm.getBuff(f, c.Gt.n8);
  } finally {
    tm.endSyncOp();
  }
}

/**
 * Writes Π_k f_{p_k, q_k} of the terms to `f` (inside the caller's sync operation). Terms whose G1
 * point is zero are skipped (e(O, Q) = 1, and O must not enter the loop).
 */
function millerInto(c: Curve, terms: readonly PairingTerm[], f: number): void {
  const live = terms.filter((t) => !c.G1.isZero(t.p)).map((t) => ({ ...t, p: c.G1.toJacobian(t.p) }));
  const tm = c.tm;
  const wasm = tm.instance.exports;
  const p = tm.alloc(c.G1.F.n8 * 3);
  const q = tm.alloc(c.G2.F.n8 * 3);
  // The multi-Miller loop reads its pairs from two contiguous arrays: G1 points prepared here,
  // and line coefficients, prepared here or copied from the key's resident ones (~19 KB each,
  // a memcpy, far below a line evaluation).
  const preP = tm.alloc(c.prePSize * live.length);
  const preQ = tm.alloc(c.preQSize * live.length);
  live.forEach((term, k) => {
    tm.setBuff(p, term.p);
    wasm.bn128_prepareG1(p, preP + k * c.prePSize);
    if ("preparedQ" in term) {
      tm.u8.copyWithin(preQ + k * c.preQSize, term.preparedQ, term.preparedQ + c.preQSize);
    } else {
      tm.setBuff(q, term.q);
      wasm.bn128_prepareG2(q, preQ + k * c.preQSize);
    }
  });
  if (live.length > 0) wasm.bn128_multiMillerLoop(preP, preQ, live.length, f);
  else wasm.ftm_one(f);
}

/**
 * Whether FE(Π_k f_{p_k, q_k} · Π factors) equals the resident G_T element `target` (default 1):
 * one multi-Miller loop over the terms and the final exponentiation, in one pass on the verifier
 * curve's own wasm instance, without copying prepared coefficients in or out of it.
 * Terms whose G1 point is zero are skipped (e(O, Q) = 1, and O must not enter the loop).
 */
export function pairingProductIs(c: Curve, terms: readonly PairingTerm[], factors: readonly Uint8Array[], target?: number): boolean {
  const tm = c.tm;
  const wasm = tm.instance.exports;
  tm.startSyncOp();
  try {
    const f = tm.alloc(c.Gt.n8);
    const t = tm.alloc(c.Gt.n8);
    millerInto(c, terms, f);
    for (const factor of factors) {
      tm.setBuff(t, factor);
      wasm.ftm_mul(f, t, f);
    }
    wasm.bn128_finalExponentiation(f, f);
    if (target === undefined) wasm.ftm_one(t);
    return !!wasm.ftm_eq(f, target ?? t);
  } finally {
    tm.endSyncOp();
  }
}

/**
 * Whether e(A, B) = e(α, β)·e(L, γ)·e(C, δ), L = IC_0 + Σ_i s_i·IC_i, computed as
 * FE(f_{A,B} · f_{−L,γ} · f_{−C,δ}) = e(α, β): one multi-Miller loop over three pairs (two on
 * resident prepared points) and one final exponentiation on the verifier curve (which holds the
 * key's resident points), against the key's precomputed e(α, β).
 * Arithmetic only: see the module NOTE for what the caller must have checked.
 */
export async function pairingCheck(key: PreparedKey, signals: readonly bigint[], proof: ProofPoints): Promise<boolean> {
  const c = await verifierCurve();
  const points = internalPoints(c, proof);
  const l = publicInputPoint(c, key, signals.slice(0, key.nPublic), undefined);
  return pairingProductIs(
    c,
    [
      { p: points.a, q: c.G2.toJacobian(points.b) },
      { p: c.G1.neg(l), preparedQ: key.resident.gamma },
      { p: c.G1.neg(points.c), preparedQ: key.resident.delta },
    ],
    [],
    key.resident.alphaBeta,
  );
}
