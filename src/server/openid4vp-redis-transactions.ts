/**
 * OpenID4VP transactions in Redis, shared by every service instance of a deployment (the
 * service uses it when its config has `redis`; see ./openid4vp-transactions.ts for the contract).
 *
 * Keys, under `<redis.keyPrefix>openid4vp:` (hash tags keep a transaction's keys in one Redis
 * Cluster slot, so each script below touches one slot):
 *   tx:{state}       the transaction (request, request id, result token hash), JSON
 *   st:{state}       absent while pending; "verifying:<claim id>" (at most CLAIM_MS); "answered:<result JSON>"
 *   rq:{requestId}   the state of a request id
 *   ro:{requestId}   the request object until fetched (GET and DEL in one script: single use)
 *   open             a sorted set of open states by drop time, for the bound
 * Every key expires when its transaction is dropped (10 minutes after the request expires), the
 * TTL computed on the service's clock as the challenge store does (./../verifier/redis-challenge-store.ts).
 *
 * NOTE: Redis is trusted as it is for used challenges: whoever can write these keys can change
 * the request a response is checked against. Deploy it as the challenge store (docs/operations.md).
 */
import type { ProofRequest } from "../core/request.js";
import {
  CLAIM_MS,
  MAX_OPEN,
  type OpenedTransaction,
  type Openid4vpAnswer,
  type Openid4vpTransaction,
  type Openid4vpTransactionStore,
  type RequestObjectTake,
  dropTime,
  newResultToken,
  randomId,
  tokenHash,
} from "./openid4vp-transactions.js";
import type { ServiceVerifyResult } from "./presets.js";

