/**
 * Batch verification of Groth16 proofs under one key: n proofs in n + 3 Miller loops and a single
 * final exponentiation, instead of 4n Miller loops and n final exponentiations; the n per-proof
 * loops can run on every core.
 *
 * Each proof i (signals s_i, points A_i, B_i, C_i) is valid iff
 *   X_i = e(A_i, B_i) · e(−L_i, γ) · e(−C_i, δ) · e(−α, β) = 1,   L_i = IC_0 + Σ_j s_ij·IC_j.
 * The batch draws an independent, uniformly random, nonzero 128-bit weight r_i per proof and checks
 *   Π_i X_i^{r_i} = Π_i e(r_i·A_i, B_i) · e(−Σ r_i·L_i, γ) · e(−Σ r_i·C_i, δ) · e(−(Σ r_i)·α, β) = 1,
 * where Σ r_i·L_i = (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·s_ij mod r)·IC_j is one multiexp over the IC points.
 *
 * SOUNDNESS: G_T has prime order r, so if some X_k ≠ 1 it generates G_T and, whatever the other
 * weights are, exactly one residue of r_k mod r makes the product 1. r_k is uniform over the
 * 2^128 − 1 nonzero 128-bit values (all < r), so an invalid batch passes one check with
 * probability at most 1/(2^128 − 1) ≈ 2^-128. The weights must be random and unknown to the
 * prover: with all weights 1 the check is Π X_i = 1, and errors can cancel across proofs. For
 * example, the same valid proof submitted once with signal s_0 + 1 and once with s_0 − 1 gives
 * L_1 + L_2 = 2·L, so the unweighted product is 1 although both items are invalid.
 *
 * If a batch check fails, the batch is bisected (halves re-checked with fresh weights) down to
 * single items, which are checked exactly with {@link pairingCheck}. A batch that passes is
 * reported all valid; completeness is exact (a batch of valid proofs always passes).
 */
import { randomBytes as cryptoRandomBytes } from "@noble/hashes/utils";
import { FIELD_ORDER } from "../core/field.js";
import { type Curve, verifierCurve } from "./curve.js";
import { type MillerTerm, type PairingTerm, millerProduct, pairingCheck, pairingProductIs } from "./pairing.js";
import { chunks, g1, g2 } from "./points.js";
import { type PreparedKey, alphaTimes, publicInputPoint } from "./prepared-key.js";
import type { ProofPoints } from "./proof.js";
import { le } from "./thread-task.js";

/** One proof of a batch with its public signals. */
export interface BatchItem {
  signals: readonly bigint[];
  proof: ProofPoints;
}

export interface BatchOptions {
  /** CSPRNG returning n uniformly random bytes. Default: `randomBytes` of @noble/hashes. Inject only in tests. */
  randomBytes?: (n: number) => Uint8Array;
  /** A multi-threaded curve whose workers run the per-proof Miller loops. Default: this thread. */
  pool?: Curve;
}

/** Bytes per weight: 128-bit weights. */
const WEIGHT_BYTES = 16;
/** Redraws of a zero weight before giving up on the random source (2^-512 odds for a real CSPRNG). */
const MAX_ZERO_REDRAWS = 4;

function readLE(bytes: Uint8Array, offset: number, width: number): bigint {
  let v = 0n;
  for (let j = width - 1; j >= 0; j--) v = (v << 8n) | BigInt(bytes[offset + j]!);
  return v;
}

/** n independent uniform nonzero 128-bit weights (rejection sampling of zero). */
function drawWeights(n: number, rand: (n: number) => Uint8Array): bigint[] {
  const take = (len: number): Uint8Array => {
    const bytes = rand(len);
    if (!(bytes instanceof Uint8Array) || bytes.length !== len) {
      throw new Error(`randomBytes(${len}) returned ${bytes instanceof Uint8Array ? bytes.length : typeof bytes} bytes`);
    }
    return bytes;
  };
  const buf = take(WEIGHT_BYTES * n);
  const weights: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let w = readLE(buf, i * WEIGHT_BYTES, WEIGHT_BYTES);
    for (let tries = 0; w === 0n; tries++) {
      if (tries >= MAX_ZERO_REDRAWS) throw new Error("randomBytes keeps returning zero: not a usable random source");
      w = readLE(take(WEIGHT_BYTES), 0, WEIGHT_BYTES);
    }
    weights.push(w);
  }
  return weights;
}

/**
 * One randomized check of the items at `idx`: true iff Π X_i^{r_i} = 1 for fresh weights r_i.
 * Always true if all those items are valid; false with probability ≥ 1 − 2^-128 otherwise.
 * The n per-item Miller loops (r_i·A_i scaled in the same task) run on `pool`'s workers when given,
 * in one task per worker; the three fixed terms run here, on prepared β, γ, δ.
 */
