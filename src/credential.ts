/**
 * Credentials: an issuer's EdDSA-Poseidon signature over a salted Poseidon commitment of
 * (schema id, holder commitment, salt, attributes...). The credential itself is plain JSON that
 * the holder keeps; only the holder's proofs leave the wallet.
 */
import { buildEddsa, type Eddsa } from "circomlibjs";
import {
  poseidon4, poseidon5, poseidon6, poseidon7, poseidon8, poseidon9, poseidon10,
  poseidon11, poseidon12, poseidon13, poseidon14, poseidon15, poseidon16,
} from "poseidon-lite";
import { parseDate, utcDate } from "./dates.js";
import { MedzkError } from "./errors.js";
import { parseCanonical, randomFieldElement } from "./field.js";
import { type IssuerKey, type IssuerPoint, packPoint, parsePrivateKey, tryUnpackPublicKey } from "./issuer-key.js";
import { encodeAttributes, getSchema, schemaIdField, type SchemaDefinition } from "./schemas.js";

export const CREDENTIAL_FORMAT = "medzk-credential/v1";

export interface Credential {
  format: typeof CREDENTIAL_FORMAT;
  schema: string;
  /** Packed issuer public key (hex). */
  issuer: string;
  /** Holder commitment (decimal). */
  holder: string;
  /** Attribute values as the issuer wrote them (dates "YYYY-MM-DD"). */
  attributes: Record<string, string>;
  /** 248-bit random salt (decimal). */
  salt: string;
  /** UTC calendar day of issuance, "YYYY-MM-DD". */
  issuedAt: string;
  /** EdDSA-Poseidon signature over the commitment (decimal strings). */
  signature: { R8x: string; R8y: string; S: string };
}

export interface IssueOptions {
  schema: string;
  holder: string;
  attributes: Record<string, string>;
  /** Issuer clock, injectable for tests. Defaults to now. */
  now?: Date;
}

let eddsaPromise: Promise<Eddsa> | undefined;
function eddsa(): Promise<Eddsa> {
  eddsaPromise ??= buildEddsa();
  return eddsaPromise;
}

const POSEIDON_BY_ARITY = [
  undefined, undefined, undefined, undefined, poseidon4, poseidon5, poseidon6, poseidon7, poseidon8, poseidon9,
  poseidon10, poseidon11, poseidon12, poseidon13, poseidon14, poseidon15, poseidon16,
] as const;

/** The signed message: Poseidon(schemaId, holder, salt, attributes...), as in circuits/lib/credential.circom. */
export function credentialCommitment(schema: SchemaDefinition, holder: bigint, salt: bigint, fields: bigint[]): bigint {
  const inputs = [schemaIdField(schema.id), holder, salt, ...fields];
  const hash = POSEIDON_BY_ARITY[inputs.length];
  if (!hash) throw new MedzkError("UNKNOWN_SCHEMA", `schema ${schema.id} has too many attributes`);
  return hash(inputs);
}

/** Signs a credential for a holder. Throws MedzkError for invalid keys, schemas or attributes. */
export async function issueCredential(issuer: IssuerKey, options: IssueOptions): Promise<Credential> {
  const privateKey = parsePrivateKey(issuer?.privateKey);
  const schema = getSchema(options?.schema);
  const holder = parseCanonical(options.holder);
  if (holder === undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `"holder" must be a holder commitment (canonical decimal field element)`);
  }
  const issuedAt = utcDate(options.now ?? new Date());
  const { values, fields } = encodeAttributes(schema, options.attributes, parseDate(issuedAt, "now"));
  const salt = randomFieldElement();
  const commitment = credentialCommitment(schema, holder, salt, fields);

  const ed = await eddsa();
  const publicKey = packPoint(toPoint(ed, ed.prv2pub(privateKey)));
  if (issuer.publicKey !== undefined && issuer.publicKey !== publicKey) {
    throw new MedzkError("INVALID_KEY", `"publicKey" does not belong to "privateKey"`);
  }
  const sig = ed.signPoseidon(privateKey, ed.F.e(commitment));
  return {
    format: CREDENTIAL_FORMAT,
    schema: schema.id,
    issuer: publicKey,
    holder: holder.toString(),
    attributes: values,
    salt: salt.toString(),
    issuedAt,
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
  credential: Credential;
  schema: SchemaDefinition;
  issuer: IssuerPoint;
  holder: bigint;
  salt: bigint;
  encoded: Record<string, number | bigint>;
  signature: { R8x: bigint; R8y: bigint; S: bigint };
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
  const schema = getSchema(c.schema);
  const issuer = tryUnpackPublicKey(c.issuer) ?? fail(`"issuer" is not a valid public key`);
  const holder = parseCanonical(c.holder) ?? fail(`"holder" is not a canonical field element`);
  const salt = parseCanonical(c.salt) ?? fail(`"salt" is not a canonical field element`);
  const issuedOn = parseDate(c.issuedAt, "issuedAt");
  const sig = c.signature ?? fail(`"signature" is missing`);
  const R8x = parseCanonical(sig.R8x) ?? fail(`"signature.R8x" is not a canonical field element`);
  const R8y = parseCanonical(sig.R8y) ?? fail(`"signature.R8y" is not a canonical field element`);
  const S = parseCanonical(sig.S) ?? fail(`"signature.S" is not a canonical field element`);
  const { encoded, fields } = encodeAttributes(schema, c.attributes, issuedOn);

  const ed = await eddsa();
  const message = ed.F.e(credentialCommitment(schema, holder, salt, fields));
  const valid = ed.verifyPoseidon(
    message,
    { R8: [ed.F.e(R8x), ed.F.e(R8y)], S },
    [ed.F.e(issuer.x), ed.F.e(issuer.y)],
  );
  if (!valid) fail("the issuer signature does not verify");
  return { credential: c as Credential, schema, issuer, holder, salt, encoded, signature: { R8x, R8y, S } };
}
