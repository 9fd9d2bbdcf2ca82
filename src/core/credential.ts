/**
 * Credentials: an issuer's EdDSA-Poseidon signature over a salted Poseidon commitment of
 *
 *   (schema id, holder commitment, salt, revocation slot, expiry day, attribute slots 0..7)
 *
 * (circuits/lib/credential.circom). The credential itself is plain JSON that the holder keeps;
 * only the holder's proofs leave the wallet. Issuing is the issuer's (issuer/issue-credential.ts);
 * the format and its check live here because the prover and the browser wallet need them.
 *
 * Names. The wire format medzk-credential/v2 is kept as it is, so every credential already issued
 * stays readable: its JSON key `holder` holds the holder commitment, and `issuedAt`/`expiresAt`
 * hold calendar days "YYYY-MM-DD" (not instants). Those three keys are frozen by the format; in
 * code, a commitment is named `holderCommitment` and a day `…On` (e.g. {@link CheckedCredential}'s
 * `expiresOn`). Renaming the keys would be a new format (v3), not worth breaking wallets for.
 */
import { poseidon13 } from "poseidon-lite/poseidon13";
import { MedzkError } from "./errors.js";
import { eddsaVerify } from "./eddsa.js";
import { type IssuerPoint, tryUnpackPublicKey } from "./public-key.js";
import { REVOCATION_CAPACITY } from "./revocation.js";
import { type AttributeValue, type SchemaDefinition, encodeAttributes, resolveSchema, schemaIdField } from "./schemas.js";
import { assertCalendarDate, assertFieldElement, assertInteger, assertObject } from "./validate.js";

export const CREDENTIAL_FORMAT = "medzk-credential/v2";
/** Expiry day of a credential issued without one. */
export const NEVER_EXPIRES = "9999-12-31";

/**
 * A signed credential, as `issueCredential` returns it: plain JSON that the holder keeps.
 * It never goes to a verifier; only proofs about it do.
 */
export interface Credential {
  /** Always "medzk-credential/v2"; {@link checkCredential} refuses any other format. */
  format: typeof CREDENTIAL_FORMAT;
  /** The full schema definition (its hash is signed, so it cannot be swapped). */
  schema: SchemaDefinition;
  /** Packed issuer public key (hex). */
  issuer: string;
  /** The holder commitment Poseidon(secret), decimal (the v2 format's key for it; see the module header). */
  holder: string;
  /**
   * Attribute values by name, exactly the schema's attributes: dates "YYYY-MM-DD", integers as
   * numbers (decimal strings above 2^53), booleans, strings.
   */
  attributes: Record<string, AttributeValue>;
  /** 248-bit random salt (decimal). */
  salt: string;
  /** UTC calendar day of issuance, "YYYY-MM-DD" (a day, despite the name: see the module header). */
  issuedAt: string;
  /** Last UTC calendar day on which the credential is valid, "YYYY-MM-DD" (a day: see the module header). */
  expiresAt: string;
  /** Slot in the issuer's revocation bitmap (0 when the issuer keeps no registry). */
  revocationSlot: number;
  /** EdDSA-Poseidon signature over the commitment (decimal strings). */
  signature: {
    /** x coordinate of the point R8. */
    R8x: string;
    /** y coordinate of the point R8. */
    R8y: string;
    /** The scalar S. */
    S: string
  };
}

const CREDENTIAL_KEYS = {
  required: ["format", "schema", "issuer", "holder", "attributes", "salt", "issuedAt", "expiresAt", "revocationSlot", "signature"],
} as const;
const SIGNATURE_KEYS = { required: ["R8x", "R8y", "S"] } as const;

/** The signed message, as circuits/lib/credential.circom computes it. */
export function credentialCommitment(
  schema: SchemaDefinition,
  holderCommitment: bigint,
  salt: bigint,
  revocationSlot: number,
  expiresOn: number,
  fields: readonly bigint[],
): bigint {
  return poseidon13([schemaIdField(schema), holderCommitment, salt, BigInt(revocationSlot), BigInt(expiresOn), ...fields]);
}

/** A credential checked for shape and signature, with everything a circuit needs. */
export interface CheckedCredential {
  /** The credential object that was checked (not a copy). */
  credential: Credential;
  /** Its schema definition, validated and normalised. */
  schema: SchemaDefinition;
  /** The issuer public key, unpacked: on the curve and in the prime-order subgroup. */
  issuer: IssuerPoint;
  /** The holder commitment Poseidon(secret). */
  holderCommitment: bigint;
  /** @deprecated Use `holderCommitment` (the same value); removed in the next major release. */
  holder: bigint;
  /** The commitment salt. */
  salt: bigint;
  /** The expiry day as the integer YYYYMMDD (the circuit's `expiresOn`). */
  expiresOn: number;
  /** The 8 attribute slot encodings. */
  fields: bigint[];
  /** The issuer's signature over the commitment, verified against `issuer`. */
  signature: {
    /** x coordinate of the point R8. */
    R8x: bigint;
    /** y coordinate of the point R8. */
    R8y: bigint;
    /** The scalar S. */
    S: bigint
  };
}

/**
 * Validates a credential (for example one loaded from a wallet's storage) and its issuer
 * signature. Strict: exactly the keys of {@link Credential} (and of its `signature`), no more, no
 * fewer. Throws INVALID_CREDENTIAL naming what is wrong (INVALID_ATTRIBUTE for an attribute value
 * the schema refuses).
 */
export async function checkCredential(credential: unknown): Promise<CheckedCredential> {
  const code = "INVALID_CREDENTIAL";
  const c = assertObject(credential, "credential", CREDENTIAL_KEYS, code);
  if (c.format !== CREDENTIAL_FORMAT) {
    throw new MedzkError(code, `"credential.format" must be "${CREDENTIAL_FORMAT}", got ${JSON.stringify(c.format)}`);
  }
  let schema: SchemaDefinition;
  try {
    schema = resolveSchema(c.schema);
  } catch (cause) {
    throw new MedzkError(code, `"credential.schema": ${(cause as Error).message}`, { cause });
  }
  const issuer = tryUnpackPublicKey(c.issuer);
  if (!issuer) throw new MedzkError(code, `"credential.issuer" is not a valid packed issuer public key`);
  const holderCommitment = assertFieldElement(c.holder, "credential.holder", code);
  const salt = assertFieldElement(c.salt, "credential.salt", code);
  const issuedOn = assertCalendarDate(c.issuedAt, "credential.issuedAt", code);
  const expiresOn = assertCalendarDate(c.expiresAt, "credential.expiresAt", code);
  const slot = assertInteger(c.revocationSlot, "credential.revocationSlot", 0, REVOCATION_CAPACITY - 1, code);
  const sig = assertObject(c.signature, "credential.signature", SIGNATURE_KEYS, code);
  const R8x = assertFieldElement(sig.R8x, "credential.signature.R8x", code);
  const R8y = assertFieldElement(sig.R8y, "credential.signature.R8y", code);
  const S = assertFieldElement(sig.S, "credential.signature.S", code);
  const { fields } = encodeAttributes(schema, c.attributes, issuedOn);

  const message = credentialCommitment(schema, holderCommitment, salt, slot, expiresOn, fields);
  const valid = eddsaVerify(message, { R8x, R8y, S }, issuer);
  if (!valid) throw new MedzkError(code, "credential: the issuer signature does not verify");
  return {
    credential: c as unknown as Credential,
    schema,
    issuer,
    holderCommitment,
    holder: holderCommitment,
    salt,
    expiresOn,
    fields,
    signature: { R8x, R8y, S },
  };
}
