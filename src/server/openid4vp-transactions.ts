/**
 * The OpenID4VP transactions a service has open: for each `state`, the medzk request asked, its
 * request object while the request_uri is unfetched, the hash of the secret that collects the
 * result, and the result once the wallet has answered.
 *
 * Two stores behind one interface: {@link MemoryOpenid4vpTransactions} (one instance; the default)
 * and, when the service has `redis`, ./openid4vp-redis-transactions.ts, which every instance
 * behind a load balancer shares, so a wallet may fetch the request object from one instance and
 * post its answer to another, and the back end collect it from a third. Every state change that
 * two calls could race for is one atomic step of the store: fetching the request object (single
 * use), and claiming the transaction for verification (of two responses racing, on one instance
 * or two, exactly one is verified). Bounded: expired transactions are dropped, and at most
 * {@link MAX_OPEN} are open at once.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ProofRequest } from "../core/request.js";
import type { ServiceVerifyResult } from "./presets.js";

/** Open transactions at once: each holds a few KiB, and a flood of creations stops here. */
export const MAX_OPEN = 10_000;
/** How long a result stays collectable after the request expired. */
export const RESULT_GRACE_MS = 10 * 60_000;
/**
 * How long a claim for verification holds: an instance that dies while verifying would otherwise
 * leave the transaction "verifying" (every later response refused) until it is dropped.
 */
export const CLAIM_MS = 60_000;

/** What the wallet's answer has come to: nothing yet, being verified, or the result. */
export type Openid4vpAnswer = { status: "pending" } | { status: "verifying" } | { status: "answered"; result: ServiceVerifyResult };

/** An open transaction as a route reads it. */
export interface Openid4vpTransaction {
  state: string;
  request: ProofRequest;
  /** SHA-256 of the result token, hex. */
  resultTokenHash: string;
  answer: Openid4vpAnswer;
}

/** What {@link Openid4vpTransactionStore.open} gives the creator: the ids, and the result token (never stored). */
export interface OpenedTransaction {
  state: string;
  requestId: string;
  resultToken: string;
}

/** Where the request object of a request_uri stands. */
export type RequestObjectTake = { status: "unknown" } | { status: "used" } | { status: "taken"; jws: string };

/**
 * The transactions of one deployment. `now` is the service clock's time (ms since the epoch):
 * lifetimes are computed on it, never on the store's own clock. Methods reject when the store
 * cannot be reached (the routes answer 503).
 */
export interface Openid4vpTransactionStore {
  /** Opens a transaction for a signed request; undefined when the most allowed are open. */
  open(request: ProofRequest, now: number): Promise<OpenedTransaction | undefined>;
  /** Keeps the signed request object of `request` for one fetch of the request_uri. */
  putRequestObject(requestId: string, request: ProofRequest, jws: string, now: number): Promise<void>;
  /** Takes the request object: the first call gets it, every later one "used". */
  takeRequestObject(requestId: string, now: number): Promise<RequestObjectTake>;
  byState(state: string, now: number): Promise<Openid4vpTransaction | undefined>;
  /** Claims a pending transaction for verification; a claim id, or undefined if it is not pending. */
  claim(state: string, now: number): Promise<string | undefined>;
  /** Gives a claimed transaction back to "pending" (the response did not answer it). */
  release(state: string, claim: string): Promise<void>;
  /**
   * Records the result of a claimed transaction: true when recorded, false when another response
   * holds or decided it (the claim lapsed and was taken). A lapsed claim nobody else took still
   * records: its holder verified (and used the challenge up) and answers the wallet 200.
   */
  settle(state: string, claim: string, result: ServiceVerifyResult, now: number): Promise<boolean>;
}

export const tokenHash = (token: string): string => createHash("sha256").update(token).digest("hex");
export const randomId = (): string => randomBytes(16).toString("base64url");
export const newResultToken = (): string => randomBytes(32).toString("hex");

/** When a transaction for `request` is forgotten (ms since the epoch). */
export const dropTime = (request: ProofRequest): number => Date.parse(request.expiresAt) + RESULT_GRACE_MS;

/** Whether `token` is the transaction's result token (compared in constant time, by hash). */
export function holdsToken(transaction: Openid4vpTransaction, token: string): boolean {
  return timingSafeEqual(Buffer.from(tokenHash(token), "hex"), Buffer.from(transaction.resultTokenHash, "hex"));
}

