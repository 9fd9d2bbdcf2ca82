/**
 * Credentials: an issuer's EdDSA-Poseidon signature over a salted Poseidon commitment of
 *
 *   (schema id, holder commitment, salt, revocation slot, expiry date, attribute slots 0..7)
 *
 * (circuits/lib/credential.circom). The credential itself is plain JSON that the holder keeps;
 * only the holder's proofs leave the wallet.
 */
import type { Eddsa } from "circomlibjs";
import { poseidon13 } from "poseidon-lite/poseidon13";
import { parseDate, utcDate } from "./dates.js";
import { MedzkError } from "./errors.js";
import { parseCanonical, randomFieldElement } from "./field.js";
import { type IssuerKey, type IssuerPoint, packPoint, parsePrivateKey, tryUnpackPublicKey } from "../issuer/issuer-key.js";
import type { RevocationRegistry } from "./revocation.js";
import { type AttributeValue, type SchemaDefinition, encodeAttributes, resolveSchema, schemaIdField } from "./schemas.js";

export const CREDENTIAL_FORMAT = "medzk-credential/v2";
/** Expiry of a credential issued without one. */
export const NEVER_EXPIRES = "9999-12-31";

/**
 * A signed credential, as {@link issueCredential} returns it: plain JSON that the holder keeps.
 * It never goes to a verifier; only proofs about it do.
 */
export interface Credential {
  /** Always "medzk-credential/v2"; {@link checkCredential} refuses any other format. */
  format: typeof CREDENTIAL_FORMAT;
  /** The full schema definition (its hash is signed, so it cannot be swapped). */
  schema: SchemaDefinition;
  /** Packed issuer public key (hex). */
  issuer: string;
  /** Holder commitment (decimal). */
  holder: string;
  /**
   * Attribute values by name, exactly the schema's attributes: dates "YYYY-MM-DD", integers as
   * numbers (decimal strings above 2^53), booleans, strings.
   */
  attributes: Record<string, AttributeValue>;
  /** 248-bit random salt (decimal). */
  salt: string;
  /** UTC calendar day of issuance, "YYYY-MM-DD". */
  issuedAt: string;
  /** Last UTC calendar day on which the credential is valid, "YYYY-MM-DD". */
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

/** What {@link issueCredential} signs, besides the issuer key. */
export interface IssueOptions {
  /** A built-in schema id ("patient-record/v1", "insurance-coverage/v1") or a schema definition. */
  schema: string | SchemaDefinition;
  /** The holder's commitment (`Holder.commitment`): a canonical decimal field element. */
  holder: string;
  /** Every attribute of the schema and no other, each valid for its type; the schema's rules must hold. */
  attributes: Record<string, AttributeValue>;
  /** Last valid day "YYYY-MM-DD"; default: never expires. */
  expiresAt?: string;
  /** The issuer's revocation registry: the credential gets the next free slot. */
  revocation?: RevocationRegistry;
  /** Issuer clock, injectable for tests. Defaults to now. */
  now?: Date;
}

let eddsaPromise: Promise<Eddsa> | undefined;
/** circomlibjs is loaded on first use: verifiers, which never sign, do not pay its start-up. */
function eddsa(): Promise<Eddsa> {
  eddsaPromise ??= import("circomlibjs").then((m) => m.buildEddsa());
  return eddsaPromise;
}

/** The signed message, as circuits/lib/credential.circom computes it. */
export function credentialCommitment(
  schema: SchemaDefinition,
  holder: bigint,
  salt: bigint,
  revocationSlot: number,
  expiresOn: number,
  fields: readonly bigint[],
): bigint {
  return poseidon13([schemaIdField(schema), holder, salt, BigInt(revocationSlot), BigInt(expiresOn), ...fields]);
}

/** Signs a credential for a holder. Throws MedzkError for invalid keys, schemas or attributes. */
export async function issueCredential(issuer: IssuerKey, options: IssueOptions): Promise<Credential> {
  const privateKey = parsePrivateKey(issuer?.privateKey);
  const schema = resolveSchema(options?.schema);
  const holder = parseCanonical(options.holder);
  if (holder === undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `"holder" must be a holder commitment (canonical decimal field element)`);
  }
  const issuedAt = utcDate(options.now ?? new Date());
  const issuedOn = parseDate(issuedAt, "now");
  const { values, fields } = encodeAttributes(schema, options.attributes, issuedOn);
  const expiresAt = options.expiresAt ?? NEVER_EXPIRES;
  const expiresOn = parseDate(expiresAt, "expiresAt");
  if (expiresOn < issuedOn) throw new MedzkError("INVALID_ARGUMENT", `"expiresAt" lies before the issuance date`);

