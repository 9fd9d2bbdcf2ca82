/**
 * medzk's EdDSA-Poseidon (src/core/eddsa.ts, on @zk-kit/eddsa-poseidon) against circomlibjs, the
 * reference circomlib's EdDSAPoseidonVerifier was written with: the same public keys, the same
 * signatures bit for bit (EdDSA here is deterministic), and the same verification verdicts,
 * including for tampered messages, foreign keys, off-curve points and S out of range.
 */
import { buildEddsa, type Eddsa } from "circomlibjs";
import { randomBytes } from "@noble/hashes/utils";
import { beforeAll, describe, expect, it } from "vitest";
import { eddsaPublicKey, eddsaSign, eddsaVerify, type EddsaSignature } from "../../../src/core/eddsa.js";
import { FIELD_ORDER, randomFieldElement } from "../../../src/core/field.js";
import type { IssuerPoint } from "../../../src/core/public-key.js";

/** The order of BabyJubJub's prime-order subgroup (circomlibjs babyJub.subOrder). */
const SUB_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

let ed: Eddsa;
beforeAll(async () => {
  ed = await buildEddsa();
});

function referenceVerify(message: bigint, sig: EddsaSignature, key: IssuerPoint): boolean {
  return ed.verifyPoseidon(ed.F.e(message), { R8: [ed.F.e(sig.R8x), ed.F.e(sig.R8y)], S: sig.S }, [ed.F.e(key.x), ed.F.e(key.y)]);
}

describe("EdDSA-Poseidon agrees with circomlibjs", () => {
  it("derives the same public keys and makes the same signatures for many keys and messages", () => {
    const messages = [0n, 1n, FIELD_ORDER - 1n];
    // Each key signs four messages with both libraries (~50 ms per signature in each).
    for (let i = 0; i < 6; i++) {
      const privateKey = randomBytes(32);
      const [ax, ay] = ed.prv2pub(privateKey);
      const key = eddsaPublicKey(privateKey);
      expect(key).toEqual({ x: ed.F.toObject(ax), y: ed.F.toObject(ay) });
      for (const message of [...messages, randomFieldElement()]) {
        const reference = ed.signPoseidon(privateKey, ed.F.e(message));
        const sig = eddsaSign(privateKey, message);
        expect(sig).toEqual({ R8x: ed.F.toObject(reference.R8[0]), R8y: ed.F.toObject(reference.R8[1]), S: reference.S });
        expect(eddsaVerify(message, sig, key)).toBe(true);
        expect(referenceVerify(message, sig, key)).toBe(true);
      }
    }
  }, 60_000);

  it("refuses what circomlibjs refuses: another message, another key, a point off the curve, S out of range", () => {
    const privateKey = randomBytes(32);
    const key = eddsaPublicKey(privateKey);
    const other = eddsaPublicKey(randomBytes(32));
    const message = randomFieldElement();
    const sig = eddsaSign(privateKey, message);
    const cases: [bigint, EddsaSignature, IssuerPoint][] = [
      [message + 1n, sig, key],
      [message, sig, other],
      [message, { ...sig, S: sig.S + 1n }, key],
      [message, { ...sig, S: sig.S + SUB_ORDER }, key], // the same point, but S must be below the subgroup order
      [message, { ...sig, R8x: sig.R8x + 1n }, key], // R8 off the curve
      [message, sig, { x: key.x, y: key.y + 1n }], // public key off the curve
      [message, { ...sig, R8y: sig.R8x }, key],
    ];
    for (const [m, s, k] of cases) {
      expect(referenceVerify(m, s, k)).toBe(false);
      expect(eddsaVerify(m, s, k)).toBe(false);
    }
  });
});
