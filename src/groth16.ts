/**
 * Groth16 verification on BN254 with pinned keys.
 *
 * Uses ffjavascript's curve in single-threaded mode, built once and kept: a 4-pairing check gains
 * nothing from worker threads, and without workers the Node process exits by itself.
 * Proof points are parsed strictly (canonical affine coordinates below the base field, on the
 * curve, pi_b in the prime-order subgroup of G2) before any pairing is computed.
 */
import { buildBn128 } from "ffjavascript";
import type { VerificationKey } from "./artifacts.js";
import { BASE_FIELD_ORDER, parseCanonical } from "./field.js";

/** A Groth16 proof as snarkjs writes it (affine points with z = 1), all strings. */
export interface Groth16Proof {
  pi_a: [string, string, string];
  pi_b: [[string, string], [string, string], [string, string]];
  pi_c: [string, string, string];
  protocol: "groth16";
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

/**
 * On-curve checks for A and C (G1 of BN254 has cofactor 1, so on the curve means in the group)
 * and on-curve plus prime-order-subgroup for B (G2 has a large cofactor: B must satisfy r*B = 0).
 */
export async function proofPointsValid(p: ParsedProof): Promise<boolean> {
  const c = await curve();
  const a = c.G1.fromObject([p.a[0], p.a[1], 1n]);
  const cc = c.G1.fromObject([p.c[0], p.c[1], 1n]);
  const b = c.G2.fromObject([p.b[0], p.b[1], [1n, 0n]]);
  return c.G1.isValid(a) && c.G1.isValid(cc) && c.G2.isValid(b) && c.G2.isZero(c.G2.timesScalar(b, c.r));
}

// biome-ignore lint: ffjavascript's curve is untyped.
type Curve = any;
let curvePromise: Promise<Curve> | undefined;

/** The shared single-threaded curve (no worker threads: nothing keeps the process alive). */
export function curve(): Promise<Curve> {
  curvePromise ??= buildBn128(true);
  return curvePromise;
}

/** A verification key with its points converted once to the curve's internal form. */
export interface PreparedKey {
  nPublic: number;
  alpha: Uint8Array;
  beta: Uint8Array;
  gamma: Uint8Array;
  delta: Uint8Array;
  ic0: Uint8Array;
  ic: Uint8Array;
}

export async function prepareKey(vk: VerificationKey): Promise<PreparedKey> {
  const c = await curve();
  const big = (xs: string[]) => xs.map(BigInt);
  const g2 = (xs: string[][]) => c.G2.fromObject(xs.map(big));
  const ic = new Uint8Array(c.G1.F.n8 * 2 * vk.nPublic);
  for (let i = 0; i < vk.nPublic; i++) {
    // fromObject of an [x, y, 1] point gives the affine form multiExpAffine wants.
    ic.set(c.G1.fromObject(big(vk.IC[i + 1]!)), i * c.G1.F.n8 * 2);
  }
  return {
    nPublic: vk.nPublic,
    alpha: c.G1.fromObject(big(vk.vk_alpha_1)),
    beta: g2(vk.vk_beta_2),
    gamma: g2(vk.vk_gamma_2),
    delta: g2(vk.vk_delta_2),
    ic0: c.G1.fromObject(big(vk.IC[0]!)),
    ic,
  };
}

/**
 * Checks e(A, B) = e(alpha, beta) * e(sum_i s_i IC_i, gamma) * e(C, delta).
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
  const cpub = c.G1.add(await c.G1.multiExpAffine(key.ic, w), key.ic0);
  const a = c.G1.fromObject([proof.a[0], proof.a[1], 1n]);
  const b = c.G2.fromObject([proof.b[0], proof.b[1], [1n, 0n]]);
  const cc = c.G1.fromObject([proof.c[0], proof.c[1], 1n]);
  return c.pairingEq(c.G1.neg(a), b, cpub, key.gamma, cc, key.delta, key.alpha, key.beta);
}
