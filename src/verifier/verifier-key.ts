/**
 * A verifier's identity: an Ed25519 signing key pair (RFC 8032, @noble/curves). The verifier
 * signs every request with it; holders check the signature, and the nullifier scope is derived
 * from the public key (core/request's verifierScope), so a verifier without the private key
 * cannot ask in another's name or collect another's nullifiers.
 *
 * Generation and signing live here, in the verifier room; the request format, the signature check
 * and the scope derivation live in core, where the prover reads them too.
 */
import { createHash } from "node:crypto";
import { bytesToNumberLE, equalBytes, numberToBytesLE } from "@noble/curves/abstract/utils";
import { mod } from "@noble/curves/abstract/modular";
import { ed25519 } from "@noble/curves/ed25519";
import { sha512 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { MedzkError } from "../core/errors.js";
import { type ProofRequest, type UnsignedRequest, requestSigningInput } from "../core/request.js";
import { assertObject, checkHex } from "../core/validate.js";

/** A verifier's signing key pair: 32 bytes of lowercase hex each, JSON-safe. Keep `privateKey` secret. */
export interface VerifierKey {
  /** The Ed25519 secret key (seed). */
  privateKey: string;
  /** The Ed25519 public key: the verifier's identity, written into every request it signs. */
  publicKey: string;
}

/**
 * A copy of the Ed25519 base point B that noble does not know as its base point. noble multiplies
 * its own B with a window-8 table of 4096 points that it builds on first use (~50 ms, most of a
 * verifier's cold start); a multiplication of any other point object uses noble's same
 * constant-time wNAF with window 1 and no table (~5 ms). A verifier multiplies B by its secret
 * scalar once or twice at start (below) and never again on its checking path, so the table is
 * never worth building there. (Signing requests still uses noble's `sign`, and its table.)
 */
const UNTABLED_BASE = ed25519.ExtendedPoint.fromAffine(ed25519.ExtendedPoint.BASE.toAffine());
/** noble's Ed25519 clamping (RFC 8032 §5.1.5: clear bits 0-2 and 255, set bit 254); always defined for ed25519. */
const clamp = ed25519.CURVE.adjustScalarBytes ?? ((): never => {
  throw new Error("noble's ed25519 has no adjustScalarBytes");
});

/**
 * RFC 8032 §5.1.5 key expansion of a 32-byte seed: h = SHA-512(seed), s = clamp(h[0..32]) mod L,
 * prefix = h[32..64], A = [s]B encoded (§5.1.2). What noble's utils.getExtendedPublicKey returns,
 * from noble's own SHA-512, clamping (adjustScalarBytes), scalar reduction, constant-time
 * multiplication and encoding, on {@link UNTABLED_BASE}; test/unit/verifier/verifier-key.test.ts
 * compares the public keys with noble's getPublicKey on many seeds, and ownSignatureCheck's
 * results with noble's signatures.
 */
function expandSeed(seed: Uint8Array): { prefix: Uint8Array; scalar: bigint; pointBytes: Uint8Array } {
  if (seed.length !== 32) throw new MedzkError("INVALID_KEY", "an Ed25519 private key is 32 bytes");
  const hashed = sha512(seed);
  const scalar = mod(bytesToNumberLE(clamp(hashed.slice(0, 32))), ed25519.CURVE.n);
  return { prefix: hashed.slice(32, 64), scalar, pointBytes: UNTABLED_BASE.multiply(scalar).toRawBytes() };
}

/** A new verifier signing key pair, from the platform's secure random source. */
export function generateVerifierKey(): VerifierKey {
  return verifierKeyFromPrivate(bytesToHex(ed25519.utils.randomPrivateKey()));
}

/**
 * The key pair of an Ed25519 private key (32 bytes of lowercase hex). Throws
 * MedzkError("INVALID_KEY") naming `name`, never echoing the value (a secret).
 */
export function verifierKeyFromPrivate(privateKey: unknown, name = "privateKey"): VerifierKey {
  if (!checkHex(privateKey, name, 32).ok) throw new MedzkError("INVALID_KEY", `"${name}" must be 32 bytes of lowercase hex (an Ed25519 private key)`);
  return { privateKey: privateKey as string, publicKey: bytesToHex(expandSeed(hexToBytes(privateKey as string)).pointBytes) };
}

/**
 * Checks a key pair (from {@link generateVerifierKey}, JSON, a config): exactly `privateKey` and
 * `publicKey`, and the public key the one the private key gives, so a request is never signed
 * under a key that does not match the identity it names. Throws MedzkError("INVALID_KEY").
 */
export function parseVerifierKey(value: unknown, name = "key"): VerifierKey {
  const k = assertObject(value, name, { required: ["privateKey", "publicKey"] }, "INVALID_KEY");
  const pair = verifierKeyFromPrivate(k.privateKey, `${name}.privateKey`);
  if (pair.publicKey !== k.publicKey) {
    throw new MedzkError("INVALID_KEY", `"${name}.publicKey" is not the public key of "${name}.privateKey"`);
  }
  return pair;
}

/** Signs a request with the verifier's private key (32 bytes). */
export function signRequest(privateKey: Uint8Array, unsigned: UnsignedRequest): ProofRequest {
  return { ...unsigned, signature: bytesToHex(ed25519.sign(requestSigningInput(unsigned), privateKey)) };
}

/**
 * A check that `signature` is exactly the signature this verifier's private key gives `message`,
 * in about 10 µs instead of re-signing (two base-point multiplications in noble, ~0.7 ms): the
 * verifier recognises its own requests with it on every presentation.
 *
 * Ed25519 signing is deterministic (RFC 8032 §5.1.6): r = SHA-512(prefix ‖ M) mod L,
 * R = [r]B, k = SHA-512(R ‖ A ‖ M) mod L, S = (r + k·s) mod L, with prefix and s from the private
 * key. Only R needs a scalar multiplication. For a presented (R', S') this computes
 * k' = SHA-512(R' ‖ A ‖ M) mod L with the presented R' and accepts iff S' is canonical (< L, as
 * RFC 8032 §5.1.7 requires) and S' = (r + k'·s) mod L, compared in constant time (equalBytes).
 * The genuine signature passes (R' = R gives S' = S).
 *
 * NOTE (soundness): accepting any other (R', S') with R' ≠ R means producing r + k'·s for some
 * k' ≠ k (else SHA-512(R' ‖ A ‖ M) ≡ SHA-512(R ‖ A ‖ M) mod L, a second preimage of the reduced
 * hash), and with the genuine S = r + k·s that gives s = (S' − S)/(k' − k): the private scalar.
 * For a message this key never signed, r is SHA-512 of the secret prefix, unknown, so S' is
 * guessed with probability 1/L. So only holders of the private key pass this check, exactly as
 * for re-signing and comparing, under the assumption Ed25519 itself rests on (the private scalar
 * cannot be recovered from the public key and signatures). Nothing is hand-rolled: the per-request
 * SHA-512 is Node's (OpenSSL), the key expansion (RFC 8032 §5.1.5, expandSeed above) and the scalar
 * field are noble's; nothing here verifies anyone else's signature.
 */
export function ownSignatureCheck(privateKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean {
  const { prefix, scalar, pointBytes } = expandSeed(privateKey);
  const L = ed25519.CURVE.n;
  // SHA-512 from Node's crypto (OpenSSL) here: the two hashes of every presented request are most
  // of this check, ~20 µs each in noble's JavaScript SHA-512 against ~3 µs (same function, FIPS
  // 180-4; test/unit/verifier/verifier-key.test.ts checks the results against noble's signatures).
  const hashToScalar = (...parts: Uint8Array[]) => {
    const h = createHash("sha512");
    for (const part of parts) h.update(part);
    return mod(bytesToNumberLE(h.digest()), L);
  };
  return (message, signature) => {
    if (signature.length !== 64) return false;
    const presentedR = signature.subarray(0, 32);
    const presentedS = signature.subarray(32);
    if (bytesToNumberLE(presentedS) >= L) return false;
    const r = hashToScalar(prefix, message);
    const k = hashToScalar(presentedR, pointBytes, message);
    return equalBytes(numberToBytesLE(mod(r + k * scalar, L), 32), presentedS);
  };
}
