/**
 * Verifier identity: the nullifier scope is derived from the verifier's signing key and purpose,
 * and a request must carry that key's signature. No request a second verifier can make, whether
 * fresh, spliced field by field from the first's or malleated, yields the first verifier's
 * nullifier: the prover refuses it, or the nullifier differs and the first verifier refuses it.
 */
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, bytesToNumberLE, hexToBytes, numberToBytesLE } from "@noble/curves/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { requestSigningInput } from "../../../src/core/request.js";
import { type Presentation, type ProofRequest, createVerifier, generateVerifierKey, prove } from "../../../src/index.js";
import { clone, makeWorld, type World } from "../../helpers/fixtures.js";
import { rejectionCodeOf } from "../../helpers/errors.js";

const NOW = new Date("2026-06-15T12:00:00Z");
/** Ed25519's group order L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

let world: World;
const acmeKey = generateVerifierKey();
const otherKey = generateVerifierKey();
// Every field of the two verifiers' requests differs, so each splice below changes the request.
const acme = () =>
  createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey, name: "Acme Health", purpose: "claims", responseUrl: "https://acme.example/answers", clock: () => NOW });
const other = () =>
  createVerifier({
    trustedIssuers: [world.hospital.publicKey],
    key: otherKey,
    purpose: "marketing",
    responseUrl: "https://other.example/collect",
    requestTtlSeconds: 600,
    clock: () => new Date(NOW.getTime() + 86_400_000), // the next day: its as-of date differs too
  });
const AGE_18 = { type: "ageAtLeast", minAge: 18 } as const;
const AGE_21 = { type: "ageAtLeast", minAge: 21 } as const;

let acmeNullifier: string;
let acmePresentation: Presentation;

const proveRequest = (request: unknown) => prove({ credential: world.record, holder: world.patient, request, clock: () => NOW });

const refusalCode = rejectionCodeOf;

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  const v = acme();
  acmePresentation = await proveRequest(v.createRequest({ statement: AGE_18 }));
  const result = await v.verify(acmePresentation);
  if (!result.ok) throw new Error(`setup: ${result.error.code}`);
  acmeNullifier = result.nullifier;
});

describe("derived scopes", () => {
  it("derives the scope from the key and purpose and refuses a chosen one", () => {
    expect(acme().scope).toBe(`medzk-verifier:${acmeKey.publicKey}/claims`);
    expect(acme().publicKey).toBe(acmeKey.publicKey);
    expect(acme().name).toBe("Acme Health");
    expect(createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey }).scope).toBe(`medzk-verifier:${acmeKey.publicKey}`);
    const policy = { trustedIssuers: [world.hospital.publicKey], key: acmeKey, scope: `medzk-verifier:${acmeKey.publicKey}/claims` };
    expect(() => createVerifier(policy as never)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/"key".*"purpose"/) }));
  });

  it("gives one verifier (same key and purpose) the same nullifier on every request and every instance", async () => {
    const second = acme(); // another instance sharing the key: a second service replica
    const p = await proveRequest(second.createRequest({ statement: AGE_21 }));
    const again = await acme().verify(p);
    expect(again).toMatchObject({ ok: true, nullifier: acmeNullifier, scope: acme().scope });
  });

  it("gives two verifiers, and one key with two purposes, different nullifiers for one patient", async () => {
    const otherResult = await other().verify(await proveRequest(other().createRequest({ statement: AGE_18 })));
    const samekeyOtherPurpose = createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey, purpose: "research", clock: () => NOW });
    const purposeResult = await samekeyOtherPurpose.verify(await proveRequest(samekeyOtherPurpose.createRequest({ statement: AGE_18 })));
    expect(otherResult.ok && purposeResult.ok).toBe(true);
    const nullifiers = [acmeNullifier, otherResult.ok && otherResult.nullifier, purposeResult.ok && purposeResult.nullifier];
    expect(new Set(nullifiers).size).toBe(3);
  });
});

describe("forged requests never yield another verifier's nullifier", () => {
  const FIELDS = ["verifier", "purpose", "responseUrl", "challenge", "asOf", "statement", "expiresAt", "signature"] as const;

  it("every field of Acme's request spliced into another verifier's, one at a time: the prover refuses", async () => {
    const mine = acmePresentation.request;
    const theirs = other().createRequest({ statement: AGE_21 });
    for (const field of FIELDS) {
      expect(JSON.stringify(theirs[field]), field).not.toBe(JSON.stringify(mine[field])); // the splice changes something
      const forged = { ...theirs, [field]: mine[field] };
      expect(await refusalCode(() => proveRequest(forged)), field).toBe("REQUEST_SIGNATURE_INVALID");
    }
  });

  it("every field of another verifier's request spliced into Acme's: the prover refuses (no relay to a new address, no new statement)", async () => {
    const mine = acme().createRequest({ statement: AGE_18 });
    const theirs = other().createRequest({ statement: AGE_21 });
    for (const field of FIELDS) {
      const forged = { ...mine, [field]: theirs[field] };
      expect(await refusalCode(() => proveRequest(forged)), field).toBe("REQUEST_SIGNATURE_INVALID");
    }
    const { purpose: _purpose, ...noPurpose } = mine;
    expect(await refusalCode(() => proveRequest(noPurpose))).toBe("REQUEST_SIGNATURE_INVALID");
    const { responseUrl: _url, ...noUrl } = mine;
    expect(await refusalCode(() => proveRequest(noUrl))).toBe("REQUEST_SIGNATURE_INVALID");
  });

  it("a request naming Acme's key, signed by another key: refused by the prover, and by Acme even with a genuine proof", async () => {
    // The other verifier signs a request that names Acme's key and purpose: the scope the prover
    // would derive is Acme's, but the signature is not Acme's.
    const { signature: _s, ...unsigned } = other().createRequest({ statement: AGE_18 });
    const named = { ...unsigned, verifier: acmeKey.publicKey, purpose: "claims" } as Omit<ProofRequest, "signature">;
    const forged: ProofRequest = { ...named, signature: bytesToHex(ed25519.sign(requestSigningInput(named), hexToBytes(otherKey.privateKey))) };
    expect(await refusalCode(() => proveRequest(forged))).toBe("REQUEST_SIGNATURE_INVALID");
    // A presentation whose request is re-labelled after proving is refused by Acme (and its
    // nullifier is the other verifier's, not Acme's).
    const genuine = await proveRequest(other().createRequest({ statement: AGE_18 }));
    expect(genuine.publicSignals[0]).not.toBe(acmeNullifier);
    for (const request of [forged, { ...genuine.request, verifier: acmeKey.publicKey }, { ...genuine.request, verifier: acmeKey.publicKey, purpose: "claims" }]) {
      const p = { ...clone(genuine), request };
      expect(await acme().verify(p)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
    }
  });

  it("Acme refuses a presentation for another verifier's request (its scope signal is not Acme's)", async () => {
    const p = await proveRequest(other().createRequest({ statement: AGE_18 }));
    expect(await acme().verify(p)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });
});

describe("signature encodings", () => {
  const sign = (unsigned: Omit<ProofRequest, "signature">, key: Uint8Array) => bytesToHex(ed25519.sign(requestSigningInput(unsigned), key));

  it("refuses a non-canonical signature (S + L), which noble also refuses by default", async () => {
    const request = acme().createRequest({ statement: AGE_18 });
    const sig = hexToBytes(request.signature);
    const s = bytesToNumberLE(sig.subarray(32));
    const malleated = bytesToHex(new Uint8Array([...sig.subarray(0, 32), ...numberToBytesLE(s + L, 32)]));
    const { signature: _s, ...unsigned } = request;
    // The same point equation holds for S + L; RFC 8032 (and noble, with either setting) requires S < L.
    expect(ed25519.verify(hexToBytes(malleated), requestSigningInput(unsigned), hexToBytes(acmeKey.publicKey))).toBe(false);
    expect(ed25519.verify(hexToBytes(malleated), requestSigningInput(unsigned), hexToBytes(acmeKey.publicKey), { zip215: false })).toBe(false);
    expect(await refusalCode(() => proveRequest({ ...request, signature: malleated }))).toBe("REQUEST_SIGNATURE_INVALID");
    const p = { ...clone(acmePresentation), request: { ...acmePresentation.request, signature: malleated } };
    // Re-signed presentations never reach the replay store: refused before, as unknown.
    const fresh = acme();
    expect(await fresh.verify(p)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });

  it("refuses a request 'signed' by a small-order key, which ZIP-215 verification would accept", async () => {
    // The identity point as the key, R = identity and S = 0 satisfy the cofactored equation for
    // any message; strict RFC 8032 verification (zip215: false) refuses small-order keys.
    const identity = "01" + "00".repeat(31);
    const unsigned = { ...acme().createRequest({ statement: AGE_18 }), verifier: identity } as Omit<ProofRequest, "signature"> & { signature?: string };
    delete unsigned.signature;
    const signature = identity + "00".repeat(32);
    expect(ed25519.verify(hexToBytes(signature), requestSigningInput(unsigned), hexToBytes(identity), { zip215: true })).toBe(true);
    expect(await refusalCode(() => proveRequest({ ...unsigned, signature }))).toBe("REQUEST_SIGNATURE_INVALID");
  });

  it("signs deterministically over the fixed-order encoding: re-signing the same fields gives the same signature", () => {
    const request = acme().createRequest({ statement: AGE_18 });
    const { signature, ...unsigned } = request;
    expect(sign(unsigned, hexToBytes(acmeKey.privateKey))).toBe(signature);
    // Key order in the JSON does not matter: the signature covers a fixed-order array.
    const reordered = Object.fromEntries(Object.entries(unsigned).reverse()) as typeof unsigned;
    expect(sign(reordered, hexToBytes(acmeKey.privateKey))).toBe(signature);
  });
});