async function batchCheck(
  c: Curve,
  pool: Curve | undefined,
  key: PreparedKey,
  items: ReadonlyArray<BatchItem>,
  idx: readonly number[],
  rand: (n: number) => Uint8Array,
): Promise<boolean> {
  const n = idx.length;
  const r = drawWeights(n, rand);
  const g1Affine = c.G1.F.n8 * 2;

  // Σ r_i, and per public input j the aggregated scalar Σ_i r_i·s_ij, all mod r.
  let sumR = 0n;
  const agg = new Array<bigint>(key.nPublic).fill(0n);
  const cPoints = new Uint8Array(g1Affine * n);
  const rBytes = new Uint8Array(WEIGHT_BYTES * n);
  const terms: MillerTerm[] = [];
  for (let k = 0; k < n; k++) {
    const item = items[idx[k]!]!;
    const w = r[k]!;
    sumR += w;
    for (let j = 0; j < key.nPublic; j++) agg[j] = agg[j]! + w * item.signals[j]!;
    rBytes.set(le(w, WEIGHT_BYTES), k * WEIGHT_BYTES);
    cPoints.set(g1(c, item.proof.c), k * g1Affine);
    // e(r_i·A_i, B_i): B_i differs per proof, so this is one Miller loop per item.
    terms.push({
      p: g1(c, item.proof.a), // affine: scaled with mixed additions
      scalar: rBytes.slice(k * WEIGHT_BYTES, (k + 1) * WEIGHT_BYTES),
      q: c.G2.toJacobian(g2(c, item.proof.b)),
    });
  }
  sumR %= FIELD_ORDER;

  const partial = pool
    ? Promise.all(chunks(terms, pool.tm.concurrency).map((part) => millerProduct(pool, part)))
    : millerProduct(c, terms).then((f) => [f]);

  // While the workers run: the fixed terms e(−Σ r_i·L_i, γ) · e(−Σ r_i·C_i, δ) · e(−(Σ r_i)·α, β).
  const fixed: PairingTerm[] = [
    { p: c.G1.neg(publicInputPoint(c, key, agg.map((s) => s % FIELD_ORDER), sumR)), preparedQ: key.resident.gamma },
    { p: c.G1.neg(await c.G1.multiExpAffine(cPoints, rBytes)), preparedQ: key.resident.delta },
    { p: c.G1.neg(alphaTimes(c, key, sumR)), preparedQ: key.resident.beta },
  ];
  return pairingProductIs(c, fixed, await partial);
}

/**
 * The pairing equations of many Groth16 proofs under one key; returns one boolean per item, in
 * order (exactly what {@link pairingCheck} would return per item, except with probability
 * ≤ 2^-128 per check). All items are checked at once with random weights; if that fails the
 * batch is bisected to find exactly the invalid items. Empty input gives [].
 *
 * NOTE: like {@link pairingCheck}, this only does the arithmetic. Callers must pass, for every
 * item, canonical signals (each < r) of exactly key.nPublic entries and points that passed
 * ./points.ts (A, C on the curve; B on the twist and in the order-r subgroup; none the point at
 * infinity: the weighting argument needs every point in a prime-order group). `checkProofs` in
 * ./verify.ts guarantees both.
 */
export async function batchPairingCheck(
  key: PreparedKey,
  items: ReadonlyArray<BatchItem>,
  options: BatchOptions = {},
): Promise<boolean[]> {
  const results = new Array<boolean>(items.length).fill(false);
  if (items.length === 0) return results;
  const rand = options.randomBytes ?? cryptoRandomBytes;
  const c = await verifierCurve();

  /**
   * Settles results for `idx` and says whether all of them are valid. `knownBad`: the caller
   * already knows this group holds an invalid item (its parent failed, its sibling passed), so its
   * own whole-group check would only fail again and is skipped; its parts are still all checked.
   */
  const settle = async (idx: readonly number[], knownBad: boolean): Promise<boolean> => {
    if (idx.length === 1) {
      const i = idx[0]!;
      const item = items[i]!;
      results[i] = await pairingCheck(key, item.signals, item.proof);
      return results[i];
    }
    if (!knownBad && (await batchCheck(c, options.pool, key, items, idx, rand))) {
      for (const i of idx) results[i] = true;
      return true;
    }
    const mid = idx.length >> 1;
    const leftOk = await settle(idx.slice(0, mid), false);
    const rightOk = await settle(idx.slice(mid), leftOk);
    return leftOk && rightOk;
  };

  await settle(
    items.map((_, i) => i),
    false,
  );
  return results;
}
