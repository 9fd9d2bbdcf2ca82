/**
 * A strict parser of the FHIR R4 (4.0.1) JSON the mapping reads: Patient, Coverage,
 * Immunization, Organization (a Coverage's payor) and Bundle. It refuses what a FHIR server
 * would (R4 §2.6.2 JSON representation, §2.24 data types): an element the resource does not
 * define, a missing required element, a wrong JSON type, an empty array or string, a primitive
 * outside its lexical space, two values of one choice element.
 *
 * Depth: the resources above and the data types the mapping reads (Coding, CodeableConcept,
 * Identifier, Period, Reference, and the backbone elements Coverage.class,
 * Immunization.protocolApplied, Bundle.entry) are checked element by element; an element the
 * mapping never reads that holds another complex type (HumanName, Address, Narrative…) is
 * checked to be a JSON object (or an array of them) and not further. Primitive extensions
 * (`_birthDate`, R4 §2.6.2.7) are objects (arrays of objects or null for repeating elements).
 *
 * NOTE: `modifierExtension` and `implicitRules` change the meaning of what they sit on (R4
 * §2.4.1, §2.28 Resource.implicitRules); the mapping does not understand any, so a resource or
 * element carrying one is refused (FHIR_UNMAPPABLE) rather than read as if it were absent.
 */
import type { Bundle, Coverage, Immunization, Organization, Patient } from "@medplum/fhirtypes";
import { isPlainObject } from "../core/validate.js";
import { type FhirResult, Refused, toResult } from "./refusal.js";

/** The FHIR primitive types the parser checks (R4 §2.24.0.1). */
type Primitive = "string" | "code" | "id" | "uri" | "boolean" | "integer" | "positiveInt" | "unsignedInt" | "decimal" | "date" | "dateTime" | "instant";

/** An element's type: a primitive, a complex type checked only as an object, or a spec of its own. */
type Shape = Primitive | "object" | Spec;

interface Field {
  type: Shape;
  /** An array (0..* or 1..*). */
  many?: true;
  /** Cardinality 1..1 or 1..*. */
  required?: true;
}

/** A complex type's elements; `choices` name the choice elements ("occurrence": one of its keys). */
interface Spec {
  elements: Record<string, Field>;
  /** Choice element name → its typed keys, at most one present ("required": exactly one). */
  choices?: Record<string, { keys: readonly string[]; required?: true }>;
}

const one = (type: Shape): Field => ({ type });
const many = (type: Shape): Field => ({ type, many: true });
const req = (type: Shape): Field => ({ type, required: true });

// The lexical spaces of R4 §2.24.0.1 (date and dateTime allow partial dates; the mapping refuses them).
const YEAR = "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)";
const DATE = `${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?`;
const TIME = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
const ZONE = "(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))";
const LEXICAL: Record<string, RegExp> = {
  code: /^[^\s]+( [^\s]+)*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  uri: /^\S+$/,
  date: new RegExp(`^${DATE}$`),
  dateTime: new RegExp(`^${YEAR}(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T${TIME}${ZONE})?)?)?$`),
  instant: new RegExp(`^${YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T${TIME}${ZONE}$`),
};
const INT32 = 2 ** 31 - 1;

// Elements every element and backbone element has (R4 §2.23 Element, BackboneElement).
const ELEMENT = { id: one("string"), extension: many("object") };
const BACKBONE = { ...ELEMENT, modifierExtension: many("object") };
// Resource and DomainResource (R4 §2.28, §2.29).
const RESOURCE = { resourceType: req("code"), id: one("id"), meta: one("object"), implicitRules: one("uri"), language: one("code") };
const DOMAIN_RESOURCE = { ...RESOURCE, text: one("object"), contained: many("object"), ...BACKBONE };

const CODING: Spec = { elements: { ...ELEMENT, system: one("uri"), version: one("string"), code: one("code"), display: one("string"), userSelected: one("boolean") } };
const CODEABLE_CONCEPT: Spec = { elements: { ...ELEMENT, coding: many(CODING), text: one("string") } };
const PERIOD: Spec = { elements: { ...ELEMENT, start: one("dateTime"), end: one("dateTime") } };
const IDENTIFIER: Spec = { elements: { ...ELEMENT, use: one("code"), type: one(CODEABLE_CONCEPT), system: one("uri"), value: one("string"), period: one(PERIOD) } };
const REFERENCE: Spec = { elements: { ...ELEMENT, reference: one("string"), type: one("uri"), identifier: one(IDENTIFIER), display: one("string") } };
// Identifier.assigner is a Reference, whose identifier is an Identifier: the two refer to each other.
IDENTIFIER.elements["assigner"] = one(REFERENCE);

