/** MemoryChallengeStore forgets a challenge by the verifier's clock (the `nowMs` it is given), never its own. */
import { describe, expect, it } from "vitest";
import { MemoryChallengeStore } from "../../../src/verifier/challenge-store.js";

describe("MemoryChallengeStore", () => {
  it("sweeps by the verifier's clock, not by a store clock that runs ahead", async () => {
    // The store's own clock is a century ahead; the verifier's time passed to consume rules.
    const store = new MemoryChallengeStore({ clock: () => new Date("2126-01-01T00:00:00Z") });
    const t0 = Date.parse("2026-06-15T12:00:00Z");
    const expires = t0 + 300_000;
    expect(await store.consume("c", expires, t0)).toBe(true);
    expect(await store.consume("other", expires, t0 + 1)).toBe(true);
    // Just before it could be forgotten (expiry plus the grace), it is still a replay.
    expect(await store.consume("c", expires, expires + MemoryChallengeStore.GRACE_MS - 1)).toBe(false);
    expect(store.size).toBe(2);
    // Past expiry and grace on the verifier's clock, the sweep forgets it.
    expect(await store.consume("fresh", expires + 3_600_000, expires + MemoryChallengeStore.GRACE_MS + 120_000)).toBe(true);
    expect(store.size).toBe(1);
  });

  it("uses its own clock only when consume is given no time", async () => {
    let now = Date.parse("2026-06-15T12:00:00Z");
    const store = new MemoryChallengeStore({ clock: () => new Date(now) });
    expect(await store.consume("c", now + 1_000)).toBe(true);
    expect(await store.consume("c", now + 1_000)).toBe(false);
    now += MemoryChallengeStore.GRACE_MS + 120_000;
    expect(await store.consume("d", now + 1_000)).toBe(true);
    expect(store.size).toBe(1);
  });
});
