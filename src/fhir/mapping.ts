/**
 * The mapping from FHIR R4 resources to medzk credential attributes: {@link FHIR_MAPPINGS} is the
 * one table (FHIR element → schema attribute, with its rule), and the code below reads each
 * attribute through it, so the table docs/fhir.md prints is the behaviour. Before a resource is
 * mapped its gates hold (status, subpotency); after, the schema's own checks run at issuance.
 *
 * Date rule (one for every mapped date, docs/fhir.md "Dates"): a FHIR `date` "YYYY-MM-DD" is that
 * day; a `dateTime` with a time is the UTC day of that instant (medzk dates are UTC days, and so
 * is the verifier's as-of date); a partial date ("1990", "1990-04") is refused
 * (FHIR_PARTIAL_DATE), never completed to a guessed day.
 */
import type { CodeableConcept, Coverage, Identifier, Immunization, Patient, Reference } from "@medplum/fhirtypes";
import { tryParseDate, utcDate } from "../core/dates.js";
import type { AttributeValue, VaccineGroup } from "../core/schemas.js";
import { type FhirEntry, type FhirInput, type FhirResource, parseFhir } from "./parse.js";
import { type FhirRefusalCode, type FhirResult, Refused, toResult } from "./refusal.js";
import { TARGET_DISEASES, VACCINE_CODES, VACCINE_CODE_SYSTEMS } from "./vaccine-codes.js";

/** The schemas FHIR resources map to. */
export type FhirSchema = "patient-record/v1" | "insurance-coverage/v1" | "immunization/v1";

/** One credential's worth of attributes mapped from one FHIR resource. */
export interface FhirRecord {
  /** The built-in schema the attributes are for. */
  schema: FhirSchema;
  /** Every attribute of the schema. */
  attributes: Record<string, AttributeValue>;
  /** Where they came from: the resource's path in the input and its "Type/id" when it has an id. */
  source: { element: string; resource: string; fullUrl?: string };
}

/** What one resource offers the table's readers. */
interface Context {
  /** The resource's path in the input ("Immunization", "Bundle.entry[2].resource"). */
  path: string;
  /** Resolves a reference to a resource of the same Bundle (undefined outside a Bundle or when absent). */
  resolve(reference: Reference | undefined): FhirResource | undefined;
}

/** One row of the mapping table. */
export interface FhirMapping {
  schema: FhirSchema;
  /** The schema attribute. */
  attribute: string;
  /** The FHIR element it is read from, as a path from the resource ("Coverage.period.start"). */
  element: string;
  /** The rule in words (docs/fhir.md prints it). */
  rule: string;
}

/** A table row with its reader: `read` gets the resource (and, for immunizations, the group). */
interface Row<R> extends FhirMapping {
  read(resource: R, context: Context, group: VaccineGroup): AttributeValue;
}

/** The far end of an ongoing coverage (R4 §2.24.0.9 Period: no end means ongoing). */
const ONGOING = "9999-12-31";

const refuse = (code: FhirRefusalCode, element: string, message: string): never => {
  throw new Refused(code, element, message);
};

/** The date rule of the module header, for the element at `element`. */
function day(value: string | undefined, element: string): string {
  if (value === undefined) return refuse("FHIR_UNMAPPABLE", element, "is absent, and the attribute needs a day");
  if (/^\d{4}(-\d{2})?$/.test(value)) return refuse("FHIR_PARTIAL_DATE", element, `"${value}" gives no day; partial dates are not completed to a guessed day`);
  const date = value.slice(0, 10);
  if (tryParseDate(date) === undefined) return refuse("FHIR_MALFORMED", element, `"${value}" is not a calendar date`);
  if (value.length === 10) return date;
  // A dateTime with a time has a zone (R4 §2.24.0.1); a leap second is not a day boundary to move over.
  const instant = new Date(value.replace(/:60(\.\d+)?/, ":59"));
  if (Number.isNaN(instant.getTime())) return refuse("FHIR_MALFORMED", element, `"${value}" is not a FHIR dateTime`);
  const utc = utcDate(instant);
  return tryParseDate(utc) === undefined ? refuse("FHIR_MALFORMED", element, `"${value}" falls outside the years 0001-9999 in UTC`) : utc;
}

/** "system|value" of an Identifier that has both. */
function identifierValue(identifier: Identifier | undefined, element: string): string {
  if (identifier?.system === undefined || identifier.value === undefined) {
    return refuse("FHIR_UNMAPPABLE", element, "needs an identifier with both system and value");
  }
  return `${identifier.system}|${identifier.value}`;
}

