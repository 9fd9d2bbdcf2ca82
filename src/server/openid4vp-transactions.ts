/**
 * The OpenID4VP transactions a service instance has open: for each `state`, the medzk request
 * asked, its request object while the request_uri is unfetched, the hash of the secret that
 * collects the result, and the result once the wallet has answered.
 *
 * NOTE: kept in this instance's memory. Behind a load balancer, route /v1/openid4vp/* of one
 * transaction to one instance (the state and the request_uri id are in every call), or run one
 * instance for OpenID4VP; the challenge itself is still single use across instances through the
 * shared challenge store. Bounded: expired transactions are dropped, and at most
 * {@link MAX_OPEN} are open at once.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ProofRequest } from "../core/request.js";
import type { ServiceVerifyResult } from "./presets.js";

/** Open transactions per instance: each holds a few KiB, and a flood of creations stops here. */
const MAX_OPEN = 10_000;
/** How long a result stays collectable after the request expired. */
const RESULT_GRACE_MS = 10 * 60_000;

export interface Transaction {
  state: string;
  request: ProofRequest;
  /** The request_uri's id, and its JWS until fetched (then undefined: single use). */
  requestId: string;
  requestObject: string | undefined;
  /** "pending" until a response arrives; "verifying" while it is checked; then the result. */
  answer: { status: "pending" } | { status: "verifying" } | { status: "answered"; result: ServiceVerifyResult };
  resultTokenHash: Buffer;
  /** When the transaction is forgotten (ms since the epoch). */
  dropAt: number;
}

const hash = (token: string): Buffer => createHash("sha256").update(token).digest();
const randomId = (): string => randomBytes(16).toString("base64url");

export class Openid4vpTransactions {
  readonly #byState = new Map<string, Transaction>();
  readonly #stateByRequestId = new Map<string, string>();

  /** Opens a transaction for a signed request; undefined when {@link MAX_OPEN} are open. */
  open(request: ProofRequest, now: number): { transaction: Transaction; resultToken: string } | undefined {
    this.#sweep(now);
    if (this.#byState.size >= MAX_OPEN) return undefined;
    const resultToken = randomBytes(32).toString("hex");
    const transaction: Transaction = {
      state: randomId(),
      request,
      requestId: randomId(),
      requestObject: undefined,
      answer: { status: "pending" },
      resultTokenHash: hash(resultToken),
      dropAt: Date.parse(request.expiresAt) + RESULT_GRACE_MS,
    };
    this.#byState.set(transaction.state, transaction);
    this.#stateByRequestId.set(transaction.requestId, transaction.state);
    return { transaction, resultToken };
  }

  byState(state: string, now: number): Transaction | undefined {
    const t = this.#byState.get(state);
    if (t === undefined || t.dropAt <= now) return undefined;
    return t;
  }

  byRequestId(id: string, now: number): Transaction | undefined {
    const state = this.#stateByRequestId.get(id);
    return state === undefined ? undefined : this.byState(state, now);
  }

  /** Whether `token` is the transaction's result token (compared in constant time, by hash). */
  static holdsToken(transaction: Transaction, token: string): boolean {
    return timingSafeEqual(hash(token), transaction.resultTokenHash);
  }

  #sweep(now: number): void {
    for (const [state, t] of this.#byState) {
      if (t.dropAt > now) continue;
      this.#byState.delete(state);
      this.#stateByRequestId.delete(t.requestId);
    }
  }
}
