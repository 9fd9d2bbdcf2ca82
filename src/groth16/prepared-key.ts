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

/** Signal values below this cost a few additions in a fixed-base sum: not worth keeping. */
const MEMO_MIN = 1n << 64n;
/** Products kept per public input (the most recent distinct values). */
const MEMO_PER_SIGNAL = 4;

/**
 * Per key and public input j: the value s_j of the previous single check, and the products s·IC_j
 * kept for values that came twice in a row. Many signals repeat from proof to proof (an issuer's
 * key, a revocation root, the verifier's own scope, a query's hash) and only a few change (the
 * challenge, the nullifier); a kept product costs one addition instead of ~42.
 */
interface TermMemo {
  readonly last: Array<bigint | undefined>;
  readonly products: Array<Map<bigint, PointBytes>>;
}
const memos = new WeakMap<PreparedKey, TermMemo>();

function memoOf(key: PreparedKey): TermMemo {
  let memo = memos.get(key);
  if (!memo) {
    memo = { last: new Array<bigint | undefined>(key.nPublic), products: Array.from({ length: key.nPublic }, () => new Map()) };
    memos.set(key, memo);
  }
  return memo;
}

/**
 * L = IC_0 + Σ_j s_j·IC_j for the signals s (each in [0, r)); IC_0 scaled by `ic0Times` (in
 * [0, r)) if given. A fixed-base sum over the key's resident tables (./fixed-base.ts): for the few
 * public inputs of a proof, wasmcurves' Pippenger multiexp spends far more on its buckets than on
 * the sum. For a single check (no `ic0Times`), products s_j·IC_j of values that repeat are kept
 * per key and added instead of recomputed (exact: the same point either way).
 */
export function publicInputPoint(c: Curve, key: PreparedKey, signals: readonly bigint[], ic0Times: bigint | undefined): PointBytes {
  if (signals.length !== key.nPublic) throw new Error(`publicInputPoint takes ${key.nPublic} signals, got ${signals.length}`);
  const scalars = [ic0Times ?? 1n, ...signals, 0n];
  if (ic0Times !== undefined) return fixedBaseSum(c, key.bases, scalars);
  const memo = memoOf(key);
  const kept: PointBytes[] = [];
  signals.forEach((s, j) => {
    if (s < MEMO_MIN) return;
    let product = memo.products[j]!.get(s);
    if (!product && memo.last[j] === s) {
      // The second time in a row: a value that repeats. Its product alone, once, then kept.
      const unit = new Array<bigint>(scalars.length).fill(0n);
      unit[j + 1] = s;
      product = fixedBaseSum(c, key.bases, unit);
      const values = memo.products[j]!;
      if (values.size >= MEMO_PER_SIGNAL) values.delete(values.keys().next().value!);
      values.set(s, product);
    }
    memo.last[j] = s;
    if (product) {
      kept.push(product);
      scalars[j + 1] = 0n;
    }
  });
  return fixedBaseSum(c, key.bases, scalars, kept);
}

/** s·α (Jacobian) for s in [0, r), over the key's resident table of α. */
export function alphaTimes(c: Curve, key: PreparedKey, s: bigint): PointBytes {
  const scalars = new Array<bigint>(key.nPublic + 2).fill(0n);
  scalars[key.nPublic + 1] = s;
  return fixedBaseSum(c, key.bases, scalars);
}