  const ed = await eddsa();
  const publicKey = packPoint(toPoint(ed, ed.prv2pub(privateKey)));
  if (issuer.publicKey !== undefined && issuer.publicKey !== publicKey) {
    throw new MedzkError("INVALID_KEY", `"publicKey" does not belong to "privateKey"`);
  }
  // Allocate the slot last: a credential that fails validation must not consume one.
  const revocationSlot = options.revocation ? options.revocation.allocateSlot() : 0;
  const salt = randomFieldElement();
  const commitment = credentialCommitment(schema, holder, salt, revocationSlot, expiresOn, fields);
  const sig = ed.signPoseidon(privateKey, ed.F.e(commitment));
  return {
    format: CREDENTIAL_FORMAT,
    schema,
    issuer: publicKey,
    holder: holder.toString(),
    attributes: values,
    salt: salt.toString(),
    issuedAt,
    expiresAt,
    revocationSlot,
    signature: {
      R8x: ed.F.toObject(sig.R8[0]).toString(),
      R8y: ed.F.toObject(sig.R8[1]).toString(),
      S: sig.S.toString(),
    },
  };
}

function toPoint(ed: Eddsa, p: [Uint8Array, Uint8Array]): IssuerPoint {
  return { x: ed.F.toObject(p[0]), y: ed.F.toObject(p[1]) };
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
  holder: bigint;
  /** The commitment salt. */
  salt: bigint;
  /** The expiry date as the integer YYYYMMDD (the circuit's `expiresOn`). */
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
 * signature. Throws INVALID_CREDENTIAL naming what is wrong.
 */
export async function checkCredential(credential: unknown): Promise<CheckedCredential> {
  const c = credential as Partial<Credential> | null;
  const fail = (what: string): never => {
    throw new MedzkError("INVALID_CREDENTIAL", `credential: ${what}`);
  };
  if (typeof c !== "object" || c === null) return fail("must be an object");
  if (c.format !== CREDENTIAL_FORMAT) fail(`"format" must be "${CREDENTIAL_FORMAT}"`);
  let schema: SchemaDefinition;
  try {
    schema = resolveSchema(c.schema);
  } catch (cause) {
    return fail(`"schema": ${(cause as Error).message}`);
  }
  const issuer = tryUnpackPublicKey(c.issuer) ?? fail(`"issuer" is not a valid public key`);
  const holder = parseCanonical(c.holder) ?? fail(`"holder" is not a canonical field element`);
  const salt = parseCanonical(c.salt) ?? fail(`"salt" is not a canonical field element`);
  const issuedOn = parseDate(c.issuedAt, "issuedAt");
  const expiresOn = parseDate(c.expiresAt, "expiresAt");
  const slot = c.revocationSlot;
  if (typeof slot !== "number" || !Number.isSafeInteger(slot) || slot < 0) fail(`"revocationSlot" must be a non-negative integer`);
  const sig = c.signature ?? fail(`"signature" is missing`);
  const R8x = parseCanonical(sig.R8x) ?? fail(`"signature.R8x" is not a canonical field element`);
  const R8y = parseCanonical(sig.R8y) ?? fail(`"signature.R8y" is not a canonical field element`);
  const S = parseCanonical(sig.S) ?? fail(`"signature.S" is not a canonical field element`);
  const { fields } = encodeAttributes(schema, c.attributes, issuedOn);

  const ed = await eddsa();
  const message = ed.F.e(credentialCommitment(schema, holder, salt, slot!, expiresOn, fields));
  const valid = ed.verifyPoseidon(message, { R8: [ed.F.e(R8x), ed.F.e(R8y)], S }, [ed.F.e(issuer.x), ed.F.e(issuer.y)]);
  if (!valid) fail("the issuer signature does not verify");
  return { credential: c as Credential, schema, issuer, holder, salt, expiresOn, fields, signature: { R8x, R8y, S } };
}
