/**
 * Batch verification of Groth16 proofs under one key: n proofs in n + 3 Miller loops and a single
 * final exponentiation, instead of 4n Miller loops and n final exponentiations; the n per-proof
 * loops can run on every core.
 *
 * Each proof i (signals s_i, points A_i, B_i, C_i) is valid iff
 *   X_i = e(A_i, B_i) · e(−L_i, γ) · e(−C_i, δ) · e(−α, β) = 1,   L_i = IC_0 + Σ_j s_ij·IC_j.
 * The batch draws an independent random weight r_i per proof (r_i = a_i + λ·b_i with (a_i, b_i) a
 * uniform nonzero pair of 64-bit values: 2^128 − 1 distinct values, ./glv.ts) and checks
 *   Π_i X_i^{r_i} = Π_i e(r_i·A_i, B_i) · e(−Σ r_i·L_i, γ) · e(−Σ r_i·C_i, δ) · e(−(Σ r_i)·α, β) = 1,
 * where Σ r_i·L_i = (Σ r_i)·IC_0 + Σ_j (Σ_i r_i·s_ij mod r)·IC_j is one fixed-base sum over the
 * key's IC tables (./fixed-base.ts).
 *
 * SOUNDNESS: G_T has prime order r, so if some X_k ≠ 1 it generates G_T and, whatever the other
 * weights are, exactly one residue of r_k mod r makes the product 1. r_k is uniform over
 * 2^128 − 1 distinct nonzero residues mod r (the NOTE of ./glv.ts shows the GLV pairs (a, b) map
 * to distinct residues), so an invalid batch passes one check with probability at most
 * 1/(2^128 − 1) ≈ 2^-128. Every side uses the same r_i: r_i·A_i = a_i·A_i + b_i·φ(A_i) and
 * Σ r_i·C_i = Σ a_i·C_i + b_i·φ(C_i) because φ = [λ] on all of G1, and the signal and α sides
 * take r_i = a_i + λ·b_i mod r itself. The weights must be random and unknown to the
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
import { type Curve, type PointBytes, verifierCurve } from "./curve.js";
import { type MillerTerm, type PairingTerm, millerProduct, millerProductHere, pairingCheck, pairingProductIs } from "./pairing.js";
import { type GlvWeight, endomorphismImages, glvWeight, timesGlvWeights } from "./glv.js";
import { chunks, inG2Subgroup, internalPoints } from "./points.js";
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

/** Bytes per weight: two 64-bit halves (a, b) of a GLV weight a + λ·b (./glv.ts). */
const WEIGHT_BYTES = 16;
/** Redraws of a zero weight before giving up on the random source (2^-512 odds for a real CSPRNG). */
const MAX_ZERO_REDRAWS = 4;

/**
 * n independent weights r = a + λ·b, (a, b) uniform over the nonzero pairs of 64-bit values
 * (rejection sampling of (0, 0)): 2^128 − 1 distinct nonzero residues mod r (./glv.ts NOTE).
 */
function drawWeights(n: number, rand: (n: number) => Uint8Array): GlvWeight[] {
  const take = (len: number): Uint8Array => {
    const bytes = rand(len);
    if (!(bytes instanceof Uint8Array) || bytes.length !== len) {
      throw new Error(`randomBytes(${len}) returned ${bytes instanceof Uint8Array ? bytes.length : typeof bytes} bytes`);
    }
    return bytes;
  };
  const buf = take(WEIGHT_BYTES * n);
  const weights: GlvWeight[] = [];
  for (let i = 0; i < n; i++) {
    let w = glvWeight(buf, i * WEIGHT_BYTES, FIELD_ORDER);
    for (let tries = 0; w.a === 0n && w.b === 0n; tries++) {
      if (tries >= MAX_ZERO_REDRAWS) throw new Error("randomBytes keeps returning zero: not a usable random source");
      w = glvWeight(take(WEIGHT_BYTES), 0, FIELD_ORDER);
    }
    weights.push(w);
  }
  return weights;
}

