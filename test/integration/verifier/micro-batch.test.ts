/**
 * Single verifications gathered into one batch pairing check (policy `microBatch`) each get their
 * own result, exactly what `verify` gives alone; and a used challenge is refused by a read of the
 * store before any curve work. Three proofs in all.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ChallengeStore,
  MemoryChallengeStore,
  type Presentation,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
} from "../../../src/index.js";
import type { VerifierPolicy } from "../../../src/verifier.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const key = generateVerifierKey();
const verifier = (extra: Partial<VerifierPolicy> = {}) => createVerifier({ trustedIssuers: [issuer.publicKey], key, clock: () => NOW, ...extra });
const valid: Presentation[] = [];
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? "ok" : r.error!.code);

beforeAll(async () => {
  const holder = createHolder();
  const record = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now: NOW });
  const v = verifier();
  for (let i = 0; i < 3; i++) valid.push(await prove({ credential: record, holder, request: v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }), now: NOW }));
});

/** `p` with another presentation's proof: valid curve points, a proof that does not verify. */
const wrongProof = (p: Presentation, from: Presentation): Presentation => ({ ...structuredClone(p), proof: structuredClone(from.proof) });

describe("micro-batching", () => {
  it("answers each caller in one window with its own result: valid, invalid, replayed, malformed, duplicate", async () => {
    const store = new MemoryChallengeStore({ clock: () => NOW });
    // A long window, so all of these (submitted in one tick) land in one batch.
    const v = verifier({ microBatch: { windowMs: 50, maxBatch: 64 }, challengeStore: store });
    const [p0, p1, p2] = valid as [Presentation, Presentation, Presentation];
    expect(code(await v.verify(p0))).toBe("ok");
    const items: unknown[] = [p1, wrongProof(p2, p1), p0, p2, p1, null, { ...p2, publicSignals: p2.publicSignals.slice(1) }];
    const results = await Promise.all(items.map((p) => v.verify(p)));
    expect(results.map(code)).toEqual(["ok", "INVALID_PROOF", "REQUEST_REPLAYED", "ok", "REQUEST_REPLAYED", "MALFORMED_PRESENTATION", "PUBLIC_SIGNAL_COUNT"]);
    // The accepted ones carry their own request's facts, not a neighbour's.
    expect(results[0]).toMatchObject({ ok: true, challenge: p1.request.challenge });
    expect(results[3]).toMatchObject({ ok: true, challenge: p2.request.challenge });
    expect(store.size).toBe(3);
  });

  it("gives a lone bad proof in a full batch of one the same refusal as verify", async () => {
    const v = verifier({ microBatch: { windowMs: 0, maxBatch: 1 } });
    const [p0, p1] = valid as [Presentation, Presentation];
    expect((await Promise.all([v.verify(wrongProof(p0, p1)), v.verify(p1)])).map(code)).toEqual(["INVALID_PROOF", "ok"]);
    expect(code(await v.verify(p0))).toBe("ok");
  });

  it("refuses options that are not a window and a size", () => {
    expect(() => verifier({ microBatch: { windowMs: 51 } })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => verifier({ microBatch: { maxBatch: 0 } })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => verifier({ microBatch: { window: 2 } as never })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => verifier({ microBatch: "on" as never })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("cheap refusal of a replay", () => {
  it("is decided by a read of the store, before the pairing check", async () => {
    const store = new MemoryChallengeStore({ clock: () => NOW });
    const v = verifier({ challengeStore: store });
    const [, , p2] = valid as [Presentation, Presentation, Presentation];
    const forged = wrongProof(p2, valid[0]!);
    expect(code(await v.verify(p2))).toBe("ok");
    // Its proof would fail the pairing (INVALID_PROOF): REQUEST_REPLAYED says the read came first.
    expect(code(await v.verify(forged))).toBe("REQUEST_REPLAYED");
    // A store that cannot be read leaves it to the pairing and the consume: same outcome, later.
    const consumeOnly: ChallengeStore = { consume: (c, e, n) => store.consume(c, e, n) };
    expect(code(await verifier({ challengeStore: consumeOnly }).verify(forged))).toBe("INVALID_PROOF");
    expect(code(await verifier({ challengeStore: consumeOnly }).verify(p2))).toBe("REQUEST_REPLAYED");
  });
});