const PATIENT: Spec = {
  elements: {
    ...DOMAIN_RESOURCE, identifier: many(IDENTIFIER), active: one("boolean"), name: many("object"), telecom: many("object"),
    gender: one("code"), birthDate: one("date"), deceasedBoolean: one("boolean"), deceasedDateTime: one("dateTime"),
    address: many("object"), maritalStatus: one(CODEABLE_CONCEPT), multipleBirthBoolean: one("boolean"),
    multipleBirthInteger: one("integer"), photo: many("object"), contact: many("object"), communication: many("object"),
    generalPractitioner: many(REFERENCE), managingOrganization: one(REFERENCE), link: many("object"),
  },
  choices: { deceased: { keys: ["deceasedBoolean", "deceasedDateTime"] }, multipleBirth: { keys: ["multipleBirthBoolean", "multipleBirthInteger"] } },
};

const COVERAGE_CLASS: Spec = { elements: { ...BACKBONE, type: req(CODEABLE_CONCEPT), value: req("string"), name: one("string") } };
const COVERAGE: Spec = {
  elements: {
    ...DOMAIN_RESOURCE, identifier: many(IDENTIFIER), status: req("code"), type: one(CODEABLE_CONCEPT), policyHolder: one(REFERENCE),
    subscriber: one(REFERENCE), subscriberId: one("string"), beneficiary: req(REFERENCE), dependent: one("string"),
    relationship: one(CODEABLE_CONCEPT), period: one(PERIOD), payor: { type: REFERENCE, many: true, required: true },
    class: many(COVERAGE_CLASS), order: one("positiveInt"), network: one("string"), costToBeneficiary: many("object"),
    subrogation: one("boolean"), contract: many(REFERENCE),
  },
};

const PROTOCOL_APPLIED: Spec = {
  elements: {
    ...BACKBONE, series: one("string"), authority: one(REFERENCE), targetDisease: many(CODEABLE_CONCEPT),
    doseNumberPositiveInt: one("positiveInt"), doseNumberString: one("string"), seriesDosesPositiveInt: one("positiveInt"), seriesDosesString: one("string"),
  },
  choices: { doseNumber: { keys: ["doseNumberPositiveInt", "doseNumberString"], required: true }, seriesDoses: { keys: ["seriesDosesPositiveInt", "seriesDosesString"] } },
};
const IMMUNIZATION: Spec = {
  elements: {
    ...DOMAIN_RESOURCE, identifier: many(IDENTIFIER), status: req("code"), statusReason: one(CODEABLE_CONCEPT), vaccineCode: req(CODEABLE_CONCEPT),
    patient: req(REFERENCE), encounter: one(REFERENCE), occurrenceDateTime: one("dateTime"), occurrenceString: one("string"),
    recorded: one("dateTime"), primarySource: one("boolean"), reportOrigin: one(CODEABLE_CONCEPT), location: one(REFERENCE),
    manufacturer: one(REFERENCE), lotNumber: one("string"), expirationDate: one("date"), site: one(CODEABLE_CONCEPT),
    route: one(CODEABLE_CONCEPT), doseQuantity: one("object"), performer: many("object"), note: many("object"),
    reasonCode: many(CODEABLE_CONCEPT), reasonReference: many(REFERENCE), isSubpotent: one("boolean"),
    subpotentReason: many(CODEABLE_CONCEPT), education: many("object"), programEligibility: many(CODEABLE_CONCEPT),
    fundingSource: one(CODEABLE_CONCEPT), reaction: many("object"), protocolApplied: many(PROTOCOL_APPLIED),
  },
  choices: { occurrence: { keys: ["occurrenceDateTime", "occurrenceString"], required: true } },
};

const ORGANIZATION: Spec = {
  elements: {
    ...DOMAIN_RESOURCE, identifier: many(IDENTIFIER), active: one("boolean"), type: many(CODEABLE_CONCEPT), name: one("string"),
    alias: many("string"), telecom: many("object"), address: many("object"), partOf: one(REFERENCE), contact: many("object"), endpoint: many(REFERENCE),
  },
};

/** The resource types parsed strictly; a Bundle may hold others, which are left out (skipped). */
const RESOURCES = { Patient: PATIENT, Coverage: COVERAGE, Immunization: IMMUNIZATION, Organization: ORGANIZATION } as const;