interface Entry {
  request: ProofRequest;
  requestId: string;
  /** The JWS until fetched (then undefined: single use). */
  requestObject: string | undefined;
  answer: Openid4vpAnswer;
  /** The claim id while "verifying", and when the claim lapses. */
  claim: { id: string; until: number } | undefined;
  resultTokenHash: string;
  dropAt: number;
}

/** How often expired transactions are dropped. */
const SWEEP_MS = 10_000;

/**
 * The transactions in this instance's memory. NOTE: behind a load balancer without `redis`, route
 * /v1/openid4vp/* of one transaction to one instance (the state and the request_uri id are in
 * every call), or run one instance for OpenID4VP; a restart loses what is open.
 */
export class MemoryOpenid4vpTransactions implements Openid4vpTransactionStore {
  readonly #byState = new Map<string, Entry>();
  readonly #stateByRequestId = new Map<string, string>();
  #nextSweep = 0;
  readonly #max: number;

  /** `max`: how many may be open at once (default {@link MAX_OPEN}). */
  constructor(max = MAX_OPEN) {
    this.#max = max;
  }

  async open(request: ProofRequest, now: number): Promise<OpenedTransaction | undefined> {
    // A full pass at most every SWEEP_MS, or when full: not one per creation.
    if (now >= this.#nextSweep || this.#byState.size >= this.#max) {
      this.#sweep(now);
      this.#nextSweep = now + SWEEP_MS;
    }
    if (this.#byState.size >= this.#max) return undefined;
    const opened = { state: randomId(), requestId: randomId(), resultToken: newResultToken() };
    this.#byState.set(opened.state, {
      request,
      requestId: opened.requestId,
      requestObject: undefined,
      answer: { status: "pending" },
      claim: undefined,
      resultTokenHash: tokenHash(opened.resultToken),
      dropAt: dropTime(request),
    });
    this.#stateByRequestId.set(opened.requestId, opened.state);
    return opened;
  }

  async putRequestObject(requestId: string, _request: ProofRequest, jws: string, now: number): Promise<void> {
    const entry = this.#byRequestId(requestId, now);
    if (entry) entry.requestObject = jws;
  }

  async takeRequestObject(requestId: string, now: number): Promise<RequestObjectTake> {
    const entry = this.#byRequestId(requestId, now);
    if (entry === undefined) return { status: "unknown" };
    const jws = entry.requestObject;
    if (jws === undefined) return { status: "used" };
    entry.requestObject = undefined;
    return { status: "taken", jws };
  }

  async byState(state: string, now: number): Promise<Openid4vpTransaction | undefined> {
    const entry = this.#live(state, now);
    if (entry === undefined) return undefined;
    return { state, request: entry.request, resultTokenHash: entry.resultTokenHash, answer: entry.answer };
  }

  async claim(state: string, now: number): Promise<string | undefined> {
    const entry = this.#live(state, now);
    if (entry === undefined || entry.answer.status !== "pending") return undefined;
    const id = randomId();
    entry.answer = { status: "verifying" };
    entry.claim = { id, until: now + CLAIM_MS };
    return id;
  }

  async release(state: string, claim: string): Promise<void> {
    const entry = this.#byState.get(state);
    if (entry?.claim?.id !== claim) return;
    entry.answer = { status: "pending" };
    entry.claim = undefined;
  }

  async settle(state: string, claim: string, result: ServiceVerifyResult): Promise<boolean> {
    const entry = this.#byState.get(state);
    if (entry === undefined) return false;
    const lapsedUntaken = entry.claim === undefined && entry.answer.status === "pending";
    if (entry.claim?.id !== claim && !lapsedUntaken) return false;
    entry.answer = { status: "answered", result };
    entry.claim = undefined;
    return true;
  }

  #live(state: string, now: number): Entry | undefined {
    const entry = this.#byState.get(state);
    if (entry === undefined || entry.dropAt <= now) return undefined;
    // A claim whose holder never settled it (a verification that threw past its handler) lapses.
    if (entry.claim !== undefined && entry.claim.until <= now) {
      entry.answer = { status: "pending" };
      entry.claim = undefined;
    }
    return entry;
  }

  #byRequestId(id: string, now: number): Entry | undefined {
    const state = this.#stateByRequestId.get(id);
    return state === undefined ? undefined : this.#live(state, now);
  }

  #sweep(now: number): void {
    for (const [state, entry] of this.#byState) {
      if (entry.dropAt > now) continue;
      this.#byState.delete(state);
      this.#stateByRequestId.delete(entry.requestId);
    }
  }
}