/** The Redis commands this store uses; an ioredis client fits as it is. */
export interface RedisTransactionClient {
  set(key: string, value: string, px: "PX", ttlMs: number, nx?: "NX"): Promise<string | null>;
  mget(...keys: string[]): Promise<Array<string | null>>;
  exists(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

// Drops the expired states, then adds this one unless the bound is reached: 1 added, 0 full.
const OPEN = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
return 1`;
// GETDEL (Redis >= 6.2) as a script, so Redis 6.0 (Debian 11, Ubuntu 22.04) serves it too.
const TAKE = `local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v`;
// Compare-and-set on st: the claim's holder moves it on (to the result, or back to pending); so
// does a holder whose claim lapsed (a verification slower than CLAIM_MS) while nobody else holds
// or decided the transaction: the wallet is answered 200 for it.
const SETTLE = `local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

interface Stored {
  request: ProofRequest;
  requestId: string;
  resultTokenHash: string;
}

/** What a store call rejects with when Redis fails: the service answers 503 SERVICE_UNAVAILABLE. */
export const STORE_UNAVAILABLE = "OPENID4VP_STORE_UNAVAILABLE";

/**
 * The client with every rejection replaced by one error (code {@link STORE_UNAVAILABLE},
 * statusCode 503) that carries no key: the routes' error handler answers with the service's shape.
 */
function failingClosed(client: RedisTransactionClient): RedisTransactionClient {
  const fail = (cause: unknown): never => {
    throw Object.assign(new Error("the OpenID4VP transaction store (Redis) is unreachable", { cause }), { code: STORE_UNAVAILABLE, statusCode: 503 });
  };
  return {
    set: (...args: Parameters<RedisTransactionClient["set"]>) => client.set(...args).catch(fail),
    mget: (...keys) => client.mget(...keys).catch(fail),
    exists: (key) => client.exists(key).catch(fail),
    eval: (script, numKeys, ...args) => client.eval(script, numKeys, ...args).catch(fail),
  };
}

/** The transactions of a deployment in Redis. */
export class RedisOpenid4vpTransactions implements Openid4vpTransactionStore {
  readonly #client: RedisTransactionClient;
  readonly #prefix: string;
  readonly #max: number;

  /** `prefix`: the deployment's Redis key prefix (redis.keyPrefix); `max`: the bound (default {@link MAX_OPEN}). */
  constructor(client: RedisTransactionClient, prefix: string, max = MAX_OPEN) {
    this.#client = failingClosed(client);
    this.#prefix = `${prefix}openid4vp:`;
    this.#max = max;
  }

  #key(kind: "tx" | "st" | "rq" | "ro", id: string): string {
    return `${this.#prefix}${kind}:{${id}}`;
  }

  async open(request: ProofRequest, now: number): Promise<OpenedTransaction | undefined> {
    const dropAt = dropTime(request);
    const ttl = ttlMs(dropAt, now);
    const opened = { state: randomId(), requestId: randomId(), resultToken: newResultToken() };
    const added = await this.#client.eval(OPEN, 1, `${this.#prefix}open`, now, this.#max, dropAt, opened.state);
    if (added !== 1) return undefined;
    const stored: Stored = { request, requestId: opened.requestId, resultTokenHash: tokenHash(opened.resultToken) };
    // The transaction before its request id: whoever finds the id finds the transaction.
    await this.#client.set(this.#key("tx", opened.state), JSON.stringify(stored), "PX", ttl);
    await this.#client.set(this.#key("rq", opened.requestId), opened.state, "PX", ttl);
    return opened;
  }

  async putRequestObject(requestId: string, request: ProofRequest, jws: string, now: number): Promise<void> {
    // Lives as long as its transaction; the request's own expiry is checked by the wallet and by the verifier.
    await this.#client.set(this.#key("ro", requestId), jws, "PX", ttlMs(dropTime(request), now));
  }

  async takeRequestObject(requestId: string): Promise<RequestObjectTake> {
    const jws = (await this.#client.eval(TAKE, 1, this.#key("ro", requestId))) as string | null;
    if (jws !== null) return { status: "taken", jws };
    return (await this.#client.exists(this.#key("rq", requestId))) > 0 ? { status: "used" } : { status: "unknown" };
  }

  async byState(state: string): Promise<Openid4vpTransaction | undefined> {
    const [tx, st] = await this.#client.mget(this.#key("tx", state), this.#key("st", state));
    if (tx === null || tx === undefined) return undefined;
    const stored = JSON.parse(tx) as Stored;
    return { state, request: stored.request, resultTokenHash: stored.resultTokenHash, answer: answerOf(st ?? null) };
  }

  async claim(state: string, now: number): Promise<string | undefined> {
    const transaction = await this.byState(state);
    if (transaction === undefined) return undefined;
    const id = randomId();
    // SET NX: of any number of responses racing on any instances, one gets "OK".
    const ttl = Math.min(CLAIM_MS, ttlMs(dropTime(transaction.request), now));
    const reply = await this.#client.set(this.#key("st", state), `verifying:${id}`, "PX", ttl, "NX");
    return reply === "OK" ? id : undefined;
  }

  async release(state: string, claim: string): Promise<void> {
    await this.#client.eval(RELEASE, 1, this.#key("st", state), `verifying:${claim}`);
  }

  async settle(state: string, claim: string, result: ServiceVerifyResult, now: number): Promise<boolean> {
    const transaction = await this.byState(state);
    if (transaction === undefined) return false;
    const ttl = ttlMs(dropTime(transaction.request), now);
    return (await this.#client.eval(SETTLE, 1, this.#key("st", state), `verifying:${claim}`, `answered:${JSON.stringify(result)}`, ttl)) === 1;
  }
}

/** At least 1 ms (PX 0 is an error in Redis). */
function ttlMs(dropAt: number, now: number): number {
  return Math.max(1, Math.ceil(dropAt - now));
}

function answerOf(st: string | null): Openid4vpAnswer {
  if (st === null) return { status: "pending" };
  if (st.startsWith("answered:")) return { status: "answered", result: JSON.parse(st.slice("answered:".length)) as ServiceVerifyResult };
  return { status: "verifying" };
}