const BUNDLE_ENTRY: Spec = {
  elements: { ...BACKBONE, link: many("object"), fullUrl: one("uri"), resource: req("object"), search: one("object"), request: one("object"), response: one("object") },
};
const BUNDLE: Spec = {
  elements: { ...RESOURCE, identifier: one(IDENTIFIER), type: req("code"), timestamp: one("instant"), total: one("unsignedInt"), link: many("object"), entry: many(BUNDLE_ENTRY), signature: one("object") },
};
/**
 * Bundle types whose entries are records (R4 §2.36.0.1 Bundle.type). A history bundle holds past
 * versions and deletions, a message or response bundle holds something other than records.
 */
const RECORD_BUNDLES = ["collection", "document", "transaction", "batch", "searchset"];

/** A resource the mapping reads, typed by @medplum/fhirtypes. */
export type FhirResource = Patient | Coverage | Immunization | Organization;

/** A parsed Bundle entry: a resource the mapping reads, or the type of one it leaves out. */
export type FhirEntry = { element: string; fullUrl?: string; resource: FhirResource } | { element: string; fullUrl?: string; skipped: string };

/** What {@link parseFhir} returns: one resource, or a Bundle's entries. */
export type FhirInput = { kind: "resource"; element: string; resource: FhirResource } | { kind: "bundle"; bundle: Bundle; entries: FhirEntry[] };

const malformed = (element: string, message: string): never => {
  throw new Refused("FHIR_MALFORMED", element, message);
};

function checkPrimitive(value: unknown, type: Primitive, path: string): void {
  const bad = (what: string) => malformed(path, `must be ${what}, got ${describeJson(value)}`);
  switch (type) {
    case "boolean":
      if (typeof value !== "boolean") bad("true or false");
      return;
    case "integer":
    case "positiveInt":
    case "unsignedInt": {
      const min = type === "integer" ? -INT32 - 1 : type === "positiveInt" ? 1 : 0;
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > INT32) bad(`a JSON integer from ${min} to ${INT32} (${type})`);
      return;
    }
    case "decimal":
      if (typeof value !== "number" || !Number.isFinite(value)) bad("a JSON number");
      return;
    default: {
      // R4 §2.24.0.1: strings hold non-whitespace content; the others have their own patterns.
      if (typeof value !== "string" || !/\S/.test(value)) bad(`a non-empty ${type} string`);
      const pattern = LEXICAL[type];
      if (pattern && !pattern.test(value as string)) bad(`a FHIR ${type}`);
    }
  }
}

function describeJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // A value nested deeper than JSON.stringify's stack allows (valid JSON all the same).
    return Array.isArray(value) ? "a deeply nested array" : "a deeply nested object";
  }
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/**
 * How deep the checked elements may nest (Bundle, entry, resource, then the data types). The
 * deepest the mapping's specs reach in real records is under 15; the bound stops the one cycle
 * of the specs (Identifier.assigner is a Reference, whose identifier is an Identifier) from
 * exhausting the stack on hostile input.
 */
const MAX_DEPTH = 32;

function checkValue(value: unknown, shape: Shape, path: string, depth: number): void {
  if (typeof shape === "string") {
    if (shape === "object") {
      if (!isPlainObject(value) || Object.keys(value).length === 0) malformed(path, `must be a non-empty JSON object, got ${describeJson(value)}`);
    } else checkPrimitive(value, shape, path);
    return;
  }
  checkObject(value, shape, path, depth + 1);
}