/**
 * One randomized check of the items at `idx`: true iff Π X_i^{r_i} = 1 for fresh weights r_i.
 * Always true if all those items are valid; false with probability ≥ 1 − 2^-128 otherwise.
 * r_i·A_i is computed here (GLV halves, ./glv.ts), or was with the weights `ahead` (indexed like
 * `items`, their Miller loops possibly started too); the n per-item Miller loops run on `pool`'s
 * workers when given; the three fixed terms run here, on prepared β, γ, δ.
 */
async function batchCheck(
  c: Curve,
  pool: Curve | undefined,
  key: PreparedKey,
  items: ReadonlyArray<BatchItem>,
  idx: readonly number[],
  rand: (n: number) => Uint8Array,
  ahead?: ScaledWeights,
): Promise<boolean> {
  const n = idx.length;
  const weights = ahead ? idx.map((i) => ahead.weights[i]!) : drawWeights(n, rand);
  const g1Affine = c.G1.F.n8 * 2;

  // Σ r_i, and per public input j the aggregated scalar Σ_i r_i·s_ij, all mod r.
  let sumR = 0n;
  const agg = new Array<bigint>(key.nPublic).fill(0n);
  // Σ r_i·C_i = Σ a_i·C_i + b_i·φ(C_i): one multiexp over 2n points with 64-bit scalars.
  const cPoints = new Uint8Array(g1Affine * n);
  const halves = new Uint8Array(2 * 8 * n);
  const aPoints: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const item = items[idx[k]!]!;
    const w = weights[k]!;
    sumR += w.r;
    for (let j = 0; j < key.nPublic; j++) agg[j] = agg[j]! + w.r * item.signals[j]!;
    halves.set(le(w.a, 8), k * 8);
    halves.set(le(w.b, 8), (n + k) * 8);
    const points = internalPoints(c, item.proof);
    cPoints.set(points.c, k * g1Affine);
    if (!ahead) aPoints.push(points.a);
  }
  sumR %= FIELD_ORDER;
  // e(r_i·A_i, B_i): B_i differs per proof, so this is one Miller loop per item; on a pool,
  // checkAndStartOnPool may have started them already.
  const partial = ahead?.partial ?? startMillerLoops(c, pool, idx.map((i) => items[i]!.proof), ahead ? idx.map((i) => ahead.scaled[i]!) : timesGlvWeights(c, aPoints, weights));

  // While the workers run: the fixed terms e(−Σ r_i·L_i, γ) · e(−Σ r_i·C_i, δ) · e(−(Σ r_i)·α, β).
  const cBoth = new Uint8Array(2 * cPoints.length);
  cBoth.set(cPoints);
  cBoth.set(endomorphismImages(c, cPoints), cPoints.length);
  const fixed: PairingTerm[] = [
    { p: c.G1.neg(publicInputPoint(c, key, agg.map((s) => s % FIELD_ORDER), sumR)), preparedQ: key.resident.gamma },
    { p: c.G1.neg(await c.G1.multiExpAffine(cBoth, halves)), preparedQ: key.resident.delta },
    { p: c.G1.neg(alphaTimes(c, key, sumR)), preparedQ: key.resident.beta },
  ];
  // Their Miller loop too, so that only the products and the final exponentiation wait for the workers.
  const fixedMiller = millerProductHere(c, fixed);
  return pairingProductIs(c, [], [fixedMiller, ...(await partial)]);
}

/**
 * The products Π f_{r_i·A_i, B_i} of the items, on `pool`'s workers (up to two tasks per worker,
 * ≥ 8 items each: a worker slowed by other work hands its second part to the other one; each
 * extra task costs only its own share of squarings) or here.
 */
function startMillerLoops(c: Curve, pool: Curve | undefined, proofs: readonly ProofPoints[], scaled: readonly PointBytes[]): Promise<Uint8Array[]> {
  const terms: MillerTerm[] = proofs.map((proof, k) => ({ p: scaled[k]!, q: c.G2.toJacobian(internalPoints(c, proof).b) }));
  if (!pool) return millerProduct(c, terms).then((f) => [f]);
  return Promise.all(chunks(terms, Math.min(2 * pool.tm.concurrency, Math.ceil(terms.length / 8))).map((part) => millerProduct(pool, part)));
}

