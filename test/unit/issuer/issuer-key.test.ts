import { buildEddsa, type Eddsa } from "circomlibjs";
import { hexToBytes } from "@noble/hashes/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { packPoint, tryUnpackPublicKey, unpackPublicKey } from "../../../src/core/public-key.js";
import { derivePublicKey, generateIssuerKey } from "../../../src/issuer/keys.js";

let eddsa: Eddsa;
beforeAll(async () => {
  eddsa = await buildEddsa();
});

describe("issuer keys agree with circomlibjs", () => {
  it("derives the same public key and packing as circomlibjs for many keys", () => {
    for (let i = 0; i < 25; i++) {
      const key = generateIssuerKey();
      const A = eddsa.prv2pub(hexToBytes(key.privateKey));
      const packed = Buffer.from(eddsa.babyJub.packPoint(A)).toString("hex");
      expect(key.publicKey).toBe(packed);
      expect(derivePublicKey(key.privateKey)).toBe(packed);
      const point = unpackPublicKey(key.publicKey);
      expect(point.x).toBe(eddsa.F.toObject(A[0]));
      expect(point.y).toBe(eddsa.F.toObject(A[1]));
      expect(packPoint(point)).toBe(key.publicKey);
    }
  });

  it("refuses encodings that are not subgroup points", () => {
    const valid = generateIssuerKey().publicKey;
    expect(tryUnpackPublicKey(valid)).toBeDefined();
    const identity = packPoint({ x: 0n, y: 1n });
    // The point (0, -1) has order 2: not in the prime-order subgroup.
    const order2 = packPoint({ x: 0n, y: 21888242871839275222246405745257275088548364400416034343698204186575808495616n });
    for (const bad of [
      identity, order2, valid.toUpperCase(), valid.slice(2), `${valid}00`, "ff".repeat(32), "00".repeat(32), 42, null,
      // x = 0 with the sign bit set would be a second encoding of the identity.
      `${identity.slice(0, 62)}${(parseInt(identity.slice(62), 16) | 0x80).toString(16)}`,
    ]) {
      expect(tryUnpackPublicKey(bad), String(bad)).toBeUndefined();
    }
    expect(() => unpackPublicKey("nope", "trustedIssuers[0]")).toThrow(/trustedIssuers\[0\]/);
  });
});