/** Checks one object against a spec: every key known and well typed, required ones present. */
function checkObject(value: unknown, spec: Spec, path: string, depth = 0): void {
  if (!isPlainObject(value)) return malformed(path, `must be a JSON object, got ${describeJson(value)}`);
  if (Object.keys(value).length === 0) malformed(path, "must not be empty (R4 §2.6.2)");
  if (depth > MAX_DEPTH) malformed(path, `nests deeper than ${MAX_DEPTH} elements`);
  for (const [key, v] of Object.entries(value)) {
    // Own keys only: "constructor" or "toString" are no FHIR elements, whatever Object.prototype holds.
    const name = key.startsWith("_") ? key.slice(1) : key;
    const field = Object.hasOwn(spec.elements, name) ? spec.elements[name] : undefined;
    if (field === undefined || (key.startsWith("_") && typeof field.type !== "string")) {
      return malformed(`${path}.${key}`, "is not an element of FHIR R4 here");
    }
    if (key.startsWith("_")) checkPrimitiveExtension(v, field, `${path}.${key}`);
    else if (field.many) {
      if (!Array.isArray(v) || v.length === 0) return malformed(`${path}.${key}`, `must be a non-empty JSON array, got ${describeJson(v)}`);
      v.forEach((item, i) => checkValue(item, field.type, `${path}.${key}[${i}]`, depth));
    } else checkValue(v, field.type, `${path}.${key}`, depth);
  }
  for (const [key, field] of Object.entries(spec.elements)) {
    if (field.required && !Object.hasOwn(value, key)) malformed(`${path}.${key}`, "is required (cardinality 1..)");
  }
  for (const [name, choice] of Object.entries(spec.choices ?? {})) {
    const present = choice.keys.filter((k) => Object.hasOwn(value, k));
    if (present.length > 1) malformed(`${path}.${present[1]}`, `${name}[x] takes one type, and ${present[0]} is given too`);
    if (choice.required && present.length === 0) malformed(`${path}.${name}[x]`, `is required (one of ${choice.keys.join(", ")})`);
  }
  if (Object.hasOwn(value, "modifierExtension")) {
    throw new Refused("FHIR_UNMAPPABLE", `${path}.modifierExtension`, "a modifier extension changes the meaning of its element, and none is understood here (R4 §2.4.1)");
  }
  if (Object.hasOwn(value, "implicitRules")) {
    throw new Refused("FHIR_UNMAPPABLE", `${path}.implicitRules`, "the resource was made under rules not understood here (R4 §2.28)");
  }
}

/** `_name` beside a primitive: an Element (id, extension), or an array of them (or null) for an array. */
function checkPrimitiveExtension(value: unknown, field: Field, path: string): void {
  const item = (v: unknown, p: string) => checkObject(v, { elements: ELEMENT }, p);
  if (!field.many) return item(value, path);
  if (!Array.isArray(value) || value.length === 0) return malformed(path, "must be a non-empty JSON array");
  value.forEach((v, i) => v === null || item(v, `${path}[${i}]`));
}

function parseResource(value: unknown, path: string): FhirResource {
  const type = isPlainObject(value) ? value["resourceType"] : undefined;
  if (typeof type !== "string" || !Object.hasOwn(RESOURCES, type)) {
    return malformed(`${path}.resourceType`, `must be one of ${Object.keys(RESOURCES).join(", ")}, got ${describeJson(type)}`);
  }
  checkObject(value, RESOURCES[type as keyof typeof RESOURCES], path);
  return value as unknown as FhirResource;
}

/**
 * Parses a FHIR R4 resource (Patient, Coverage, Immunization, Organization) or a Bundle of them,
 * strictly. A Bundle's entries of other types are kept as `skipped` (their type only). Never
 * throws: a refusal names the element, e.g. `Bundle.entry[1].resource.status`.
 */
export function parseFhir(json: unknown): FhirResult<FhirInput> {
  return toResult((): FhirInput => {
    if (!isPlainObject(json)) return malformed("(root)", `must be a FHIR resource (a JSON object), got ${describeJson(json)}`);
    if (json["resourceType"] !== "Bundle") {
      const type = typeof json["resourceType"] === "string" ? json["resourceType"] : "(resource)";
      return { kind: "resource", element: type, resource: parseResource(json, type) };
    }
    checkObject(json, BUNDLE, "Bundle");
    const bundle = json as unknown as Bundle;
    if (!RECORD_BUNDLES.includes(bundle.type)) {
      throw new Refused("FHIR_UNMAPPABLE", "Bundle.type", `a "${bundle.type}" bundle holds no records to vouch for; accepted: ${RECORD_BUNDLES.join(", ")}`);
    }
    const entries = (bundle.entry ?? []).map((entry, i): FhirEntry => {
      const element = `Bundle.entry[${i}].resource`;
      const fullUrl = entry.fullUrl === undefined ? {} : { fullUrl: entry.fullUrl };
      const type = (entry.resource as { resourceType?: unknown }).resourceType;
      if (typeof type !== "string") return malformed(`${element}.resourceType`, "is required");
      if (!Object.hasOwn(RESOURCES, type)) return { element, ...fullUrl, skipped: type };
      return { element, ...fullUrl, resource: parseResource(entry.resource, element) };
    });
    return { kind: "bundle", bundle, entries };
  });
}
