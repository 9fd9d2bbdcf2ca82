/**
 * Groth16 verification on BN254 with pinned keys.
 *
 * Uses ffjavascript's curve in single-threaded mode, built once (from pre-generated wasm) and kept:
 * a 3-Miller-loop check gains nothing from worker threads, and without workers the Node process
 * exits by itself.
 * Proof points are parsed strictly (canonical affine coordinates below the base field, on the
 * curve, pi_b in the prime-order subgroup of G2) before any pairing is computed.
 */
import type { VerificationKey } from "../artifacts/manifest.js";
import { buildCurve, type Curve } from "./curve.js";
import { BASE_FIELD_ORDER, parseCanonical } from "../core/field.js";
import { inG2Subgroup } from "./pairing.js";

export type { Curve };

/** A Groth16 proof as snarkjs writes it (affine points with z = 1), all strings. */
export interface Groth16Proof {
  /** Point A in G1: x, y and "1". Coordinates are canonical decimals below the BN254 base field order. */
  pi_a: [string, string, string];
  /** Point B in G2: x, y and ["1", "0"], each a pair [c0, c1] of canonical decimal coordinates. */
  pi_b: [[string, string], [string, string], [string, string]];
  /** Point C in G1, written like `pi_a`. */
  pi_c: [string, string, string];
  /** Always "groth16". */
  protocol: "groth16";
  /** Always "bn128" (snarkjs's name for BN254). */
  curve: "bn128";
}

export interface ParsedProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

function coord(v: unknown): bigint | undefined {
  return parseCanonical(v, BASE_FIELD_ORDER);
}

function pair(v: unknown): [bigint, bigint] | undefined {
  if (!Array.isArray(v) || v.length !== 2) return undefined;
  const x = coord(v[0]);
  const y = coord(v[1]);
  return x === undefined || y === undefined ? undefined : [x, y];
}

/**
 * Parses an untrusted proof object. Returns undefined unless it is exactly a snarkjs Groth16
 * proof with canonical affine coordinates.
 */
export function parseProof(proof: unknown): ParsedProof | undefined {
  if (typeof proof !== "object" || proof === null) return undefined;
  const p = proof as Record<string, unknown>;
  if (p["protocol"] !== "groth16" || p["curve"] !== "bn128") return undefined;
  const { pi_a, pi_b, pi_c } = p;
  if (!Array.isArray(pi_a) || pi_a.length !== 3 || pi_a[2] !== "1") return undefined;
  if (!Array.isArray(pi_c) || pi_c.length !== 3 || pi_c[2] !== "1") return undefined;
  if (!Array.isArray(pi_b) || pi_b.length !== 3) return undefined;
  const bz = pi_b[2];
  if (!Array.isArray(bz) || bz.length !== 2 || bz[0] !== "1" || bz[1] !== "0") return undefined;
  const a = pair(pi_a.slice(0, 2));
  const c = pair(pi_c.slice(0, 2));
  const bx = pair(pi_b[0]);
  const by = pair(pi_b[1]);
  if (!a || !c || !bx || !by) return undefined;
  return { a, b: [bx, by], c };
}

/** On-curve checks: A and C on G1 (cofactor 1, so on the curve means in the group), B on the twist. */
export async function pointsOnCurve(p: ParsedProof): Promise<boolean> {
  const c = await curve();
  return c.G1.isValid(g1(c, p.a)) && c.G1.isValid(g1(c, p.c)) && c.G2.isValid(g2(c, p.b));
}

/**
 * Whether each proof's B lies in the prime-order subgroup of G2 (the twist has a large cofactor).
 * Callers must have checked {@link pointsOnCurve}. With `pool` (a multi-threaded curve) the checks
 * are spread over its workers.
 */
export async function g2SubgroupChecks(proofs: readonly ParsedProof[], pool?: Curve): Promise<boolean[]> {
  const c = await curve();
  const points = proofs.map((p) => c.G2.toJacobian(g2(c, p.b)));
  if (!pool) return inG2Subgroup(c, points);
  const parts = await Promise.all(chunks(points, pool.tm.concurrency as number).map((part) => inG2Subgroup(pool, part)));
  return parts.flat();
}

