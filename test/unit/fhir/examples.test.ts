/**
 * The published FHIR R4 examples (test/fixtures/fhir/README.md): every one maps to the
 * attributes the mapping table gives, or is refused with its code and the element named.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type FhirRecord, mapFhir } from "../../../src/fhir/mapping.js";
import type { FhirRefusal } from "../../../src/fhir/refusal.js";

const DIR = "test/fixtures/fhir/";
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(DIR + file, "utf8"));
const attributesOf = (records: FhirRecord[]) => records.map((r) => [r.schema, r.attributes]);

/** Each fixture's outcome: the records' [schema, attributes], or the refusal's code and element. */
const EXPECTED: Record<string, Array<[string, Record<string, unknown>]> | Omit<FhirRefusal, "message">> = {
  "hl7-r4/Patient-example.json": [["patient-record/v1", { dateOfBirth: "1974-12-25" }]],
  "hl7-r4/Patient-newborn.json": [["patient-record/v1", { dateOfBirth: "2017-09-05" }]],
  "hl7-r4/Patient-animal.json": [["patient-record/v1", { dateOfBirth: "2010-03-23" }]],
  "hl7-r4/Patient-pat1.json": { code: "FHIR_UNMAPPABLE", element: "Patient.birthDate" },
  "hl7-r4/Patient-infant-fetal.json": { code: "FHIR_UNMAPPABLE", element: "Patient.birthDate" },
  // Payor by reference only, outside a Bundle: its identifier is unknown here.
  "hl7-r4/Coverage-9876B1.json": { code: "FHIR_UNMAPPABLE", element: "Coverage.payor[0]" },
  "hl7-r4/Coverage-7546D.json": { code: "FHIR_UNMAPPABLE", element: "Coverage.payor[0]" },
  "hl7-r4/Coverage-SP1234.json": { code: "FHIR_UNMAPPABLE", element: "Coverage.payor[0]" },
  "hl7-r4/Coverage-7547E.json": { code: "FHIR_UNMAPPABLE", element: "Coverage.class" },
  "hl7-r4/Organization-2.json": { code: "FHIR_UNMAPPABLE", element: "Organization" },
  "hl7-r4/Immunization-example.json": { code: "FHIR_STATUS_REFUSED", element: "Immunization.isSubpotent" },
  "hl7-r4/Immunization-historical.json": { code: "FHIR_UNMAPPABLE", element: "Immunization.occurrenceString" },
  "hl7-r4/Immunization-notGiven.json": { code: "FHIR_STATUS_REFUSED", element: "Immunization.status" },
  // An Australian vaccine code system (urn:oid:1.2.36.1.2001.1005.17), neither CVX nor SNOMED CT.
  "hl7-r4/Immunization-subpotent.json": { code: "FHIR_UNKNOWN_CODE_SYSTEM", element: "Immunization.vaccineCode.coding" },
  // Twinrix (CVX 104): one credential per disease, each with its own dose number (protocolApplied.targetDisease).
  "hl7-r4/Immunization-protocol.json": [
    ["immunization/v1", { vaccineGroup: "hepatitisA", vaccineCode: "http://hl7.org/fhir/sid/cvx|104", occurrenceDate: "2018-06-18", doseNumber: 1 }],
    ["immunization/v1", { vaccineGroup: "hepatitisB", vaccineCode: "http://hl7.org/fhir/sid/cvx|104", occurrenceDate: "2018-06-18", doseNumber: 2 }],
  ],
  // Synthea: the Condition is left out, the Patient maps.
  "synthea/sample-patient-trimmed.json": [["patient-record/v1", { dateOfBirth: "1950-10-24" }]],
  "synthea/eob-contained-coverage.json": { code: "FHIR_UNMAPPABLE", element: "Coverage.payor[0]" },
  // SMART Health Cards' example Bundle: no dose numbers stated.
  "shc/covid-vaccines-bundle.json": [
    ["patient-record/v1", { dateOfBirth: "1951-01-20" }],
    ["immunization/v1", { vaccineGroup: "covid19", vaccineCode: "http://hl7.org/fhir/sid/cvx|207", occurrenceDate: "2021-01-01", doseNumber: 0 }],
    ["immunization/v1", { vaccineGroup: "covid19", vaccineCode: "http://hl7.org/fhir/sid/cvx|207", occurrenceDate: "2021-01-29", doseNumber: 0 }],
    ["immunization/v1", { vaccineGroup: "covid19", vaccineCode: "http://hl7.org/fhir/sid/cvx|229", occurrenceDate: "2022-09-05", doseNumber: 0 }],
  ],
};

