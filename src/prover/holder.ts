/**
 * Holders. A holder owns a random secret; credentials are bound to Poseidon(secret) (the holder
 * commitment), and proofs show knowledge of the secret. The same secret also derives the
 * per-verifier nullifier Poseidon(secret, scope), and the X25519 key pair issuers seal
 * credentials to ({@link holderEncryptionKey}, core/envelope.ts).
 */
import { x25519 } from "@noble/curves/ed25519";
import { numberToBytesBE } from "@noble/curves/abstract/utils";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { poseidon1 } from "poseidon-lite/poseidon1";
import { poseidon2 } from "poseidon-lite/poseidon2";
import { MedzkError } from "../core/errors.js";
import { parseCanonical, randomFieldElement } from "../core/field.js";
import { scopeField } from "../core/request.js";
import { assertObject } from "../core/validate.js";

/**
 * A holder's identity, from {@link createHolder}. Keep it in the wallet; only `commitment` goes
 * to issuers, and losing `secret` makes every credential bound to it unusable.
 */
export interface Holder {
  /** Decimal field element. Never leaves the holder's device. */
  secret: string;
  /** Decimal field element Poseidon(secret): what an issuer binds a credential to. */
  commitment: string;
}

/** The holder commitment Poseidon(secret): what credentials are bound to. */
export function holderCommitment(secret: bigint): bigint {
  return poseidon1([secret]);
}

/**
 * The holder's nullifier in a scope, Poseidon(secret, scopeField(scope)): what the circuits'
 * ScopedNullifier outputs (circuits/lib/credential.circom) and verifiers see. A wallet computes it
 * to find its own entries in a verifier's audit trail.
 */
export function holderNullifier(secret: bigint, scope: string): bigint {
  return poseidon2([secret, scopeField(scope)]);
}

/** Creates a holder with a fresh 248-bit secret. */
export function createHolder(): Holder {
  const secret = randomFieldElement();
  return { secret: secret.toString(), commitment: holderCommitment(secret).toString() };
}

/**
 * Validates a holder object supplied by a caller (`{ secret, commitment? }`, nothing else) and
 * returns its secret. Throws INVALID_ARGUMENT naming what is wrong, never echoing the secret.
 */
export function parseHolder(holder: unknown): bigint {
  const h = assertObject(holder, "holder", { required: ["secret"], optional: ["commitment"] });
  const secret = parseCanonical(h.secret);
  if (secret === undefined || secret === 0n) {
    throw new MedzkError("INVALID_ARGUMENT", `"holder.secret" must be a non-zero canonical decimal field element`);
  }
  if (h.commitment !== undefined && h.commitment !== holderCommitment(secret).toString()) {
    throw new MedzkError("INVALID_ARGUMENT", `"holder.commitment" does not match "holder.secret"`);
  }
  return secret;
}

// HKDF info of the holder's encryption key. A new label (…/v2) would be a new key: envelopes
// sealed to the old one would no longer open.
const ENCRYPTION_KEY_INFO = utf8ToBytes("medzk-holder-encryption-key/v1");

/**
 * The holder's X25519 secret key: HKDF-SHA256 (RFC 5869) of the secret (32 bytes big-endian),
 * no salt, info "medzk-holder-encryption-key/v1", 32 bytes (X25519 clamps them, RFC 7748 §5).
 *
 * Derived, not a second random key, on purpose: the holder backs up one secret and the holder
 * format { secret, commitment } stays as it is, so every existing holder file can receive sealed
 * credentials. The price is that the encryption key cannot be rotated without a new holder,
 * which also needs new credentials; envelopes are short-lived, so that is acceptable.
 * NOTE: the secret is also the preimage of Poseidon(secret) and Poseidon(secret, scope). The
 * labelled HKDF-SHA256 output is independent of those as long as SHA-256 and Poseidon are
 * unrelated random-oracle-like functions; the secret has 248 random bits, so HKDF's extract step
 * has full-entropy input.
 */
export function holderEncryptionSecret(secret: bigint): Uint8Array {
  return hkdf(sha256, numberToBytesBE(secret, 32), undefined, ENCRYPTION_KEY_INFO, 32);
}

/**
 * The holder's public encryption key (X25519, 64 lowercase hex characters), derived from its
 * secret. Public: the holder hands it to an issuer, with its commitment, to receive sealed
 * credentials (`sealCredential`). Throws INVALID_ARGUMENT for a malformed holder.
 */
export function holderEncryptionKey(holder: Holder | Pick<Holder, "secret">): string {
  return bytesToHex(x25519.getPublicKey(holderEncryptionSecret(parseHolder(holder))));
}