/** On the curve, and B in G2's prime-order subgroup: everything a proof's points must satisfy. */
export async function proofPointsValid(p: ParsedProof): Promise<boolean> {
  return (await pointsOnCurve(p)) && (await g2SubgroupChecks([p]))[0]!;
}

/** Splits items into at most `n` contiguous, near-equal parts (none empty). */
export function chunks<T>(items: readonly T[], n: number): T[][] {
  const parts = Math.max(1, Math.min(n, items.length));
  const out: T[][] = [];
  for (let i = 0; i < parts; i++) out.push(items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
  return out.filter((part) => part.length > 0);
}

/** The G1 point of affine coordinates, in the curve's internal affine form. */
export function g1(c: Curve, xy: readonly [bigint, bigint]): Uint8Array {
  return c.G1.fromObject([xy[0], xy[1], 1n]);
}

/** The G2 point of affine coordinates, in the curve's internal affine form. */
export function g2(c: Curve, xy: readonly [readonly [bigint, bigint], readonly [bigint, bigint]]): Uint8Array {
  return c.G2.fromObject([xy[0], xy[1], [1n, 0n]]);
}

let curvePromise: Promise<Curve> | undefined;

/** The shared single-threaded curve (no worker threads: nothing keeps the process alive). */
export function curve(): Promise<Curve> {
  curvePromise ??= buildCurve(true);
  return curvePromise;
}

/** A verification key with its points converted once to the curve's internal form. */
export interface PreparedKey {
  nPublic: number;
  alpha: Uint8Array;
  /**
   * β, γ and δ prepared for the Miller loop (their line coefficients, ~19 KB each) and e(α, β),
   * kept resident in the verifier curve's wasm memory: pointers, computed and copied in once per
   * key, so a verification does not copy them in again.
   */
  resident: { beta: number; gamma: number; delta: number; alphaBeta: number; ic: number };
  ic0: Uint8Array;
}

/** Copies `bytes` into the verifier curve's wasm memory for good; returns the pointer. */
function resident(c: Curve, bytes: Uint8Array): number {
  // NOTE: a permanent bump allocation on the main instance (as ffjavascript's own field objects
  // make for their operands): only a few per key, never freed, never inside a sync operation.
  const ptr: number = c.tm.alloc(bytes.length);
  c.tm.setBuff(ptr, bytes);
  return ptr;
}

export async function prepareKey(vk: VerificationKey): Promise<PreparedKey> {
  const c = await curve();
  const big = (xs: string[]) => xs.map(BigInt);
  const point2 = (xs: string[][]) => c.G2.fromObject(xs.map(big));
  const prepare = (q: Uint8Array): Uint8Array => c.prepareG2(c.G2.toJacobian(q));
  const ic = new Uint8Array(c.G1.F.n8 * 2 * vk.nPublic);
  for (let i = 0; i < vk.nPublic; i++) {
    // fromObject of an [x, y, 1] point gives the affine form the multiexp wants.
    ic.set(c.G1.fromObject(big(vk.IC[i + 1]!)), i * c.G1.F.n8 * 2);
  }
  const alpha = c.G1.fromObject(big(vk.vk_alpha_1));
  const beta = point2(vk.vk_beta_2);
  return {
    nPublic: vk.nPublic,
    alpha,
    resident: {
      beta: resident(c, prepare(beta)),
      gamma: resident(c, prepare(point2(vk.vk_gamma_2))),
      delta: resident(c, prepare(point2(vk.vk_delta_2))),
      alphaBeta: resident(c, c.pairing(alpha, beta)),
      ic: resident(c, ic),
    },
    ic0: c.G1.fromObject(big(vk.IC[0]!)),
  };
}

/** A G1 point (affine or Jacobian) with a G2 point: resident prepared coefficients, or a Jacobian point to prepare. */
export type PairingTerm = { p: Uint8Array; preparedQ: number } | { p: Uint8Array; q: Uint8Array };

/**
 * Whether FE(Π_k f_{p_k, q_k} · Π factors) equals the resident G_T element `target` (default 1):
 * the Miller loops, their product and the final exponentiation run in one pass on the verifier
 * curve's own wasm instance, without copying prepared coefficients in and out.
 * Terms whose G1 point is zero are skipped (e(O, Q) = 1, and O must not enter the loop).
 */
export function pairingProductIs(c: Curve, terms: readonly PairingTerm[], factors: readonly Uint8Array[], target?: number): boolean {
  const live = terms.filter((t) => !c.G1.isZero(t.p)).map((t) => ({ ...t, p: c.G1.toJacobian(t.p) as Uint8Array }));
  const tm = c.tm;
  const wasm = tm.instance.exports;
  tm.startSyncOp();
  try {
    const f = tm.alloc(c.Gt.n8);
    const t = tm.alloc(c.Gt.n8);
    const p = tm.alloc(c.G1.F.n8 * 3);
    const preP = tm.alloc(c.prePSize);
    let q = 0;
    let preQ = 0;
    wasm.ftm_one(f);
    for (const term of live) {
      tm.setBuff(p, term.p);
      wasm.bn128_prepareG1(p, preP);
      let coefficients: number;
      if ("preparedQ" in term) {
        coefficients = term.preparedQ;
      } else {
        q ||= tm.alloc(c.G2.F.n8 * 3);
        preQ ||= tm.alloc(c.preQSize);
        tm.setBuff(q, term.q);
        wasm.bn128_prepareG2(q, preQ);
        coefficients = preQ;
      }
      wasm.bn128_millerLoop(preP, coefficients, t);
      wasm.ftm_mul(f, t, f);
    }
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
 * L = IC_0 + Σ_j s_j·IC_j for little-endian scalars s (n8r bytes each); IC_0 scaled by `ic0Times`
 * if given. One call into the wasm multiexp over the resident IC points: for the few public
 * inputs of a proof, ffjavascript's chunked multiExpAffine spends more in JavaScript than in wasm.
 */
export async function publicInputPoint(c: Curve, key: PreparedKey, scalars: Uint8Array, ic0Times: bigint | undefined): Promise<Uint8Array> {
  const tm = c.tm;
  let sum: Uint8Array;
  tm.startSyncOp();
  try {
    const pScalars = tm.allocBuff(scalars);
    const pSum = tm.alloc(c.G1.F.n8 * 3);
    tm.instance.exports.g1m_multiexpAffine(key.resident.ic, pScalars, c.Fr.n8, key.nPublic, pSum);
    sum = tm.getBuff(pSum, c.G1.F.n8 * 3);
  } finally {
    tm.endSyncOp();
  }
  return c.G1.add(sum, ic0Times === undefined ? key.ic0 : c.G1.timesScalar(key.ic0, ic0Times));
}

/**
 * Checks e(A, B) = e(α, β)·e(L, γ)·e(C, δ), L = IC_0 + Σ_i s_i·IC_i, as
 * FE(f_{A,B} · f_{−L,γ} · f_{−C,δ}) = e(α, β): three Miller loops (two on resident prepared
 * points) and one final exponentiation, against a precomputed e(α, β).
 * NOTE: callers must pass canonical signals (< r) of exactly key.nPublic entries and a proof
 * from {@link parseProof} that passed {@link proofPointsValid}; this function only does the
 * arithmetic.
 */
export async function verifyGroth16(key: PreparedKey, signals: readonly bigint[], proof: ParsedProof): Promise<boolean> {
  const c = await curve();
  const w = new Uint8Array(c.Fr.n8 * key.nPublic);
  for (let i = 0; i < key.nPublic; i++) {
    let s = signals[i]!;
    for (let j = 0; j < c.Fr.n8; j++, s >>= 8n) w[i * c.Fr.n8 + j] = Number(s & 0xffn);
  }
  const l = await publicInputPoint(c, key, w, undefined);
  return pairingProductIs(
    c,
    [
      { p: g1(c, proof.a), q: c.G2.toJacobian(g2(c, proof.b)) },
      { p: c.G1.neg(l), preparedQ: key.resident.gamma },
      { p: c.G1.neg(g1(c, proof.c)), preparedQ: key.resident.delta },
    ],
    [],
    key.resident.alphaBeta,
  );
}