const PATIENT_ROWS: Row<Patient>[] = [
  {
    schema: "patient-record/v1", attribute: "dateOfBirth", element: "Patient.birthDate",
    rule: "the birth date; a partial date is refused",
    read: (p, c) => day(p.birthDate, `${c.path}.birthDate`),
  },
];

const COVERAGE_ROWS: Row<Coverage>[] = [
  {
    schema: "insurance-coverage/v1", attribute: "insurerId", element: "Coverage.payor",
    rule: "the one payor's identifier \"system|value\": Reference.identifier, or the first identifier of the Organization it references in the same Bundle",
    read(cov, c) {
      const payors = cov.payor;
      if (payors.length !== 1) refuse("FHIR_UNMAPPABLE", `${c.path}.payor`, `names ${payors.length} payors; a credential names one insurer`);
      const payor = payors[0]!;
      const element = `${c.path}.payor[0]`;
      if (payor.identifier !== undefined) return identifierValue(payor.identifier, `${element}.identifier`);
      const target = c.resolve(payor);
      if (target === undefined) return refuse("FHIR_UNMAPPABLE", element, "gives no identifier, and references no Organization in the same Bundle");
      if (target.resourceType !== "Organization") return refuse("FHIR_UNMAPPABLE", element, `references a ${target.resourceType}: only an insurer (Organization) is an insurance payor`);
      const found = target.identifier?.find((i) => i.system !== undefined && i.value !== undefined);
      return identifierValue(found, `${element} (Organization.identifier)`);
    },
  },
  {
    schema: "insurance-coverage/v1", attribute: "memberId", element: "Coverage.subscriberId",
    rule: "the subscriber's id; without one, the coverage's first identifier \"system|value\" (R4: \"often referred to as a Member Id\")",
    read: (cov, c) => cov.subscriberId ?? identifierValue(cov.identifier?.[0], `${c.path}.identifier`),
  },
  {
    schema: "insurance-coverage/v1", attribute: "plan", element: "Coverage.class.value",
    rule: "the value of the one class whose type is coverage-class \"plan\"",
    read(cov, c) {
      const plans = (cov.class ?? []).filter((k) => k.type.coding?.some((t) => t.system === "http://terminology.hl7.org/CodeSystem/coverage-class" && t.code === "plan"));
      if (plans.length !== 1) return refuse("FHIR_UNMAPPABLE", `${c.path}.class`, `has ${plans.length} classes of type "plan"; the credential names one plan`);
      return plans[0]!.value;
    },
  },
  {
    schema: "insurance-coverage/v1", attribute: "coverageStart", element: "Coverage.period.start",
    rule: "the first day covered; required",
    read: (cov, c) => day(cov.period?.start, `${c.path}.period.start`),
  },
  {
    schema: "insurance-coverage/v1", attribute: "coverageEnd", element: "Coverage.period.end",
    rule: `the last day covered; absent means ongoing (R4 Period), mapped to ${ONGOING}`,
    read: (cov, c) => (cov.period?.end === undefined ? ONGOING : day(cov.period.end, `${c.path}.period.end`)),
  },
];

/** The accepted coding of a vaccine code and its groups, or the refusal naming the element. */
function vaccine(concept: CodeableConcept, path: string): { coding: string; groups: readonly VaccineGroup[] } {
  const element = `${path}.vaccineCode.coding`;
  const codings = (concept.coding ?? []).map((c, i) => ({ ...c, i })).filter((c) => c.system !== undefined && c.code !== undefined);
  if (codings.length === 0) return refuse("FHIR_UNMAPPABLE", element, "holds no coding with both system and code (a text-only vaccine is not mapped)");
  const accepted = codings.filter((c) => VACCINE_CODE_SYSTEMS.includes(c.system!));
  if (accepted.length === 0) {
    return refuse("FHIR_UNKNOWN_CODE_SYSTEM", element, `codes the vaccine in ${codings.map((c) => c.system).join(", ")}; accepted: ${VACCINE_CODE_SYSTEMS.join(", ")}`);
  }
  // Own keys only: a code "constructor" is in no table, whatever Object.prototype holds.
  const known = accepted.filter((c) => Object.hasOwn(VACCINE_CODES[c.system!] ?? {}, c.code!));
  if (known.length === 0) return refuse("FHIR_UNKNOWN_CODE", `${element}[${accepted[0]!.i}].code`, `${accepted[0]!.system}|${accepted[0]!.code} is not in the mapping table`);
  const groups = VACCINE_CODES[known[0]!.system!]![known[0]!.code!]!.groups;
  for (const other of known.slice(1)) {
    const theirs = VACCINE_CODES[other.system!]![other.code!]!.groups;
    if (theirs.length !== groups.length || theirs.some((g) => !groups.includes(g))) {
      refuse("FHIR_UNMAPPABLE", `${element}[${other.i}]`, "codes a vaccine against other diseases than the coding before it");
    }
  }
  return { coding: `${known[0]!.system}|${known[0]!.code}`, groups };
}

