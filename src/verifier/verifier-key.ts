/**
 * A verifier's identity: an Ed25519 signing key pair (RFC 8032, @noble/curves). The verifier
 * signs every request with it; holders check the signature, and the nullifier scope is derived
 * from the public key (core/request's verifierScope), so a verifier without the private key
 * cannot ask in another's name or collect another's nullifiers.
 *
 * Generation and signing live here, in the verifier room; the request format, the signature check
 * and the scope derivation live in core, where the prover reads them too.
 */
import { ed25519 } from "@noble/curves/ed25519";
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
  return { privateKey: privateKey as string, publicKey: bytesToHex(ed25519.getPublicKey(hexToBytes(privateKey as string))) };
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