describe("published FHIR R4 examples", () => {
  it("every fixture has an expected outcome", () => {
    const files = ["hl7-r4", "synthea", "shc"].flatMap((d) => readdirSync(DIR + d).map((f) => `${d}/${f}`));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: ${Array.isArray(expected) ? "maps" : `refused ${expected.code} at ${expected.element}`}`, () => {
      const result = mapFhir(load(file));
      if (Array.isArray(expected)) {
        expect(result.ok ? attributesOf(result.value) : result.refusal).toEqual(expected);
      } else {
        expect(result.ok ? result.value : { code: result.refusal.code, element: result.refusal.element }).toEqual(expected);
      }
    });
  }

  it("countInBundle numbers a Bundle's unnumbered doses of a group by date; a single resource is never counted", () => {
    const card = load("shc/covid-vaccines-bundle.json");
    // Listed out of date order: the numbers follow the dates, not the entries.
    const entries = card["entry"] as unknown[];
    const shuffled = { ...card, entry: [entries[0], entries[3], entries[1], entries[2]] };
    const counted = mapFhir(shuffled, { doseNumbers: "countInBundle" });
    expect(counted.ok && counted.value.slice(1).map((r) => [r.attributes["occurrenceDate"], r.attributes["doseNumber"]])).toEqual([["2022-09-05", 3], ["2021-01-01", 1], ["2021-01-29", 2]]);
    const single = mapFhir((entries[1] as { resource: unknown }).resource, { doseNumbers: "countInBundle" });
    expect(single.ok && single.value[0]!.attributes["doseNumber"]).toBe(0);
    // A group with a stated number keeps the stated numbers (HL7's Twinrix example in a Bundle).
    const stated = mapFhir({ resourceType: "Bundle", type: "collection", entry: [{ resource: load("hl7-r4/Immunization-protocol.json") }] }, { doseNumbers: "countInBundle" });
    expect(stated.ok && stated.value.map((r) => r.attributes["doseNumber"])).toEqual([1, 2]);
    // The same dose listed twice (a duplicate record) is refused, not counted as two doses.
    const duplicated = mapFhir({ ...card, entry: [...entries, entries[1]] }, { doseNumbers: "countInBundle" });
    expect(duplicated.ok || [duplicated.refusal.code, duplicated.refusal.element]).toEqual(["FHIR_UNMAPPABLE", "Bundle.entry[4].resource.occurrenceDateTime"]);
    // Without counting, the duplicate maps (both doses numbered 0, which no dose-count query accepts).
    expect(mapFhir({ ...card, entry: [...entries, entries[1]] }).ok).toBe(true);
  });

  it("a Bundle resolves the payor's Organization (HL7's Coverage-9876B1 with Organization-2, unmodified)", () => {
    const bundle = { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "http://example.org/fhir/Coverage/9876B1", resource: load("hl7-r4/Coverage-9876B1.json") }, { fullUrl: "http://example.org/fhir/Organization/2", resource: load("hl7-r4/Organization-2.json") }] };
    const result = mapFhir(bundle);
    expect(result.ok && result.value).toEqual([{
      schema: "insurance-coverage/v1",
      attributes: { insurerId: "urn:oid:2.16.840.1.113883.3.19.2.3|666666", memberId: "http://benefitsinc.com/certificate|12345", plan: "B37FC", coverageStart: "2011-05-23", coverageEnd: "2012-05-23" },
      source: { element: "Bundle.entry[0].resource", resource: "Coverage/9876B1", fullUrl: "http://example.org/fhir/Coverage/9876B1" },
    }]);
  });

  it("a Bundle of a Patient and its Immunization maps both; an Immunization of another patient refuses the Bundle", () => {
    const patient = load("hl7-r4/Patient-example.json");
    const immunization = load("hl7-r4/Immunization-protocol.json"); // patient: Patient/example
    const bundle = (imm: unknown) => ({ resourceType: "Bundle", type: "collection", entry: [{ resource: patient }, { resource: imm }] });
    const ok = mapFhir(bundle(immunization));
    expect(ok.ok && ok.value.map((r) => r.schema)).toEqual(["patient-record/v1", "immunization/v1", "immunization/v1"]);
    const other = mapFhir(bundle({ ...immunization, patient: { reference: "Patient/someone-else" } }));
    expect(!other.ok && other.refusal).toMatchObject({ code: "FHIR_UNMAPPABLE", element: "Bundle.entry[1].resource.patient" });
    const two = mapFhir({ resourceType: "Bundle", type: "collection", entry: [{ resource: patient }, { resource: { ...patient, id: "other" } }] });
    expect(!two.ok && two.refusal).toMatchObject({ code: "FHIR_UNMAPPABLE", element: "Bundle.entry[1].resource" });
  });
});