/**
 * The dose number for `group`: from the protocolApplied entries whose targetDisease is that
 * group's, or that name no target disease (the dose counts for the whole vaccine); 0 when none
 * states one. Two different numbers for one group are ambiguous and refused.
 */
function doseNumber(imm: Immunization, group: VaccineGroup, path: string): number {
  const numbers = new Set<number>();
  (imm.protocolApplied ?? []).forEach((p, i) => {
    const targets = (p.targetDisease ?? []).flatMap((t) => (t.coding ?? []).filter((c) => c.system === "http://snomed.info/sct").map((c) => (Object.hasOwn(TARGET_DISEASES, c.code ?? "") ? TARGET_DISEASES[c.code!] : undefined)));
    if (p.targetDisease !== undefined && !targets.includes(group)) return;
    if (p.doseNumberString !== undefined) refuse("FHIR_UNMAPPABLE", `${path}.protocolApplied[${i}].doseNumberString`, "a dose number as text is not compared; give doseNumberPositiveInt");
    numbers.add(p.doseNumberPositiveInt!);
  });
  if (numbers.size > 1) refuse("FHIR_UNMAPPABLE", `${path}.protocolApplied`, `states dose numbers ${[...numbers].join(" and ")} for ${group}`);
  const [n = 0] = numbers;
  return n <= 255 ? n : refuse("FHIR_UNMAPPABLE", `${path}.protocolApplied`, `dose number ${n} is above 255`);
}

const IMMUNIZATION_ROWS: Row<Immunization>[] = [
  {
    schema: "immunization/v1", attribute: "vaccineGroup", element: "Immunization.vaccineCode",
    rule: "each group the vaccine code protects against (the vaccine code table): one credential per group",
    read: (_imm, _c, group) => group,
  },
  {
    schema: "immunization/v1", attribute: "vaccineCode", element: "Immunization.vaccineCode.coding",
    rule: "\"system|code\" of the first coding in the table (CVX or SNOMED CT); codings of other systems are ignored beside it",
    read: (imm, c) => vaccine(imm.vaccineCode, c.path).coding,
  },
  {
    schema: "immunization/v1", attribute: "occurrenceDate", element: "Immunization.occurrenceDateTime",
    rule: "the day given; occurrenceString (free text) is refused",
    read: (imm, c) => day(imm.occurrenceDateTime, `${c.path}.occurrenceDateTime`),
  },
  {
    schema: "immunization/v1", attribute: "doseNumber", element: "Immunization.protocolApplied.doseNumberPositiveInt",
    rule: "the dose's number for this group (targetDisease, or no targetDisease); 0 when not stated",
    read: (imm, c, group) => doseNumber(imm, group, c.path),
  },
];

/** The mapping table: every attribute of the three schemas, its FHIR element and rule. */
export const FHIR_MAPPINGS: readonly FhirMapping[] = [...PATIENT_ROWS, ...COVERAGE_ROWS, ...IMMUNIZATION_ROWS].map(
  ({ schema, attribute, element, rule }) => ({ schema, attribute, element, rule }),
);

function attributes<R>(rows: Row<R>[], resource: R, context: Context, group?: VaccineGroup): Record<string, AttributeValue> {
  return Object.fromEntries(rows.map((row) => [row.attribute, row.read(resource, context, group!)]));
}

