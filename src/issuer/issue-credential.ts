/**
 * Issuing: an issuer signs a credential (core/credential.ts) for a holder's commitment, after
 * checking every attribute against the schema, so nothing invalid is ever signed.
 */
import { type Credential, CREDENTIAL_FORMAT, NEVER_EXPIRES, credentialCommitment } from "../core/credential.js";
import { utcDate } from "../core/dates.js";
import { eddsaPublicKey, eddsaSign } from "../core/eddsa.js";
import { MedzkError } from "../core/errors.js";
import { randomFieldElement } from "../core/field.js";
import { packPoint } from "../core/public-key.js";
import { type AttributeValue, type SchemaDefinition, encodeAttributes, resolveSchema } from "../core/schemas.js";
import { assertCalendarDate, assertClock, assertFieldElement, assertObject } from "../core/validate.js";
import { type IssuerKey, parsePrivateKey } from "./keys.js";
import type { RevocationRegistry } from "./revocation-registry.js";

/** What {@link issueCredential} signs, besides the issuer key. */
export interface IssueOptions {
  /** A built-in schema id ("patient-record/v1", "insurance-coverage/v1") or a schema definition. */
  schema: string | SchemaDefinition;
  /** The holder's commitment (`Holder.commitment`): a canonical decimal field element. Required (or the deprecated `holder`). */
  holderCommitment?: string;
  /** @deprecated Use `holderCommitment` (the same value); removed in the next major release. */
  holder?: string;
  /** Every attribute of the schema and no other, each valid for its type; the schema's rules must hold. */
  attributes: Record<string, AttributeValue>;
  /** Last valid UTC calendar day, "YYYY-MM-DD"; default: never expires. */
  expiresOn?: string;
  /** @deprecated Use `expiresOn` (the same day); removed in the next major release. */
  expiresAt?: string;
  /** The issuer's revocation registry: the credential gets the next free slot. */
  revocation?: RevocationRegistry;
  /** Issuer clock, injectable for tests; the credential's issuance day is its UTC day. Default: the system clock. */
  clock?: () => Date;
  /** @deprecated Use `clock: () => date`; removed in the next major release. */
  now?: Date;
}

const OPTION_KEYS = {
  required: ["schema", "attributes"],
  optional: ["holderCommitment", "holder", "expiresOn", "expiresAt", "revocation", "clock", "now"],
} as const;

/** The one value of a renamed option given under either name; both names at once is a mistake. */
function renamed<T>(current: T | undefined, deprecated: T | undefined, name: string, old: string): T | undefined {
  if (current !== undefined && deprecated !== undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `give "${name}" or its deprecated alias "${old}", not both`);
  }
  return current ?? deprecated;
}

/**
 * Signs a credential for a holder. Throws MedzkError: INVALID_KEY for a malformed key or a
 * `publicKey` not matching `privateKey`, INVALID_SCHEMA / UNKNOWN_SCHEMA for the schema,
 * INVALID_ATTRIBUTE for an attribute, INVALID_DATE for the expiry day, INVALID_ARGUMENT for other
 * options, REVOCATION_REGISTRY_FULL when the registry has no free slot.
 */
export async function issueCredential(issuer: IssuerKey, options: IssueOptions): Promise<Credential> {
  const privateKey = parsePrivateKey((issuer as Partial<IssuerKey> | null | undefined)?.privateKey);
  const o = assertObject(options, "options", OPTION_KEYS);
  const schema = resolveSchema(o.schema);
  const commitment = renamed(o.holderCommitment, o.holder, "holderCommitment", "holder");
  if (commitment === undefined) throw new MedzkError("INVALID_ARGUMENT", `"holderCommitment" is required: the holder's commitment (Holder.commitment)`);
  const holderCommitment = assertFieldElement(commitment, "holderCommitment");
  const fixed = o.now;
  if (fixed !== undefined && !(fixed instanceof Date)) throw new MedzkError("INVALID_ARGUMENT", `"now" must be a Date`);
  const clock = assertClock(renamed(o.clock, fixed === undefined ? undefined : () => fixed, "clock", "now"));
  const issuedAt = utcDate(clock());
  const issuedOn = assertCalendarDate(issuedAt, "clock()");
  const { values, fields } = encodeAttributes(schema, o.attributes, issuedOn);
  const expiry = renamed(o.expiresOn, o.expiresAt, "expiresOn", "expiresAt") ?? NEVER_EXPIRES;
  const expiresOn = assertCalendarDate(expiry, "expiresOn");
  const expiresAt = expiry as string; // a calendar day: assertCalendarDate accepts strings only
  if (expiresOn < issuedOn) throw new MedzkError("INVALID_DATE", `"expiresOn" ${expiresAt} lies before the issuance day ${issuedAt}`);
  const revocation = o.revocation as RevocationRegistry | undefined;
  if (revocation !== undefined && typeof revocation?.allocateSlot !== "function") {
    throw new MedzkError("INVALID_ARGUMENT", `"revocation" must be a RevocationRegistry`);
  }

  const publicKey = packPoint(eddsaPublicKey(privateKey));
  if (issuer.publicKey !== undefined && issuer.publicKey !== publicKey) {
    throw new MedzkError("INVALID_KEY", `"publicKey" does not belong to "privateKey"`);
  }
  // Allocate the slot last: a credential that fails validation must not consume one.
  const revocationSlot = revocation ? revocation.allocateSlot() : 0;
  const salt = randomFieldElement();
  const commitmentHash = credentialCommitment(schema, holderCommitment, salt, revocationSlot, expiresOn, fields);
  const sig = eddsaSign(privateKey, commitmentHash);
  return {
    format: CREDENTIAL_FORMAT,
    schema,
    issuer: publicKey,
    holder: holderCommitment.toString(),
    attributes: values,
    salt: salt.toString(),
    issuedAt,
    expiresAt,
    revocationSlot,
    signature: {
      R8x: sig.R8x.toString(),
      R8y: sig.R8y.toString(),
      S: sig.S.toString(),
    },
  };
}
