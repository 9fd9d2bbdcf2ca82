/**
 * Issuing from FHIR R4: the records a hospital's EHR already holds become credentials. The input
 * is parsed strictly and mapped through the one mapping table (mapping.ts); each record is then
 * signed by {@link issueCredential}, which checks the attributes against the schema once more.
 */
import type { Credential } from "../core/credential.js";
import { tryParseDate, utcDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { REVOCATION_CAPACITY } from "../core/revocation.js";
import { BUILTIN_SCHEMAS, encodeAttributes } from "../core/schemas.js";
import { assertObject } from "../core/validate.js";
import { type IssueOptions, issueCredential } from "../issuer/issue-credential.js";
import type { IssuerKey } from "../issuer/keys.js";
import { type FhirMapOptions, type FhirRecord, mapFhir } from "./mapping.js";

/**
 * What {@link issueFromFhir} takes besides the key and the FHIR input: issueCredential's options
 * but the schema and attributes, which the mapping gives, and how dose numbers are read.
 */
export type FhirIssueOptions = Omit<IssueOptions, "schema" | "attributes"> & FhirMapOptions;

/** One credential issued from FHIR, with the record it came from. */
export interface FhirCredential {
  /** The signed credential. */
  credential: Credential;
  /** Where it came from: the resource's path in the input, its "Type/id", and its Bundle fullUrl. */
  source: FhirRecord["source"];
}

/**
 * Issues a credential for each record of a FHIR R4 resource (Patient, Coverage, Immunization) or
 * Bundle, all bound to `options.holderCommitment`: a Patient's birth date as
 * "patient-record/v1", a Coverage as "insurance-coverage/v1", an Immunization as one
 * "immunization/v1" per vaccine group (docs/fhir.md has the mapping). All or nothing: nothing is
 * signed unless every record maps. Throws MedzkError: the FHIR refusal's code
 * (FHIR_MALFORMED, FHIR_PARTIAL_DATE, FHIR_STATUS_REFUSED, FHIR_UNKNOWN_CODE_SYSTEM,
 * FHIR_UNKNOWN_CODE, FHIR_UNMAPPABLE; the message starts with the element, the `cause` is the
 * {@link FhirRefusal}), or what {@link issueCredential} throws (INVALID_ATTRIBUTE for an
 * occurrence after the issuance day, INVALID_KEY, INVALID_ARGUMENT…). With a revocation
 * registry, each credential takes its own slot (REVOCATION_REGISTRY_FULL, nothing signed, when
 * the registry has fewer free slots than records).
 */
export async function issueFromFhir(issuer: IssuerKey, fhir: unknown, options: FhirIssueOptions): Promise<FhirCredential[]> {
  const { doseNumbers, ...o } = assertObject(options, "options", { required: [], optional: ["holderCommitment", "holder", "expiresOn", "expiresAt", "revocation", "clock", "now", "doseNumbers"] }) as FhirIssueOptions;
  if (doseNumbers !== undefined && doseNumbers !== "stated" && doseNumbers !== "countInBundle") {
    throw new MedzkError("INVALID_ARGUMENT", `"doseNumbers" must be "stated" or "countInBundle", got ${JSON.stringify(doseNumbers)}`);
  }
  const mapped = mapFhir(fhir, doseNumbers === undefined ? {} : { doseNumbers });
  if (!mapped.ok) {
    const { code, element, message } = mapped.refusal;
    throw new MedzkError(code, `${element}: ${message}`, { cause: mapped.refusal });
  }
  // Every record is checked against its schema on the issuance day before any is signed, so a
  // refusal (an occurrence after today) leaves no credential signed and no revocation slot taken.
  const clock = typeof o.clock === "function" ? o.clock : o.now instanceof Date ? () => o.now as Date : () => new Date();
  const issuedOn = tryParseDate(utcDate(clock()));
  if (issuedOn !== undefined) for (const record of mapped.value) encodeAttributes(BUILTIN_SCHEMAS[record.schema]!, record.attributes, issuedOn);
  // And the registry has a slot for each: else the first credentials would take slots and the
  // next throw REVOCATION_REGISTRY_FULL, breaking all or nothing.
  const revocation = o.revocation as { publish?: () => { nextSlot: number } } | undefined;
  const nextSlot = typeof revocation?.publish === "function" ? revocation.publish().nextSlot : undefined;
  if (nextSlot !== undefined && nextSlot + mapped.value.length > REVOCATION_CAPACITY) {
    throw new MedzkError("REVOCATION_REGISTRY_FULL", `the revocation registry has ${REVOCATION_CAPACITY - nextSlot} free slots, and this input maps to ${mapped.value.length} credentials`);
  }
  const issued: FhirCredential[] = [];
  for (const record of mapped.value) {
    issued.push({ credential: await issueCredential(issuer, { ...o, schema: record.schema, attributes: record.attributes }), source: record.source });
  }
  return issued;
}
