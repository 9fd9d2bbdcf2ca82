/**
 * Pipeline step "replay", the last one: consume the request's challenge. Of any number of
 * presentations for one request (concurrent ones, or ones at other instances sharing the store)
 * exactly one gets past this step. A store that cannot be reached refuses: fail closed.
 */
import type { ChallengeStore } from "./challenge-store.js";
import { refuse } from "./refusal.js";

/** `now` is the verifier's clock: the store measures the entry's lifetime from it. */
export async function consumeChallenge(store: ChallengeStore, challenge: string, expiresAtMs: number, now: Date): Promise<void> {
  let fresh: boolean;
  try {
    fresh = await store.consume(challenge, expiresAtMs, now.getTime());
  } catch {
    return refuse("STORE_UNAVAILABLE", "the challenge store is unreachable; nothing was accepted");
  }
  if (!fresh) refuse("REQUEST_REPLAYED", "this request was already answered");
}

/**
 * The cheap refusal ahead of the curve work: a read of the store (when it can be read, see
 * ChallengeStore.isUsed) refuses a used challenge before the pairing check. It decides nothing
 * else: an unused answer still goes through the pairing and {@link consumeChallenge}.
 */
export async function refuseUsedChallenge(store: ChallengeStore, challenge: string): Promise<void> {
  if (store.isUsed === undefined) return;
  let used: boolean;
  try {
    used = await store.isUsed(challenge);
  } catch {
    return refuse("STORE_UNAVAILABLE", "the challenge store is unreachable; nothing was accepted");
  }
  if (used) refuse("REQUEST_REPLAYED", "this request was already answered");
}
