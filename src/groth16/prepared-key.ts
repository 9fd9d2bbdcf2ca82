/**
 * A Groth16 verification key prepared once for the verifier curve: its points in the curve's
 * internal form, β, γ and δ as Miller-loop line coefficients, and e(α, β), kept resident in the
 * curve's wasm memory so that a verification does not copy them in again.
 */
import type { VerificationKey } from "../core/verification-key.js";
import { type Curve, type PointBytes, verifierCurve } from "./curve.js";

/** A verification key with its points converted once to the verifier curve's internal form. */
export interface PreparedKey {
  /** Number of public signals. */
  nPublic: number;
  alpha: PointBytes;
  /**
   * Pointers into the verifier curve's wasm memory: β, γ and δ prepared for the Miller loop
   * (their line coefficients, ~19 KB each), e(α, β), and IC_1..IC_n as affine points.
   */
  resident: { beta: number; gamma: number; delta: number; alphaBeta: number; ic: number };
  ic0: PointBytes;
}

/** Copies `bytes` into the verifier curve's wasm memory for good; returns the pointer. */
function resident(c: Curve, bytes: Uint8Array): number {
  // NOTE: a permanent bump allocation on the main instance (as ffjavascript's own field objects
  // make for their operands): only a few per key, never freed, never inside a sync operation.
  const ptr = c.tm.alloc(bytes.length);
  c.tm.setBuff(ptr, bytes);
  return ptr;
}

/**
 * Prepares a verification key. The key must be well formed (the pinned keys are hash-checked by
 * artifacts/manifest.ts before they get here).
 */
export async function prepareKey(vk: VerificationKey): Promise<PreparedKey> {
  const c = await verifierCurve();
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

/**
 * L = IC_0 + Σ_j s_j·IC_j for little-endian scalars s (n8r bytes each); IC_0 scaled by `ic0Times`
 * if given. One call into the wasm multiexp over the resident IC points: for the few public
 * inputs of a proof, ffjavascript's chunked multiExpAffine spends more in JavaScript than in wasm.
 */
export function publicInputPoint(c: Curve, key: PreparedKey, scalars: Uint8Array, ic0Times: bigint | undefined): PointBytes {
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