/** The gates a record passes before it is mapped: the statuses an issuer can vouch for. */
function mapResource(resource: FhirResource, context: Context): Omit<FhirRecord, "source">[] {
  const p = context.path;
  switch (resource.resourceType) {
    case "Patient":
      return [{ schema: "patient-record/v1", attributes: attributes(PATIENT_ROWS, resource, context) }];
    case "Coverage":
      // R4 financial-resource-status: only "active" is coverage in force (cancelled, draft, entered-in-error are not).
      if (resource.status !== "active") refuse("FHIR_STATUS_REFUSED", `${p}.status`, `is "${resource.status}"; only an "active" coverage is vouched for`);
      return [{ schema: "insurance-coverage/v1", attributes: attributes(COVERAGE_ROWS, resource, context) }];
    case "Immunization": {
      // R4 immunization-status: "completed" is a dose given; "not-done" and "entered-in-error" are not.
      if (resource.status !== "completed") refuse("FHIR_STATUS_REFUSED", `${p}.status`, `is "${resource.status}"; only a "completed" immunization is a dose given`);
      if (resource.isSubpotent === true) refuse("FHIR_STATUS_REFUSED", `${p}.isSubpotent`, "is true: a subpotent dose does not count (R4 Immunization.isSubpotent)");
      if (resource.occurrenceString !== undefined) refuse("FHIR_UNMAPPABLE", `${p}.occurrenceString`, "is free text; the occurrence must be a dateTime");
      return vaccine(resource.vaccineCode, p).groups.map((group) => ({ schema: "immunization/v1", attributes: attributes(IMMUNIZATION_ROWS, resource, context, group) }));
    }
    default:
      // An Organization is read only as a payor; as a record of its own it maps to nothing.
      return refuse("FHIR_UNMAPPABLE", p, `a ${resource.resourceType} maps to no credential on its own`);
  }
}

/** Resolves a reference among a Bundle's entries (R4 §2.36.4): by fullUrl, or by "Type/id". */
function resolver(entries: readonly FhirEntry[]): Context["resolve"] {
  return (reference) => {
    const ref = reference?.reference;
    if (ref === undefined) return undefined;
    const matches = entries.filter((e): e is Extract<FhirEntry, { resource: FhirResource }> => {
      if (!("resource" in e)) return false;
      const typed = e.resource.id === undefined ? undefined : `${e.resource.resourceType}/${e.resource.id}`;
      return e.fullUrl === ref || typed === ref || (typed !== undefined && e.fullUrl?.endsWith(`/${typed}`) === true && ref.endsWith(`/${typed}`));
    });
    return matches.length === 1 ? matches[0]!.resource : undefined;
  };
}

/** The same Reference written the same way: its reference, identifier and display. */
const sameReference = (a: Reference, b: Reference): boolean =>
  a.reference === b.reference && a.identifier?.system === b.identifier?.system && a.identifier?.value === b.identifier?.value && a.display === b.display;

/**
 * NOTE: every credential from one input is bound to one holder, so a Bundle must be about one
 * patient: at most one Patient, and each Immunization.patient and Coverage.beneficiary must
 * reference it when there is one. Without a Patient in the Bundle they must all be the same
 * reference (two spellings of one patient are refused, not guessed equal), and for a single
 * resource that the record is the holder's is the issuer's to know, as for issueCredential.
 */
function checkOnePatient(entries: readonly FhirEntry[], resolve: Context["resolve"]): void {
  const patients = entries.filter((e) => "resource" in e && e.resource.resourceType === "Patient");
  if (patients.length > 1) refuse("FHIR_UNMAPPABLE", patients[1]!.element, "is a second Patient; the credentials of one Bundle are bound to one holder");
  const patient = patients[0];
  let first: { element: string; reference: Reference } | undefined;
  for (const e of entries) {
    if (!("resource" in e)) continue;
    const subject = e.resource.resourceType === "Immunization" ? ["patient", e.resource.patient] as const
      : e.resource.resourceType === "Coverage" ? ["beneficiary", e.resource.beneficiary] as const : undefined;
    if (subject === undefined) continue;
    const element = `${e.element}.${subject[0]}`;
    if (patient !== undefined && "resource" in patient) {
      if (resolve(subject[1]) !== patient.resource) refuse("FHIR_UNMAPPABLE", element, `does not reference the Bundle's Patient (${patient.element})`);
    } else if (first === undefined) first = { element, reference: subject[1] };
    else if (!sameReference(first.reference, subject[1])) {
      refuse("FHIR_UNMAPPABLE", element, `references another patient than ${first.element}; the credentials of one Bundle are bound to one holder`);
    }
  }
}

