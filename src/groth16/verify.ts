/**
 * Groth16 verification on BN254 behind one safe call: {@link checkProof} for a proof,
 * {@link checkProofs} for many under one key.
 *
 * Each takes the proof as received (untrusted JSON, or a proof from `parseProof`) and does every
 * check in order: strict parsing (./proof.ts: exact keys, canonical affine coordinates, no point
 * at infinity) → A and C on G1, B on the twist (./points.ts) → B in G2's prime-order subgroup →
 * the pairing equation (./pairing.ts; for many proofs, one randomized batch equation, ./batch.ts).
 * No point reaches a Miller loop before passing the checks ahead of it. The modules behind these
 * two calls do arithmetic only and trust their callers; nothing outside src/groth16 calls them.
 *
 * The curve work runs in this thread on the verifier's single-threaded curve; a batch may pass a
 * multi-threaded `pool` (see `threadedCurve`) to spread its per-proof Miller loops over worker
 * threads, while this thread does the subgroup checks, draws the weights, scales A (./glv.ts)
 * and computes the fixed terms.
 */
import { MedzkError } from "../core/errors.js";
import { FIELD_ORDER } from "../core/field.js";
import { type BatchOptions, batchPairingCheck, checkAndStartOnPool } from "./batch.js";
import { verifierCurve } from "./curve.js";
import { g2SubgroupChecks, pointsOnCurve } from "./points.js";
import type { PreparedKey } from "./prepared-key.js";
import { type ParsedProof, parseProof } from "./proof.js";


/** Why a proof was refused: its JSON is not a canonical Groth16 proof, or it does not verify. */
export type ProofRefusal = "MALFORMED_PROOF" | "INVALID_PROOF";

/** The outcome of a proof check; `message` says what failed, for people. */
export type ProofCheck = { ok: true } | { ok: false; reason: ProofRefusal; message: string };

/** One proof of {@link checkProofs} with its public signals. */
export interface ProofItem {
  /** Public signals in circuit order: exactly key.nPublic canonical field elements (< r). */
  signals: readonly bigint[];
  /** The proof as received (untrusted JSON) or as returned by `parseProof`. */
  proof: unknown;
}

const MALFORMED: ProofCheck = { ok: false, reason: "MALFORMED_PROOF", message: "the proof is not a canonical Groth16 proof" };
const NOT_A_POINT: ProofCheck = { ok: false, reason: "INVALID_PROOF", message: "a proof point is not a valid curve point" };
const FAILS: ProofCheck = { ok: false, reason: "INVALID_PROOF", message: "the proof does not verify" };
const OK: ProofCheck = { ok: true };

/**
 * Checks one Groth16 proof for `signals` under `key`. Never throws on the proof (anything wrong
 * with it is a refusal); throws MedzkError("INVALID_ARGUMENT") if the signals are not exactly
 * key.nPublic field elements, which the caller checks first with its own codes.
 */
export async function checkProof(key: PreparedKey, signals: readonly bigint[], proof: unknown): Promise<ProofCheck> {
  return (await checkProofs(key, [{ signals, proof }]))[0]!;
}

/**
 * Checks many proofs under one key: one result per item, in order, each what {@link checkProof}
 * returns for it (except with probability ≤ 2^-128 per randomized batch equation, see ./batch.ts).
 * `options.pool` spreads the curve work over worker threads; `options.randomBytes` is for tests.
 */
export async function checkProofs(key: PreparedKey, items: readonly ProofItem[], options: BatchOptions = {}): Promise<ProofCheck[]> {
  items.forEach((item, i) => assertSignals(key, item.signals, i));
  const results = new Array<ProofCheck>(items.length).fill(OK);
  const parsed = new Map<number, ParsedProof>();
  items.forEach((item, i) => {
    const proof = parseProof(item.proof);
    if (proof) parsed.set(i, proof);
    else results[i] = MALFORMED;
  });
  const c = await verifierCurve();
  for (const [i, proof] of parsed) {
    if (!pointsOnCurve(c, proof)) {
      results[i] = NOT_A_POINT;
      parsed.delete(i);
    }
  }
  const onCurve = [...parsed];
  const proofs = onCurve.map(([, proof]) => proof);
  // With a pool and a batch, the subgroup checks run here part by part while the workers already
  // run the Miller loops of the parts that passed (./batch.ts, checkAndStartOnPool).
  const { inSubgroup, ahead } =
    options.pool && proofs.length >= 2
      ? await checkAndStartOnPool(proofs, options.pool, options)
      : { inSubgroup: await g2SubgroupChecks(c, proofs), ahead: undefined };
  onCurve.forEach(([i], k) => {
    if (!inSubgroup[k]) {
      results[i] = NOT_A_POINT;
      parsed.delete(i);
    }
  });
  const pending = [...parsed];
  const valid = await batchPairingCheck(key, pending.map(([i, proof]) => ({ signals: items[i]!.signals, proof })), options, ahead);
  pending.forEach(([i], k) => {
    if (!valid[k]) results[i] = FAILS;
  });
  return results;
}

function assertSignals(key: PreparedKey, signals: readonly bigint[], item: number): void {
  if (!Array.isArray(signals) || signals.length !== key.nPublic || !signals.every((s) => typeof s === "bigint" && s >= 0n && s < FIELD_ORDER)) {
    throw new MedzkError("INVALID_ARGUMENT", `"items[${item}].signals" must be ${key.nPublic} field elements (bigints below the field order)`);
  }
}
