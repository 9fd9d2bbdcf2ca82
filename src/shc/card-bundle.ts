/**
 * The FHIR Bundle of a SMART Health Card (`vc.credentialSubject.fhirBundle`), parsed strictly
 * with the FHIR R4 parser of src/fhir (parse.ts): the resources the mapping reads (Patient,
 * Immunization, Coverage, Organization) element by element, the others (a lab card's
 * DiagnosticReport, Observations) kept as entries of their type.
 */
import type { Bundle } from "@medplum/fhirtypes";
import { parseFhir } from "../fhir/parse.js";
import { Refused } from "./refusal.js";
import { isPlainObject } from "../core/validate.js";

/** The card's Bundle, or FHIR_BUNDLE_REFUSED naming the element at fault. */
export function parseCardBundle(value: unknown): Bundle {
  if (!isPlainObject(value) || value["resourceType"] !== "Bundle") throw new Refused("FHIR_BUNDLE_REFUSED", `vc.credentialSubject.fhirBundle must be a FHIR Bundle`);
  // §Health Cards are Compact: the card's bundle is a "collection".
  if (value["type"] !== "collection") throw new Refused("FHIR_BUNDLE_REFUSED", `Bundle.type: must be "collection", got ${JSON.stringify(value["type"] ?? null)}`);
  const parsed = parseFhir(value);
  if (!parsed.ok) throw new Refused("FHIR_BUNDLE_REFUSED", `${parsed.refusal.element}: ${parsed.refusal.message} (${parsed.refusal.code})`);
  if (parsed.value.kind !== "bundle") throw new Refused("FHIR_BUNDLE_REFUSED", "vc.credentialSubject.fhirBundle must be a FHIR Bundle");
  return parsed.value.bundle;
}
