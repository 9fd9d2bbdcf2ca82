/**
 * What every OpenID4VP transaction store must do (src/server/openid4vp-transactions.ts), run
 * against the in-memory store (test/unit/server/openid4vp-transactions.test.ts) and against a
 * real redis-server (test/integration/server/service-redis.test.ts).
 */
import { expect, it } from "vitest";
import type { ProofRequest } from "../../src/core/request.js";
import { type Openid4vpTransactionStore, dropTime, holdsToken } from "../../src/server/openid4vp-transactions.js";
import type { ServiceVerifyResult } from "../../src/server/presets.js";

const NOW = Date.now();
export const CONTRACT_REQUEST = { expiresAt: new Date(NOW + 5 * 60_000).toISOString(), challenge: "c" } as unknown as ProofRequest;
const RESULT = { ok: true, preset: "adult" } as unknown as ServiceVerifyResult;

/** The contract's tests; `make(max)` gives an empty store holding at most `max` open transactions. */
export function openid4vpStoreContract(make: (max?: number) => Openid4vpTransactionStore): void {
  it("opens transactions under fresh ids, finds them by state with the request, and checks the result token by hash", async () => {
    const store = make();
    const a = (await store.open(CONTRACT_REQUEST, NOW))!;
    const b = (await store.open(CONTRACT_REQUEST, NOW))!;
    expect(a.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.resultToken).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([a.state, b.state, a.requestId, b.requestId]).size).toBe(4);
    const found = (await store.byState(a.state, NOW))!;
    expect(found).toMatchObject({ state: a.state, request: CONTRACT_REQUEST, answer: { status: "pending" } });
    expect(holdsToken(found, a.resultToken)).toBe(true);
    expect(holdsToken(found, b.resultToken)).toBe(false);
    expect(holdsToken(found, "")).toBe(false);
    expect(await store.byState(a.requestId, NOW)).toBeUndefined();
  });

  it("hands the request object out once: unknown ids, by-value transactions and second fetches get nothing", async () => {
    const store = make();
    const t = (await store.open(CONTRACT_REQUEST, NOW))!;
    expect(await store.takeRequestObject("nope", NOW)).toEqual({ status: "unknown" });
    expect(await store.takeRequestObject(t.state, NOW)).toEqual({ status: "unknown" });
    // Before a request object is kept (a by-value transaction has none): nothing to hand out.
    expect(await store.takeRequestObject(t.requestId, NOW)).toEqual({ status: "used" });
    await store.putRequestObject(t.requestId, CONTRACT_REQUEST, "h.p.s", NOW);
    const takes = await Promise.all(Array.from({ length: 8 }, () => store.takeRequestObject(t.requestId, NOW)));
    expect(takes.filter((x) => x.status === "taken")).toEqual([{ status: "taken", jws: "h.p.s" }]);
    expect(takes.filter((x) => x.status === "used")).toHaveLength(7);
  });

  it("lets exactly one of many racing claims verify; only the claim's holder releases or settles it", async () => {
    const store = make();
    const t = (await store.open(CONTRACT_REQUEST, NOW))!;
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim(t.state, NOW)));
    const held = claims.filter((c): c is string => c !== undefined);
    expect(held).toHaveLength(1);
    expect((await store.byState(t.state, NOW))!.answer).toEqual({ status: "verifying" });
    await store.release(t.state, "someone else");
    expect(await store.settle(t.state, "someone else", RESULT, NOW)).toBe(false);
    expect((await store.byState(t.state, NOW))!.answer).toEqual({ status: "verifying" });
    await store.release(t.state, held[0]!);
    expect((await store.byState(t.state, NOW))!.answer).toEqual({ status: "pending" });
    const again = (await store.claim(t.state, NOW))!;
    expect(await store.settle(t.state, held[0]!, RESULT, NOW)).toBe(false); // a stale claim
    expect((await store.byState(t.state, NOW))!.answer).toEqual({ status: "verifying" });
    expect(await store.settle(t.state, again, RESULT, NOW)).toBe(true);
    expect((await store.byState(t.state, NOW))!.answer).toEqual({ status: "answered", result: RESULT });
    expect(await store.claim(t.state, NOW)).toBeUndefined();
    expect(await store.claim("unknown", NOW)).toBeUndefined();
  });

  it("holds at most its bound of open transactions", async () => {
    const store = make(3);
    for (let i = 0; i < 3; i++) expect(await store.open(CONTRACT_REQUEST, NOW)).toBeDefined();
    expect(await store.open(CONTRACT_REQUEST, NOW)).toBeUndefined();
    // Dropped transactions make room (the service's clock says when, not the store's).
    expect(await store.open(CONTRACT_REQUEST, dropTime(CONTRACT_REQUEST))).toBeDefined();
  });
}
