/**
 * A Groth16 verification key prepared once for the verifier curve: its points in the curve's
 * internal form, β, γ and δ as Miller-loop line coefficients, e(α, β), and fixed-base tables of
 * IC_0..IC_n and α (./fixed-base.ts), kept resident in the curve's wasm memory so that a
 * verification does not copy them in again.
 */
import type { VerificationKey } from "../core/verification-key.js";
import { type Curve, type PointBytes, verifierCurve } from "./curve.js";
import { type FixedBaseTable, buildFixedBaseTable, fixedBaseSum } from "./fixed-base.js";

/** A verification key with its points converted once to the verifier curve's internal form. */
export interface PreparedKey {
  /** Number of public signals. */
  nPublic: number;
  alpha: PointBytes;
  /**
   * Pointers into the verifier curve's wasm memory: β, γ and δ prepared for the Miller loop
   * (their line coefficients, ~19 KB each) and e(α, β).
   */
  resident: { beta: number; gamma: number; delta: number; alphaBeta: number };
  /** Resident fixed-base tables of IC_0, IC_1..IC_n and α, in that order (~2 KB per point). */
  bases: FixedBaseTable;
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
  // fromObject of an [x, y, 1] point gives the affine form.
  const ic = vk.IC.slice(0, vk.nPublic + 1).map((point) => c.G1.fromObject(big(point)));
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
    },
    bases: buildFixedBaseTable(c, [...ic, alpha]),
  };
}

/**
 * L = IC_0 + Σ_j s_j·IC_j for the signals s (each in [0, r)); IC_0 scaled by `ic0Times` (in
 * [0, r)) if given. A fixed-base sum over the key's resident tables (./fixed-base.ts): for the few
 * public inputs of a proof, wasmcurves' Pippenger multiexp spends far more on its buckets than on
 * the sum.
 */
export function publicInputPoint(c: Curve, key: PreparedKey, signals: readonly bigint[], ic0Times: bigint | undefined): PointBytes {
  if (signals.length !== key.nPublic) throw new Error(`publicInputPoint takes ${key.nPublic} signals, got ${signals.length}`);
  return fixedBaseSum(c, key.bases, [ic0Times ?? 1n, ...signals, 0n]);
}

/** s·α (Jacobian) for s in [0, r), over the key's resident table of α. */
export function alphaTimes(c: Curve, key: PreparedKey, s: bigint): PointBytes {
  const scalars = new Array<bigint>(key.nPublic + 2).fill(0n);
  scalars[key.nPublic + 1] = s;
  return fixedBaseSum(c, key.bases, scalars);
}