/** A batch's first check begun ahead (see {@link checkAndStartOnPool}), for the items it kept. */
export interface ScaledWeights {
  readonly weights: readonly GlvWeight[];
  /** r_i·A_i, Jacobian. */
  readonly scaled: readonly PointBytes[];
  /** The Miller loops of e(r_i·A_i, B_i) over every item, started on a pool. */
  readonly partial?: Promise<Uint8Array[]>;
}

/** Lets this thread's event loop run: a worker's reply (and its next queued task) waits for it. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

/**
 * For a batch on a pool: the G2 subgroup checks of the proofs' B in this thread (the direct,
 * cheapest form, ./points.ts), part by part, and each part's weighted Miller loops sent to the
 * workers as soon as its checks are done, so the workers start after the first part instead of
 * after every check, and this thread does a share of the per-proof work. Returns the checks and,
 * for the proofs that passed (in order), their weights, r_i·A_i and the started Miller loops, for
 * the batch's first check.
 * NOTE: a B enters a Miller loop only after passing its subgroup check, as everywhere. The weights
 * are drawn for all the proofs at once, before the checks: they are independent of the proofs and
 * never leave the verifier, so dropping the weights of refused proofs changes nothing for
 * soundness. The proofs' points must be on their curves and not zero.
 */
export async function checkAndStartOnPool(
  proofs: readonly ProofPoints[],
  pool: Curve,
  options: BatchOptions = {},
): Promise<{ inSubgroup: boolean[]; ahead: ScaledWeights }> {
  const c = await verifierCurve();
  const weights = drawWeights(proofs.length, options.randomBytes ?? cryptoRandomBytes);
  const size = Math.max(8, Math.ceil(proofs.length / (4 * pool.tm.concurrency)));
  const inSubgroup: boolean[] = [];
  const kept: GlvWeight[] = [];
  const scaled: PointBytes[] = [];
  const parts: Array<Promise<Uint8Array>> = [];
  for (let start = 0; start < proofs.length; start += size) {
    const part = proofs.slice(start, start + size);
    const ok = await inG2Subgroup(c, part.map((p) => internalPoints(c, p).b));
    inSubgroup.push(...ok);
    const passed = part.flatMap((p, k) => (ok[k] ? [{ p, w: weights[start + k]! }] : []));
    if (passed.length === 0) continue;
    const s = timesGlvWeights(c, passed.map(({ p }) => internalPoints(c, p).a), passed.map(({ w }) => w));
    kept.push(...passed.map(({ w }) => w));
    scaled.push(...s);
    parts.push(millerProduct(pool, passed.map(({ p }, k) => ({ p: s[k]!, q: c.G2.toJacobian(internalPoints(c, p).b) }))));
    await yieldToEvents();
  }
  const partial = Promise.all(parts);
  // Awaited by the first batch check, or dropped with it (fewer than two proofs left): never unhandled.
  partial.catch(() => undefined);
  return { inSubgroup, ahead: { weights: kept, scaled, partial } };
}

/**
 * The pairing equations of many Groth16 proofs under one key; returns one boolean per item, in
 * order (exactly what {@link pairingCheck} would return per item, except with probability
 * ≤ 2^-128 per check). All items are checked at once with random weights (`ahead`, if given,
 * aligned with `items`: from {@link checkAndStartOnPool}); if that fails the batch is bisected to
 * find exactly the invalid items. Empty input gives [].
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
  ahead?: ScaledWeights,
): Promise<boolean[]> {
  if (ahead && (ahead.weights.length !== items.length || ahead.scaled.length !== items.length)) throw new Error("batchPairingCheck: one weight per item");
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
    // The weights drawn ahead serve the first (whole-batch) check only; the halves of a
    // bisection draw fresh ones.
    const first = idx.length === items.length ? ahead : undefined;
    if (!knownBad && (await batchCheck(c, options.pool, key, items, idx, rand, first))) {
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
