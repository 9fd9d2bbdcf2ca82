/**
 * The FHIR Bundle of a SMART Health Card (`vc.credentialSubject.fhirBundle`), parsed strictly.
 * One call, so the import has one place where FHIR parsing happens.
 */
import type { Bundle } from "@medplum/fhirtypes";
import { Refused } from "./refusal.js";
import { checkArray, checkObject, isPlainObject } from "../core/validate.js";

/** The card's Bundle, or FHIR_BUNDLE_REFUSED naming the element at fault. */
export function parseCardBundle(value: unknown): Bundle {
  const bundle = checkObject(value, "Bundle", { required: ["resourceType", "type", "entry"] });
  if (!bundle.ok) throw new Refused("FHIR_BUNDLE_REFUSED", bundle.message);
  if (bundle.value.resourceType !== "Bundle") throw new Refused("FHIR_BUNDLE_REFUSED", `Bundle.resourceType must be "Bundle"`);
  // §Health Cards are Compact: the card's bundle is a "collection".
  if (bundle.value.type !== "collection") throw new Refused("FHIR_BUNDLE_REFUSED", `Bundle.type must be "collection"`);
  const entries = checkArray(bundle.value.entry, "Bundle.entry", 1000);
  if (!entries.ok) throw new Refused("FHIR_BUNDLE_REFUSED", entries.message);
  for (const [i, raw] of entries.value.entries()) {
    const entry = checkObject(raw, `Bundle.entry[${i}]`, { required: ["resource"], optional: ["fullUrl"] });
    if (!entry.ok) throw new Refused("FHIR_BUNDLE_REFUSED", entry.message);
    const resource = entry.value.resource;
    if (!isPlainObject(resource) || typeof resource["resourceType"] !== "string") throw new Refused("FHIR_BUNDLE_REFUSED", `Bundle.entry[${i}].resource must be a FHIR resource`);
  }
  return value as Bundle;
}
