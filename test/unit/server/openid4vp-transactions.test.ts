import { describe, expect, it } from "vitest";
import { CLAIM_MS, MemoryOpenid4vpTransactions, RESULT_GRACE_MS } from "../../../src/server/openid4vp-transactions.js";
import { CONTRACT_REQUEST, openid4vpStoreContract } from "../../helpers/openid4vp-store-contract.js";

describe("the in-memory OpenID4VP transaction store", () => {
  openid4vpStoreContract((max) => new MemoryOpenid4vpTransactions(max));

  const expires = Date.parse(CONTRACT_REQUEST.expiresAt);

  it("keeps a transaction until 10 minutes after its request expires, and frees its room then", async () => {
    const store = new MemoryOpenid4vpTransactions(1);
    const t = (await store.open(CONTRACT_REQUEST, expires))!;
    expect(await store.byState(t.state, expires + RESULT_GRACE_MS - 1)).toBeDefined();
    expect(await store.byState(t.state, expires + RESULT_GRACE_MS)).toBeUndefined();
    expect(await store.open(CONTRACT_REQUEST, expires)).toBeUndefined();
    expect(await store.open(CONTRACT_REQUEST, expires + RESULT_GRACE_MS)).toBeDefined();
  });

  it("lets a claim that was never settled lapse after CLAIM_MS, and ignores its holder after that", async () => {
    const store = new MemoryOpenid4vpTransactions();
    const t = (await store.open(CONTRACT_REQUEST, expires - 120_000))!;
    const first = (await store.claim(t.state, expires - 120_000))!;
    expect(await store.claim(t.state, expires - 120_000 + CLAIM_MS - 1)).toBeUndefined();
    const second = await store.claim(t.state, expires - 120_000 + CLAIM_MS);
    expect(second).toBeDefined();
    await store.release(t.state, first);
    expect((await store.byState(t.state, expires - 60_000))!.answer).toEqual({ status: "verifying" });
  });

  it("records the result of a holder whose claim lapsed while it verified (a results poll saw the lapse), when no other response holds the transaction", async () => {
    const store = new MemoryOpenid4vpTransactions();
    const t0 = expires - 120_000;
    const t = (await store.open(CONTRACT_REQUEST, t0))!;
    const claim = (await store.claim(t.state, t0))!;
    // The back end's poll after CLAIM_MS: the claim lapses back to pending.
    expect((await store.byState(t.state, t0 + CLAIM_MS))!.answer).toEqual({ status: "pending" });
    // The slow verification ends; the route answers the wallet 200, so the result must be kept.
    const result = { ok: true, preset: "adult" } as never;
    expect(await store.settle(t.state, claim, result)).toBe(true);
    expect((await store.byState(t.state, t0 + CLAIM_MS))!.answer).toEqual({ status: "answered", result });
  });
});
