/**
 * Issuer signing keys: EdDSA-Poseidon on BabyJubJub, in circomlib's conventions (the ones
 * circomlib's EdDSAPoseidonVerifier checks and circomlibjs signs with).
 *
 * - Private key: 32 random bytes, hex.
 * - Public key: A = (s >> 3) * Base8 with s the pruned low half of blake512(privateKey), exactly
 *   circomlibjs `eddsa.prv2pub`, packed as in core/public-key.ts.
 *
 * Derivation uses noble's Edwards arithmetic so that it is synchronous (circomlibjs needs an
 * async build). test/unit/issuer/issuer-key.test.ts cross-checks it against circomlibjs.
 */
import { blake512 } from "@noble/hashes/blake1";
import { bytesToHex, hexToBytes, randomBytes } from "@noble/hashes/utils";
import { babyjubjub } from "../core/babyjubjub.js";
import { leBytesToBigInt, packPoint } from "../core/public-key.js";
import { MedzkError } from "../core/errors.js";
import { assertHex, assertObject } from "../core/validate.js";

/** An issuer's signing key. Keep `privateKey` secret; publish `publicKey`. */
export interface IssuerKey {
  /** 64 hex characters. */
  privateKey: string;
  /** 64 hex characters: the packed BabyJubJub point. */
  publicKey: string;
}

// circomlib's Base8, the generator of the prime-order subgroup that EdDSA uses. Three doublings,
// not multiply(8n): multiply() would build the base point's precomputation table at import, in
// every process importing this module, for a point used only here.
const BASE8 = babyjubjub.Point.BASE.double().double().double();

/** The scalar circomlibjs derives from a private key (before the >> 3). */
function signingScalar(privateKey: Uint8Array): bigint {
  const h = blake512(privateKey);
  h[0]! &= 0xf8;
  h[31]! &= 0x7f;
  h[31]! |= 0x40;
  return leBytesToBigInt(h.subarray(0, 32));
}

/** The packed public key of a private key. Throws INVALID_KEY for a malformed private key. */
export function derivePublicKey(privateKey: string): string {
  const bytes = parsePrivateKey(privateKey);
  const a = BASE8.multiply(signingScalar(bytes) >> 3n).toAffine();
  return packPoint(a);
}

/** The bytes of a private key (64 lowercase hex characters); throws INVALID_KEY for anything else, without echoing it. */
export function parsePrivateKey(privateKey: unknown): Uint8Array {
  return hexToBytes(assertHex(privateKey, "privateKey", 32, "INVALID_KEY"));
}

/** Generates a fresh issuer key from the platform CSPRNG. */
export function generateIssuerKey(): IssuerKey {
  const privateKey = bytesToHex(randomBytes(32));
  return { privateKey, publicKey: derivePublicKey(privateKey) };
}

/**
 * Parses an issuer key read from elsewhere (a key file): `{ privateKey, publicKey? }` and no other
 * key; a given public key must be the one derived from the private key, a missing one is derived.
 * Throws INVALID_KEY naming what is wrong, never echoing the private key.
 */
export function parseIssuerKey(value: unknown, name = "issuer key"): IssuerKey {
  const key = assertObject(value, name, { required: ["privateKey"], optional: ["publicKey"] }, "INVALID_KEY");
  parsePrivateKey(key.privateKey);
  const privateKey = key.privateKey as string;
  const derived = derivePublicKey(privateKey);
  if (key.publicKey !== undefined && assertHex(key.publicKey, `${name}.publicKey`, 32, "INVALID_KEY") !== derived) {
    throw new MedzkError("INVALID_KEY", `"${name}.publicKey" does not belong to its "privateKey"`);
  }
  return { privateKey, publicKey: derived };
}
