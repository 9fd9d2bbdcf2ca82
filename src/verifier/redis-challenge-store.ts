/**
 * A challenge store shared by several verifier instances through Redis.
 *
 * Consuming a challenge is one `SET key 1 NX PXAT <expiresAt>`: Redis executes it atomically, so
 * of any number of concurrent consumers across instances exactly one gets "OK" and every other
 * gets null. The key expires with the request, so the store never grows past the live requests.
 * Errors (connection refused, timeouts) propagate, and the verifier then refuses the presentation
 * with STORE_UNAVAILABLE: it fails closed, never accepting a presentation twice.
 *
 * Any client with an ioredis-style `set(key, value, "PXAT", ms, "NX")` works (ioredis; for
 * node-redis pass `{ set: (k, v, _px, t, _nx) => client.set(k, v, { PXAT: t, NX: true }) }`).
 */
import type { ChallengeStore } from "./challenge-store.js";

/** The one Redis command {@link RedisChallengeStore} needs; an ioredis client fits as it is. */
export interface RedisLikeClient {
  /**
   * `SET key value PXAT expiresAt NX` (`expiresAt` in ms since the epoch): resolves "OK" when the
   * key was set and null when it existed; rejects when Redis cannot be reached.
   */
  set(key: string, value: string, px: "PXAT", expiresAt: number, nx: "NX"): Promise<string | null>;
}

/** A {@link ChallengeStore} in Redis, shared by several verifier instances. Fails closed. */
export class RedisChallengeStore implements ChallengeStore {
  readonly #client: RedisLikeClient;
  readonly #prefix: string;

  /** `prefix` namespaces the keys (one per verifier deployment), default "medzk:challenge:". */
  constructor(client: RedisLikeClient, options: { prefix?: string } = {}) {
    this.#client = client;
    this.#prefix = options.prefix ?? "medzk:challenge:";
  }

  async consume(challenge: string, expiresAtMs: number): Promise<boolean> {
    // PXAT in the past would make Redis drop the key at once; the verifier never consumes an
    // expired request, but keep at least a minute so clock skew cannot reopen a challenge.
    const until = Math.max(Math.ceil(expiresAtMs), Date.now() + 60_000);
    const reply = await this.#client.set(this.#prefix + challenge, "1", "PXAT", until, "NX");
    return reply === "OK";
  }
}
