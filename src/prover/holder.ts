/**
 * Holders. A holder owns a random secret; credentials are bound to Poseidon(secret) (the holder
 * commitment), and proofs show knowledge of the secret. The same secret also derives the
 * per-verifier nullifier Poseidon(secret, scope).
 */
import { poseidon1 } from "poseidon-lite/poseidon1";
import { MedzkError } from "../core/errors.js";
import { parseCanonical, randomFieldElement } from "../core/field.js";
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
