/**
 * Why a FHIR input is not turned into credentials: a stable code and the element it is about,
 * written as a FHIR path from the input's root ("Immunization.occurrenceDateTime",
 * "Bundle.entry[2].resource.status").
 */
import type { MedzkErrorCode } from "../core/errors.js";

/**
 * The refusal codes (docs/fhir.md, "Refusals"):
 * - FHIR_MALFORMED: not R4 JSON of a supported resource: an unknown or missing element, a wrong
 *   JSON type, an empty array or string, a value outside its primitive type.
 * - FHIR_PARTIAL_DATE: a date with year or year-month precision ("1990", "1990-04") where a day
 *   is mapped.
 * - FHIR_STATUS_REFUSED: a record the issuer must not vouch for: an immunization not
 *   "completed" (entered-in-error, not-done) or subpotent, a coverage not "active".
 * - FHIR_UNKNOWN_CODE_SYSTEM: a vaccine coded in no accepted system (CVX, SNOMED CT).
 * - FHIR_UNKNOWN_CODE: a vaccine code of an accepted system that the mapping table lacks.
 * - FHIR_UNMAPPABLE: well-formed but not mappable without guessing: a free-text date, a payor
 *   without identifier, an ambiguous dose number, a modifier extension, a second patient.
 */
export type FhirRefusalCode = Extract<MedzkErrorCode, `FHIR_${string}`>;

/** A refused FHIR input: what, where, and why in words. */
export interface FhirRefusal {
  /** Stable reason; callers may switch on it. */
  code: FhirRefusalCode;
  /** The element refused, as a FHIR path from the input's root. */
  element: string;
  /** Why, for people; the wording may change. */
  message: string;
}

/** A strict parse or mapping: the value, or the refusal. Never throws on any JSON input. */
export type FhirResult<T> = { ok: true; value: T } | { ok: false; refusal: FhirRefusal };

/** Thrown inside the fhir room and caught at its edge (toResult): never escapes it. */
export class Refused extends Error {
  readonly refusal: FhirRefusal;
  constructor(code: FhirRefusalCode, element: string, message: string) {
    super(`${element}: ${message}`);
    this.refusal = { code, element, message };
  }
}

/** Runs a parse or mapping step, turning a refusal into a result. */
export function toResult<T>(run: () => T): FhirResult<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: error.refusal };
    throw error;
  }
}
