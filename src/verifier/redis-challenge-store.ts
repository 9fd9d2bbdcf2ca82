/**
 * A challenge store shared by several verifier instances through Redis.
 *
 * Consuming a challenge is one `SET key 1 NX PX <ttl>`: Redis executes it atomically, so of any
 * number of concurrent consumers across instances exactly one gets "OK" and every other gets
 * null. The key lives as long as the request does, so the store never grows past the live
 * requests. Errors (connection refused, timeouts) propagate, and the verifier then refuses the
 * presentation with STORE_UNAVAILABLE: it fails closed, never accepting a presentation twice.
 *
 * The TTL is relative, computed on the verifier's clock (the one that decides whether a request
 * has expired): `expiresAt - now`. An absolute `PXAT` would be read on Redis's clock instead, and
 * a Redis host running ahead of the verifier would drop the key while the verifier still accepts
 * the request, reopening it to a replay on every instance.
 * NOTE: instances sharing Redis must agree on the time (NTP): a key lives until the consuming
 * instance's clock reaches the expiry, and an instance whose clock is behind accepts the request
 * for that much longer.
 *
 * Any client with an ioredis-style `set(key, value, "PX", ms, "NX")` works (ioredis; for
 * node-redis pass `{ set: (k, v, _px, ms, _nx) => client.set(k, v, { PX: ms, NX: true }) }`).
 */
import { assertClock } from "../core/validate.js";
import type { ChallengeStore } from "./challenge-store.js";

/** The one Redis command {@link RedisChallengeStore} needs; an ioredis client fits as it is. */
export interface RedisLikeClient {
  /**
   * `SET key value PX ttlMs NX` (`ttlMs` a positive integer of milliseconds): resolves "OK" when
   * the key was set and null when it existed; rejects when Redis cannot be reached.
   */
  set(key: string, value: string, px: "PX", ttlMs: number, nx: "NX"): Promise<string | null>;
  /**
   * Optional: `EXISTS key`, resolving the number of the keys that exist (0 or 1). With it a
   * replay is refused after one read, before the verifier's curve work; without it, only the
   * `SET … NX` after the pairing check refuses it.
   */
  exists?(key: string): Promise<number>;
}

/** Options of {@link RedisChallengeStore}. */
export interface RedisChallengeStoreOptions {
  /** Namespaces the keys (one per verifier deployment). Default "medzk:challenge:". */
  prefix?: string;
  /**
   * The clock for a `consume` call that does not pass the time (the verifier always does, from
   * its own clock). Default: the system clock.
   */
  clock?: () => Date;
}

/** A {@link ChallengeStore} in Redis, shared by several verifier instances. Fails closed. */
export class RedisChallengeStore implements ChallengeStore {
  readonly #client: RedisLikeClient;
  readonly #prefix: string;
  readonly #clock: () => Date;

  constructor(client: RedisLikeClient, options: RedisChallengeStoreOptions = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? "medzk:challenge:";
    this.#clock = assertClock(options.clock, "clock");
  }

  async consume(challenge: string, expiresAtMs: number, nowMs: number = this.#clock().getTime()): Promise<boolean> {
    // At least 1 ms (PX 0 is an error in Redis); the verifier never consumes an expired request.
    const ttlMs = Math.max(1, Math.ceil(expiresAtMs - nowMs));
    const reply = await this.#client.set(this.#prefix + challenge, "1", "PX", ttlMs, "NX");
    return reply === "OK";
  }

  async isUsed(challenge: string): Promise<boolean> {
    // A client without EXISTS never reports a challenge as used: the SET NX still refuses it.
    if (this.#client.exists === undefined) return false;
    return (await this.#client.exists(this.#prefix + challenge)) > 0;
  }
}