function mapInput(input: FhirInput): FhirRecord[] {
  if (input.kind === "resource") {
    const r = input.resource;
    const resource = r.id === undefined ? r.resourceType : `${r.resourceType}/${r.id}`;
    return mapResource(r, { path: input.element, resolve: () => undefined }).map((m) => ({ ...m, source: { element: input.element, resource } }));
  }
  const resolve = resolver(input.entries);
  checkOnePatient(input.entries, resolve);
  return input.entries.flatMap((e) => {
    // Organizations are read through the payors that reference them; other types are skipped.
    if (!("resource" in e) || e.resource.resourceType === "Organization") return [];
    const r = e.resource;
    const source = { element: e.element, resource: r.id === undefined ? r.resourceType : `${r.resourceType}/${r.id}`, ...(e.fullUrl === undefined ? {} : { fullUrl: e.fullUrl }) };
    return mapResource(r, { path: e.element, resolve }).map((m) => ({ ...m, source }));
  });
}

/** How {@link mapFhir} reads dose numbers. */
export interface FhirMapOptions {
  /**
   * "stated" (default): a dose's number is its protocolApplied.doseNumberPositiveInt, 0 when not
   * stated. "countInBundle": in a Bundle, the doses of a vaccine group none of which states a
   * number are numbered 1, 2, … by occurrence date (then Bundle order). NOTE: only sound when the
   * Bundle holds the patient's whole history for the group (a SMART Health Card's series, which
   * states no numbers): the issuer asserts that by choosing it. Two doses of one group on one
   * day are refused (a duplicate record would count twice). A group with a stated number
   * anywhere in the Bundle keeps the stated numbers; a single resource is never counted.
   */
  doseNumbers?: "stated" | "countInBundle";
}

/** Numbers the unnumbered doses of each group by date, for "countInBundle". */
function countDoses(records: FhirRecord[]): void {
  const byGroup = new Map<AttributeValue, FhirRecord[]>();
  for (const r of records) {
    if (r.schema === "immunization/v1") byGroup.set(r.attributes["vaccineGroup"]!, [...(byGroup.get(r.attributes["vaccineGroup"]!) ?? []), r]);
  }
  for (const [group, doses] of byGroup) {
    if (doses.some((d) => d.attributes["doseNumber"] !== 0)) continue;
    if (doses.length > 255) refuse("FHIR_UNMAPPABLE", "Bundle.entry", `holds ${doses.length} doses against ${String(group)}; dose numbers stop at 255`);
    const sorted = [...doses].sort((a, b) => (a.attributes["occurrenceDate"]! < b.attributes["occurrenceDate"]! ? -1 : a.attributes["occurrenceDate"]! > b.attributes["occurrenceDate"]! ? 1 : 0));
    // NOTE: two doses against one group on one day are refused, not counted as two: a dose
    // recorded twice (a registry's duplicate, a record merged from two sources) cannot be told
    // apart from two doses, and counting it would prove a series that was not given.
    sorted.forEach((d, i) => {
      if (i > 0 && d.attributes["occurrenceDate"] === sorted[i - 1]!.attributes["occurrenceDate"]) {
        refuse("FHIR_UNMAPPABLE", `${d.source.element}.occurrenceDateTime`, `is a second dose against ${String(group)} on ${String(d.attributes["occurrenceDate"])} (${sorted[i - 1]!.source.element}); a duplicate record would be counted as two doses`);
      }
      d.attributes["doseNumber"] = i + 1;
    });
  }
}

/**
 * Parses FHIR R4 JSON (a Patient, Coverage or Immunization, or a Bundle of them) strictly and
 * maps it to credential attributes through {@link FHIR_MAPPINGS}: a Patient to
 * "patient-record/v1", a Coverage to "insurance-coverage/v1", an Immunization to one
 * "immunization/v1" per vaccine group. All or nothing: one refused resource refuses the input.
 * A Bundle's entries of other types are left out (Organizations are read as payors). Never
 * throws: a refusal names its element and code (docs/fhir.md).
 */
export function mapFhir(json: unknown, options: FhirMapOptions = {}): FhirResult<FhirRecord[]> {
  const parsed = parseFhir(json);
  if (!parsed.ok) return parsed;
  return toResult(() => {
    const records = mapInput(parsed.value);
    if (records.length === 0) refuse("FHIR_UNMAPPABLE", "Bundle.entry", "holds no Patient, Coverage or Immunization");
    if (options.doseNumbers === "countInBundle" && parsed.value.kind === "bundle") countDoses(records);
    return records;
  });
}
