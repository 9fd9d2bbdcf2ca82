/**
 * The request's optional `issuerSet` (the verifier's trusted set root, hiding the issuer): parsed
 * strictly, covered by the signature, and absent from the signing input of requests without it
 * (which therefore sign exactly the bytes they signed before the field existed).
 */
import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { describe, expect, it } from "vitest";
import { checkRequest, requestSignatureValid, requestSigningInput, type UnsignedRequest } from "../../../src/core/request.js";
import { generateVerifierKey, signRequest } from "../../../src/verifier/verifier-key.js";

const key = generateVerifierKey();
const unsigned: UnsignedRequest = {
  format: "medzk-request/v2",
  verifier: key.publicKey,
  challenge: "42",
  asOf: "2026-06-15",
  statement: { type: "ageAtLeast", minAge: 18 },
  expiresAt: "2026-06-15T12:05:00.000Z",
};
const sign = (u: UnsignedRequest) => signRequest(hexToBytes(key.privateKey), u);

describe("request issuerSet", () => {
  it("a request without issuerSet signs the same bytes as before the field existed", () => {
    const before = utf8ToBytes(
      "medzk-request/v2\0" + JSON.stringify([unsigned.format, unsigned.verifier, null, null, unsigned.challenge, unsigned.asOf, unsigned.statement, unsigned.expiresAt]),
    );
    expect(requestSigningInput(unsigned)).toEqual(before);
    expect(requestSigningInput({ ...unsigned, issuerSet: "7" })).not.toEqual(before);
  });

  it("is covered by the signature: adding, removing or changing it breaks it", () => {
    const hidden = sign({ ...unsigned, issuerSet: "123" });
    expect(requestSignatureValid(hidden)).toBe(true);
    expect(requestSignatureValid({ ...hidden, issuerSet: "124" })).toBe(false);
    const { issuerSet: _, ...removed } = hidden;
    expect(requestSignatureValid(removed)).toBe(false);
    expect(requestSignatureValid({ ...sign(unsigned), issuerSet: "123" })).toBe(false);
  });

  it("is parsed strictly: a canonical decimal field element", () => {
    const hidden = sign({ ...unsigned, issuerSet: "123" });
    expect(checkRequest(hidden)).toEqual({ ok: true, value: hidden });
    for (const bad of ["0123", "-1", "0x7b", 123, "", "21888242871839275222246405745257275088548364400416034343698204186575808495617"]) {
      expect(checkRequest({ ...hidden, issuerSet: bad }).ok).toBe(false);
    }
  });
});
