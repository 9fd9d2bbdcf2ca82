/**
 * The cheap replay refusal (ChallengeStore.isUsed, read before the pairing) answers only for this
 * verifier's own, authentic, live requests: a store shared by two verifiers (one Redis, one key
 * prefix) must not let one verifier's answer reveal that a request of the other was answered,
 * and the documented order of refusal codes (request checks before the replay) holds. No proof
 * is made: the proof is well-formed but false, so reaching the pairing would say INVALID_PROOF.
 */
import { describe, expect, it } from "vitest";
import { MemoryChallengeStore, type ProofRequest, createVerifier, generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { wellFormedProof } from "../groth16/proof-json.js";

const issuer = generateIssuerKey().publicKey;
const statement = { type: "ageAtLeast", minAge: 18 } as const;
const presentationFor = (request: ProofRequest) => ({ format: "medzk-presentation/v1", request, proof: wellFormedProof(), publicSignals: [] });

describe("replay read before the pairing", () => {
  it("refuses a used challenge of its own request at once, and another verifier's request as UNKNOWN_REQUEST", async () => {
    const store = new MemoryChallengeStore();
    const a = createVerifier({ key: generateVerifierKey(), trustedIssuers: [issuer], challengeStore: store });
    const b = createVerifier({ key: generateVerifierKey(), trustedIssuers: [issuer], challengeStore: store });
    const request = a.createRequest({ statement });
    // A accepted an answer to its request: the shared store holds the challenge.
    expect(await store.consume(request.challenge, Date.parse(request.expiresAt))).toBe(true);
    expect(await a.verify(presentationFor(request))).toMatchObject({ ok: false, error: { code: "REQUEST_REPLAYED" } });
    // B never issued it: it must say so, not tell that A's holder has answered.
    expect(await b.verify(presentationFor(request))).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
    // An altered request of A's own is not A's either.
    const altered = { ...request, asOf: "2000-01-01" };
    expect(await a.verify(presentationFor(altered))).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });

  it("keeps the request checks ahead of the replay (REQUEST_MISMATCH, REQUEST_EXPIRED)", async () => {
    let now = new Date("2026-12-07T00:00:00Z");
    const store = new MemoryChallengeStore({ clock: () => now });
    const v = createVerifier({ key: generateVerifierKey(), trustedIssuers: [issuer], challengeStore: store, clock: () => now });
    const request = v.createRequest({ statement });
    await store.consume(request.challenge, Date.parse(request.expiresAt), now.getTime());
    expect(await v.verify(presentationFor(request), { expected: "1" })).toMatchObject({ ok: false, error: { code: "REQUEST_MISMATCH" } });
    now = new Date(Date.parse(request.expiresAt) + 1);
    expect(await v.verify(presentationFor(request))).toMatchObject({ ok: false, error: { code: "REQUEST_EXPIRED" } });
  });
});
