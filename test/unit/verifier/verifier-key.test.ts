/** Verifier signing keys: JSON-safe Ed25519 pairs, checked wherever they are read. */
import { describe, expect, it } from "vitest";
import { REQUEST_FORMAT, requestScope, requestSignatureValid, verifierScope } from "../../../src/core/request.js";
import { generateVerifierKey, parseVerifierKey, signRequest, verifierKeyFromPrivate } from "../../../src/verifier/verifier-key.js";
import { hexToBytes } from "@noble/hashes/utils";

describe("verifier keys", () => {
  it("are 32-byte lowercase hex pairs that survive JSON, and differ every time", () => {
    const key = generateVerifierKey();
    expect(key).toEqual({ privateKey: expect.stringMatching(/^[0-9a-f]{64}$/), publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(parseVerifierKey(JSON.parse(JSON.stringify(key)))).toEqual(key);
    expect(verifierKeyFromPrivate(key.privateKey)).toEqual(key);
    expect(generateVerifierKey().privateKey).not.toBe(key.privateKey);
  });

  it("refuses a pair whose public key is not the private key's, and malformed keys, without echoing them", () => {
    const key = generateVerifierKey();
    const cases: unknown[] = [
      { ...key, publicKey: generateVerifierKey().publicKey },
      { privateKey: key.privateKey },
      { ...key, extra: 1 },
      { ...key, privateKey: key.privateKey.toUpperCase() },
      { ...key, privateKey: key.privateKey.slice(2) },
      key.privateKey,
      null,
    ];
    for (const value of cases) {
      expect(() => parseVerifierKey(value), JSON.stringify(value)).toThrow(expect.objectContaining({ code: "INVALID_KEY" }));
      try {
        parseVerifierKey(value);
      } catch (error) {
        expect((error as Error).message).not.toContain(key.privateKey.slice(4, 40));
      }
    }
  });

  it("sign requests whose signature checks out and whose scope is derived from the key and purpose", () => {
    const key = generateVerifierKey();
    const unsigned = {
      format: REQUEST_FORMAT,
      verifier: key.publicKey,
      purpose: "claims",
      challenge: "7",
      asOf: "2026-06-15",
      statement: { type: "ageAtLeast", minAge: 18 },
      expiresAt: "2026-06-15T12:05:00.000Z",
    } as const;
    const request = signRequest(hexToBytes(key.privateKey), unsigned);
    expect(requestSignatureValid(request)).toBe(true);
    expect(requestScope(request)).toBe(`medzk-verifier:${key.publicKey}/claims`);
    expect(verifierScope(key.publicKey)).toBe(`medzk-verifier:${key.publicKey}`);
    // Absent and present optional fields are signed differently: dropping one breaks the signature.
    const { purpose: _p, ...withoutPurpose } = request;
    expect(requestSignatureValid(withoutPurpose)).toBe(false);
    expect(requestSignatureValid({ ...request, signature: "00".repeat(64) })).toBe(false);
    expect(requestSignatureValid({ ...request, verifier: "zz" })).toBe(false); // never throws
  });
});
