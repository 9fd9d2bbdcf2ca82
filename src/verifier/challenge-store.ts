/**
 * Single-use challenges. A verifier records each challenge it accepts; a second presentation for
 * the same challenge is a replay. The interface is asynchronous and minimal (an atomic
 * "set if absent, with expiry") so that a shared store such as Redis (`SET key 1 NX PX ttl`) can
 * implement it and several verifier instances accept a presentation once between them.
 */

export interface ChallengeStore {
  /**
   * Records `challenge` as used until at least `expiresAtMs` (ms since epoch, on the verifier's
   * clock). `nowMs` is the verifier's clock at the call: a store that expires entries measures
   * their lifetime from it (`expiresAtMs - nowMs`), never from a clock of its own, so a store
   * whose host clock differs cannot forget a challenge while the verifier still accepts it.
   * Must be atomic: of concurrent calls for one challenge exactly one resolves true; later calls
   * resolve false. Rejects (throws) when the store cannot be reached: the verifier then fails closed.
   */
  consume(challenge: string, expiresAtMs: number, nowMs?: number): Promise<boolean>;
  /**
   * Optional: whether `challenge` is already used, read without changing anything. The verifier
   * asks before any curve work, so a replay costs a store read instead of a pairing check; a
   * store without it is asked only by `consume`, after the pairing. Rejects when the store cannot
   * be reached (the verifier then refuses with STORE_UNAVAILABLE at once).
   * NOTE: only an early refusal hangs on this answer: `false` lets the presentation on to the
   * pairing and the atomic `consume`, which alone decides acceptance, so a stale read can cost
   * work but never accept a replay.
   */
  isUsed?(challenge: string): Promise<boolean>;
}

/** Options of {@link MemoryChallengeStore}. */
export interface MemoryChallengeStoreOptions {
  /** The store's clock; give it the verifier's (see the class NOTE). Default: the system clock. */
  clock?: () => Date;
  /** @deprecated Use `clock` (a `() => Date`, like the verifier's); this alias goes in the next release. */
  now?: () => number;
}

/**
 * In-process store, the default. Correct for a single verifier instance; several instances need
 * a shared store.
 * NOTE: forgetting a challenge is safe only once the verifier refuses its request as expired, so
 * entries are swept by the verifier's clock: the `nowMs` it passes to `consume` (and `clock`
 * for calls without one; the verifier's default store gets the verifier's clock).
 */
export class MemoryChallengeStore implements ChallengeStore {
  readonly #used = new Map<string, number>();
  readonly #now: () => number;
  #nextSweep = 0;
  /** How long past its expiry a challenge is still remembered (absorbs clock skew). */
  static readonly GRACE_MS = 10 * 60 * 1000;

  constructor(options: MemoryChallengeStoreOptions = {}) {
    const { clock, now } = options;
    this.#now = clock ? () => clock().getTime() : (now ?? Date.now);
  }

  async consume(challenge: string, expiresAtMs: number, nowMs?: number): Promise<boolean> {
    const now = nowMs ?? this.#now();
    this.#sweep(now);
    // The check and the set below run without an await between them, so on Node's single
    // thread no other consume() can interleave: exactly one caller wins. A remembered challenge
    // is never accepted again, whatever the clocks say; only the sweep forgets it.
    if (this.#used.has(challenge)) return false;
    this.#used.set(challenge, expiresAtMs);
    return true;
  }

  async isUsed(challenge: string): Promise<boolean> {
    return this.#used.has(challenge);
  }

  /** Number of challenges currently remembered (for monitoring and tests). */
  get size(): number {
    return this.#used.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 60_000;
    const cutoff = now - MemoryChallengeStore.GRACE_MS;
    for (const [challenge, until] of this.#used) if (until < cutoff) this.#used.delete(challenge);
  }
}
