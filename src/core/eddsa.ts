/**
 * EdDSA-Poseidon on BabyJubJub, in circomlib's conventions (the signature circomlib's
 * EdDSAPoseidonVerifier checks in the circuits): issuers sign credential commitments with it, and
 * credential checking (the wallet, before proving) verifies those signatures. Verifiers of
 * presentations never use it: they check proofs, not signatures.
 *
 * The arithmetic is @zk-kit/eddsa-poseidon's (BLAKE-512 key expansion), which signs exactly as
 * circomlibjs's `buildEddsa().signPoseidon`, without circomlibjs's install (ethers v5, a second
 * ffjavascript, a native blake-hash build) or its 1.4 s build on first use.
 * NOTE: pinned to ~1.0.4: 1.1.0's ES module imports named exports from blakejs, a CommonJS
 * package, and fails to load in Node ("Named export 'blake2bFinal' not found").
 * test/unit/core/eddsa.test.ts cross-checks keys, signatures and verification against circomlibjs
 * (a devDependency) value for value.
 */
import { derivePublicKey, signMessage, verifySignature } from "@zk-kit/eddsa-poseidon";
import type { IssuerPoint } from "./public-key.js";

/** An EdDSA-Poseidon signature: the point R8 and the scalar S, as in a credential's `signature`. */
export interface EddsaSignature {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

/** The public key A = (s >> 3)·Base8 of a 32-byte private key (circomlibjs `prv2pub`). */
export function eddsaPublicKey(privateKey: Uint8Array): IssuerPoint {
  const [x, y] = derivePublicKey(privateKey);
  return { x, y };
}

/** Signs a field element (circomlibjs `signPoseidon`). */
export function eddsaSign(privateKey: Uint8Array, message: bigint): EddsaSignature {
  const { R8, S } = signMessage(privateKey, message);
  return { R8x: R8[0], R8y: R8[1], S };
}

/**
 * Whether `signature` signs `message` under `publicKey` (circomlibjs `verifyPoseidon`): false for a
 * point off the curve or S at or above the subgroup order, as there.
 */
export function eddsaVerify(message: bigint, signature: EddsaSignature, publicKey: IssuerPoint): boolean {
  return verifySignature(message, { R8: [signature.R8x, signature.R8y], S: signature.S }, [publicKey.x, publicKey.y]);
}
