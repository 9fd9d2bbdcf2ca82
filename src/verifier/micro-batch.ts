/**
 * Micro-batching of single verifications: pairing checks that arrive within a short window are
 * gathered (per verification key) and checked as one randomized batch (groth16's checkProofs),
 * each caller answered with its own item's outcome.
 *
 * Why it is safe to share a batch between unrelated callers: checkProofs returns, per item,
 * exactly what checkProof returns for it alone (its batch equation failing makes it find which
 * items are bad), so one caller's bad proof changes no other caller's result, only its latency,
 * by at most the window plus one batch. If the batch check itself throws (a bug, a worker thread
 * lost), each item is checked again on its own, so an error is charged to the item that causes it.
 *
 * Throughput comes from the batch equation: n proofs share one final exponentiation and the
 * fixed-key Miller loops, and with `pool` the per-proof curve work goes to worker threads.
 *
 * NOTE: a failing batch is bisected to find its bad items, which costs up to ~2·log2(n) times
 * the work of checking them one by one when many are bad: a flood of invalid proofs would cost
 * more with batching than without (measured: invalid calls at 0.4x the throughput of batching
 * off). So after a batch with a bad proof the batcher checks items one by one until
 * {@link SOLO_AFTER_FAILURE} proofs in a row have verified, then batches again: honest traffic
 * (rare bad proofs) is batched, and a flood costs what it costs without batching.
 */
import type { PreparedKey } from "../groth16/prepared-key.js";
import type { Curve } from "../groth16/curve.js";
import { type ProofCheck, type ProofItem, checkProof, checkProofs } from "../groth16/verify.js";

/** How single verifications are gathered: `windowMs` after the first item, or `maxBatch` items, whichever comes first. */
export interface MicroBatchOptions {
  /** How long the first item of a batch waits for company, in ms (0-50). Default 2. */
  windowMs?: number;
  /** The most items in one batch check (1-1024); a full batch is checked at once. Default 64. */
  maxBatch?: number;
}

export const DEFAULT_MICRO_BATCH = { windowMs: 2, maxBatch: 64 } as const;

/** After a batch with a bad proof, how many proofs in a row must verify one by one before batching resumes. */
export const SOLO_AFTER_FAILURE = 64;

interface Pending {
  item: ProofItem;
  resolve: (check: ProofCheck) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the pairing checks under one prepared key. One batch runs at a time: items arriving
 * while it runs wait for it and go together into the next (group commit), so under load the
 * batches grow by themselves and an idle verifier adds only the window to a lone item.
 */
export class PairingBatcher {
  readonly #key: () => Promise<PreparedKey>;
  readonly #pool: (size: number) => Promise<Curve | undefined>;
  readonly #windowMs: number;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  /** Proofs still to check one by one (after a bad one) before batching again. */
  #solo = 0;

  constructor(key: () => Promise<PreparedKey>, pool: (size: number) => Promise<Curve | undefined>, options: Required<MicroBatchOptions>) {
    this.#key = key;
    this.#pool = pool;
    this.#windowMs = options.windowMs;
    this.#maxBatch = options.maxBatch;
  }

  /** The outcome of `item`'s pairing check, as checkProof gives it; rejects only if checkProof itself would throw. */
  check(item: ProofItem): Promise<ProofCheck> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#running) return; // the running batch's end flushes
      if (this.#queue.length >= this.#maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#windowMs);
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#running || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxBatch);
    this.#running = true;
    this.#run(batch).finally(() => {
      this.#running = false;
      // Whatever arrived meanwhile has waited at least one batch: no further window.
      if (this.#queue.length > 0) this.#flush();
    });
  }

  async #run(batch: Pending[]): Promise<void> {
    let key: PreparedKey;
    try {
      key = await this.#key();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    if (this.#solo > 0) {
      for (const p of batch) {
        try {
          const outcome = await checkProof(key, p.item.signals, p.item.proof);
          this.#solo = outcome.ok ? Math.max(0, this.#solo - 1) : SOLO_AFTER_FAILURE;
          p.resolve(outcome);
        } catch (error) {
          p.reject(error);
        }
      }
      return;
    }
    let outcomes: ProofCheck[] | undefined;
    try {
      const pool = await this.#pool(batch.length);
      outcomes = await checkProofs(key, batch.map((p) => p.item), pool ? { pool } : {});
    } catch {
      outcomes = undefined;
    }
    if (outcomes) {
      if (outcomes.some((o) => !o.ok)) this.#solo = SOLO_AFTER_FAILURE;
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
      return;
    }
    // The batch check failed as a whole: each item on its own, so a failure stays with its cause.
    for (const p of batch) {
      try {
        p.resolve(await checkProof(key, p.item.signals, p.item.proof));
      } catch (error) {
        p.reject(error);
      }
    }
  }
}
