/** Verifier signing keys: JSON-safe Ed25519 pairs, checked wherever they are read. */
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/abstract/utils";
import { ed25519 } from "@noble/curves/ed25519";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REQUEST_FORMAT, requestScope, requestSignatureValid, requestSigningInput, verifierScope } from "../../../src/core/request.js";
import { generateVerifierKey, ownSignatureCheck, parseVerifierKey, signRequest, verifierKeyFromPrivate } from "../../../src/verifier/verifier-key.js";
import { hexToBytes } from "@noble/hashes/utils";

describe("verifier keys", () => {
  it("are 32-byte lowercase hex pairs that survive JSON, and differ every time", () => {
    const key = generateVerifierKey();
    expect(key).toEqual({ privateKey: expect.stringMatching(/^[0-9a-f]{64}$/), publicKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(parseVerifierKey(JSON.parse(JSON.stringify(key)))).toEqual(key);
    expect(verifierKeyFromPrivate(key.privateKey)).toEqual(key);
    expect(generateVerifierKey().privateKey).not.toBe(key.privateKey);
  });

  it("derive the public key noble's ed25519.getPublicKey gives (without noble's base-point table): edge and random seeds", () => {
    const bytesToHex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    for (const seed of [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, i) => i)]) {
      expect(verifierKeyFromPrivate(bytesToHex(seed)).publicKey).toBe(bytesToHex(ed25519.getPublicKey(seed)));
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        expect(verifierKeyFromPrivate(bytesToHex(seed)).publicKey).toBe(bytesToHex(ed25519.getPublicKey(seed)));
      }),
      { numRuns: 30 },
    );
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

describe("ownSignatureCheck", () => {
  const L = ed25519.CURVE.n;
  const msg = (s: string) => new TextEncoder().encode(s);
  const flip = (sig: Uint8Array, byte: number) => {
    const out = sig.slice();
    out[byte]! ^= 1;
    return out;
  };

  it("accepts exactly the signature noble's ed25519.sign gives (random keys and messages)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 600 }), (key, message) => {
        const check = ownSignatureCheck(key);
        expect(check(message, ed25519.sign(message, key))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("refuses any other bytes: flipped bits in R or S, S + L, another message's or key's signature, R of one with S of another, wrong lengths", () => {
    const key = hexToBytes(generateVerifierKey().privateKey);
    const other = hexToBytes(generateVerifierKey().privateKey);
    const check = ownSignatureCheck(key);
    const m = msg("medzk-request/v1 a request");
    const sig = ed25519.sign(m, key);
    const sigOther = ed25519.sign(msg("another request"), key);
    for (const byte of [0, 17, 31, 32, 50, 63]) expect(check(m, flip(sig, byte))).toBe(false);
    const sPlusL = numberToBytesLE(bytesToNumberLE(sig.subarray(32)) + L, 32);
    expect(check(m, new Uint8Array([...sig.subarray(0, 32), ...sPlusL]))).toBe(false);
    expect(check(m, sigOther)).toBe(false);
    expect(check(m, ed25519.sign(m, other))).toBe(false);
    expect(check(m, new Uint8Array([...sigOther.subarray(0, 32), ...sig.subarray(32)]))).toBe(false);
    expect(check(m, new Uint8Array([...sig.subarray(0, 32), ...sigOther.subarray(32)]))).toBe(false);
    expect(check(m, sig.subarray(0, 63))).toBe(false);
    expect(check(m, new Uint8Array([...sig, 0]))).toBe(false);
    expect(check(m, new Uint8Array(64))).toBe(false);
    expect(check(msg("medzk-request/v1 a request."), sig)).toBe(false);
  });

  it("refuses the genuine S under any other encoding of R: its negation, a non-canonical y, small-order points, bytes that are no point", () => {
    const key = hexToBytes(generateVerifierKey().privateKey);
    const check = ownSignatureCheck(key);
    const m = msg("medzk-request/v2 a request");
    const sig = ed25519.sign(m, key);
    const S = sig.subarray(32);
    const P = 2n ** 255n - 19n;
    const rs = [
      flip(sig.subarray(0, 32), 31), // −R: the sign bit of x
      numberToBytesLE(1n, 32), // the identity (small order)
      numberToBytesLE(P + 1n, 32), // the identity with y + p: a non-canonical encoding
      numberToBytesLE(P - 1n, 32), // (0, −1): order 2
      new Uint8Array(32).fill(0xff), // no point
    ];
    for (const R of rs) {
      const forged = new Uint8Array([...R, ...S]);
      expect(check(m, forged)).toBe(false);
      expect(ed25519.verify(forged, m, ed25519.getPublicKey(key))).toBe(false);
    }
    expect(check(m, sig)).toBe(true);
  });

  it("agrees with re-signing on requests (the check the verifier ran before)", () => {
    const key = generateVerifierKey();
    const request = signRequest(hexToBytes(key.privateKey), {
      format: REQUEST_FORMAT,
      verifier: key.publicKey,
      challenge: "12345",
      asOf: "2026-06-15",
      statement: { type: "ageAtLeast", minAge: 18 },
      expiresAt: "2026-06-15T12:05:00.000Z",
    });
    const { signature, ...unsigned } = request;
    expect(ownSignatureCheck(hexToBytes(key.privateKey))(requestSigningInput(unsigned), hexToBytes(signature))).toBe(true);
    expect(ownSignatureCheck(hexToBytes(key.privateKey))(requestSigningInput({ ...unsigned, challenge: "12346" }), hexToBytes(signature))).toBe(false);
  });
});
