/**
 * Malformed and unmappable variants of the HL7 R4 examples, each refused with its code and the
 * element named (docs/fhir.md "Refusals"); and the date rule on the variants that map.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapFhir } from "../../../src/fhir/mapping.js";
import { parseFhir } from "../../../src/fhir/parse.js";

const load = (file: string): Record<string, any> => JSON.parse(readFileSync(`test/fixtures/fhir/hl7-r4/${file}`, "utf8"));
const PATIENT = load("Patient-example.json");
const IMMUNIZATION = load("Immunization-protocol.json");
const COVERAGE = { ...load("Coverage-9876B1.json"), payor: [{ identifier: { system: "urn:oid:2.16.840.1.113883.3.19.2.3", value: "666666" } }] };

/** An Identifier whose assigner's identifier has an assigner… `levels` deep (valid JSON, hostile). */
function nested(levels: number): Record<string, unknown> {
  let identifier: Record<string, unknown> = { value: "x" };
  for (let i = 0; i < levels; i++) identifier = { assigner: { identifier } };
  return identifier;
}

/** [name, input, code, element] */
const VARIANTS: Array<[string, unknown, string, string]> = [
  ["not an object", "Patient", "FHIR_MALFORMED", "(root)"],
  ["unknown resource type", { resourceType: "Observation", status: "final" }, "FHIR_MALFORMED", "Observation.resourceType"],
  ["unknown key", { ...PATIENT, favouriteColour: "blue" }, "FHIR_MALFORMED", "Patient.favouriteColour"],
  ["unknown key deep", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "104", colour: "x" }] } }, "FHIR_MALFORMED", "Immunization.vaccineCode.coding[0].colour"],
  ["R5 element", { ...COVERAGE, kind: "insurance" }, "FHIR_MALFORMED", "Coverage.kind"],
  ["wrong type: boolean as string", { ...PATIENT, active: "true" }, "FHIR_MALFORMED", "Patient.active"],
  ["wrong type: object for array", { ...PATIENT, identifier: PATIENT["identifier"][0] }, "FHIR_MALFORMED", "Patient.identifier"],
  ["wrong type: dose number as string", { ...IMMUNIZATION, protocolApplied: [{ doseNumberPositiveInt: "1" }] }, "FHIR_MALFORMED", "Immunization.protocolApplied[0].doseNumberPositiveInt"],
  ["dose number 0", { ...IMMUNIZATION, protocolApplied: [{ doseNumberPositiveInt: 0 }] }, "FHIR_MALFORMED", "Immunization.protocolApplied[0].doseNumberPositiveInt"],
  ["empty array", { ...PATIENT, name: [] }, "FHIR_MALFORMED", "Patient.name"],
  ["empty string", { ...PATIENT, gender: "" }, "FHIR_MALFORMED", "Patient.gender"],
  ["missing required element", (({ status: _s, ...rest }) => rest)(IMMUNIZATION), "FHIR_MALFORMED", "Immunization.status"],
  ["missing choice", (({ occurrenceDateTime: _o, ...rest }) => rest)(IMMUNIZATION), "FHIR_MALFORMED", "Immunization.occurrence[x]"],
  ["two choice types", { ...IMMUNIZATION, occurrenceString: "June 2018" }, "FHIR_MALFORMED", "Immunization.occurrenceString"],
  ["bad date lexical", { ...PATIENT, birthDate: "25/12/1974" }, "FHIR_MALFORMED", "Patient.birthDate"],
  ["calendar-invalid date", { ...PATIENT, birthDate: "1974-02-30" }, "FHIR_MALFORMED", "Patient.birthDate"],
  ["dateTime without zone", { ...IMMUNIZATION, occurrenceDateTime: "2018-06-18T10:00:00" }, "FHIR_MALFORMED", "Immunization.occurrenceDateTime"],
  ["primitive extension of a complex element", { ...PATIENT, _maritalStatus: {} }, "FHIR_MALFORMED", "Patient._maritalStatus"],
  ["partial date: year", { ...PATIENT, birthDate: "1974" }, "FHIR_PARTIAL_DATE", "Patient.birthDate"],
  ["partial date: year-month", { ...IMMUNIZATION, occurrenceDateTime: "2018-06" }, "FHIR_PARTIAL_DATE", "Immunization.occurrenceDateTime"],
  ["partial coverage start", { ...COVERAGE, period: { start: "2011" } }, "FHIR_PARTIAL_DATE", "Coverage.period.start"],
  ["entered-in-error immunization", { ...IMMUNIZATION, status: "entered-in-error" }, "FHIR_STATUS_REFUSED", "Immunization.status"],
  ["not-done immunization", { ...IMMUNIZATION, status: "not-done" }, "FHIR_STATUS_REFUSED", "Immunization.status"],
  ["subpotent dose", { ...IMMUNIZATION, isSubpotent: true }, "FHIR_STATUS_REFUSED", "Immunization.isSubpotent"],
  ["cancelled coverage", { ...COVERAGE, status: "cancelled" }, "FHIR_STATUS_REFUSED", "Coverage.status"],
  ["entered-in-error coverage", { ...COVERAGE, status: "entered-in-error" }, "FHIR_STATUS_REFUSED", "Coverage.status"],
  ["draft coverage", { ...COVERAGE, status: "draft" }, "FHIR_STATUS_REFUSED", "Coverage.status"],
  ["unknown code system", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://www.whocc.no/atc", code: "J07BC20" }] } }, "FHIR_UNKNOWN_CODE_SYSTEM", "Immunization.vaccineCode.coding"],
  ["unknown CVX code", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "999" }] } }, "FHIR_UNKNOWN_CODE", "Immunization.vaccineCode.coding[0].code"],
  ["text-only vaccine", { ...IMMUNIZATION, vaccineCode: { text: "Twinrix" } }, "FHIR_UNMAPPABLE", "Immunization.vaccineCode.coding"],
  ["codings disagree", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "104" }, { system: "http://hl7.org/fhir/sid/cvx", code: "03" }] } }, "FHIR_UNMAPPABLE", "Immunization.vaccineCode.coding[1]"],
  ["dose number as text", { ...IMMUNIZATION, protocolApplied: [{ doseNumberString: "first" }] }, "FHIR_UNMAPPABLE", "Immunization.protocolApplied[0].doseNumberString"],
  ["two dose numbers for one disease", { ...IMMUNIZATION, protocolApplied: [{ doseNumberPositiveInt: 1 }, { doseNumberPositiveInt: 2 }] }, "FHIR_UNMAPPABLE", "Immunization.protocolApplied"],
  ["modifier extension", { ...IMMUNIZATION, modifierExtension: [{ url: "http://example.org/not-really", valueBoolean: true }] }, "FHIR_UNMAPPABLE", "Immunization.modifierExtension"],
  ["implicit rules", { ...PATIENT, implicitRules: "http://example.org/rules" }, "FHIR_UNMAPPABLE", "Patient.implicitRules"],
  ["two payors", { ...COVERAGE, payor: [...COVERAGE["payor"], ...COVERAGE["payor"]] }, "FHIR_UNMAPPABLE", "Coverage.payor"],
  ["payor identifier without system", { ...COVERAGE, payor: [{ identifier: { value: "666666" } }] }, "FHIR_UNMAPPABLE", "Coverage.payor[0].identifier"],
  ["history bundle", { resourceType: "Bundle", type: "history", entry: [{ resource: PATIENT }] }, "FHIR_UNMAPPABLE", "Bundle.type"],
  ["bundle entry malformed", { resourceType: "Bundle", type: "collection", entry: [{ resource: { ...PATIENT, active: 1 } }] }, "FHIR_MALFORMED", "Bundle.entry[0].resource.active"],
  // Review (crossed axes): names of Object.prototype are no elements, codes or diseases; a Bundle
  // without a Patient entry still names one patient; hostile nesting is refused, not a stack overflow.
  ["Object.prototype name as element", { ...PATIENT, constructor: { a: 1 } }, "FHIR_MALFORMED", "Patient.constructor"],
  ["Object.prototype name deep", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "104", toString: { a: 1 } }] } }, "FHIR_MALFORMED", "Immunization.vaccineCode.coding[0].toString"],
  ["Object.prototype name as vaccine code", { ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "constructor" }] } }, "FHIR_UNKNOWN_CODE", "Immunization.vaccineCode.coding[0].code"],
  ["two patients by reference, no Patient entry", { resourceType: "Bundle", type: "collection", entry: [{ resource: { ...IMMUNIZATION, patient: { reference: "Patient/a" } } }, { resource: { ...IMMUNIZATION, patient: { reference: "Patient/b" } } }] }, "FHIR_UNMAPPABLE", "Bundle.entry[1].resource.patient"],
  ["coverage of another patient, no Patient entry", { resourceType: "Bundle", type: "collection", entry: [{ resource: { ...IMMUNIZATION, patient: { reference: "Patient/a" } } }, { resource: { ...COVERAGE, beneficiary: { reference: "Patient/b" } } }] }, "FHIR_UNMAPPABLE", "Bundle.entry[1].resource.beneficiary"],
  ["identifier nested past the depth bound", { ...PATIENT, identifier: [nested(5000)] }, "FHIR_MALFORMED", `Patient.identifier[0]${".assigner.identifier".repeat(16)}`],
  ["bundle with nothing to map", { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "Observation" } }] }, "FHIR_UNMAPPABLE", "Bundle.entry"],
];

describe("FHIR refusals", () => {
  it.each(VARIANTS)("%s: refused", (_name, input, code, element) => {
    const result = mapFhir(input);
    expect(result.ok ? result.value : { code: result.refusal.code, element: result.refusal.element }).toEqual({ code, element });
  });

  it("the date rule: a dateTime with a time is the UTC day of that instant", () => {
    const day = (occurrenceDateTime: string) => {
      const r = mapFhir({ ...IMMUNIZATION, occurrenceDateTime });
      return r.ok ? r.value[0]!.attributes["occurrenceDate"] : r.refusal.code;
    };
    expect(day("2018-06-18")).toBe("2018-06-18");
    expect(day("2018-06-18T23:30:00-05:00")).toBe("2018-06-19");
    expect(day("2018-06-18T00:30:00+02:00")).toBe("2018-06-17");
    expect(day("2018-06-18T12:00:00Z")).toBe("2018-06-18");
  });

  it("an ongoing coverage (no period.end) ends on 9999-12-31; its member id falls back to the identifier", () => {
    const r = mapFhir({ ...COVERAGE, period: { start: "2011-05-23" } });
    expect(r.ok && r.value[0]!.attributes).toMatchObject({ coverageEnd: "9999-12-31", memberId: "http://benefitsinc.com/certificate|12345" });
  });

  it("a dose without targetDisease counts for every group of the vaccine (MMR)", () => {
    const r = mapFhir({ ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "03" }] }, protocolApplied: [{ doseNumberPositiveInt: 2 }] });
    expect(r.ok && r.value.map((x) => [x.attributes["vaccineGroup"], x.attributes["doseNumber"]])).toEqual([["measles", 2], ["mumps", 2], ["rubella", 2]]);
  });

  it("the same patient by the same reference in a Bundle without a Patient entry maps", () => {
    const r = mapFhir({ resourceType: "Bundle", type: "collection", entry: [{ resource: IMMUNIZATION }, { resource: { ...IMMUNIZATION, id: "second" } }] });
    expect(r.ok && r.value.length).toBe(4); // two doses of CVX 104 (hepatitis A and B)
  });

  it("a value nested too deep to print is still refused with its element", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = mapFhir({ ...PATIENT, birthDate: deep });
    expect(r.ok || [r.refusal.code, r.refusal.element]).toEqual(["FHIR_MALFORMED", "Patient.birthDate"]);
  });

  it("never throws on any JSON input", () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      expect(typeof parseFhir(json).ok).toBe("boolean");
      expect(typeof mapFhir({ ...IMMUNIZATION, protocolApplied: json }).ok).toBe("boolean");
      expect(typeof mapFhir({ ...PATIENT, birthDate: json }).ok).toBe("boolean");
    }), { numRuns: 100 });
    // Keys that name Object.prototype members, beside real element names, anywhere in a resource.
    const key = fc.constantFrom("constructor", "toString", "__proto__", "_constructor", "valueOf", "hasOwnProperty", "coding", "code", "system", "identifier", "patient");
    const value = fc.letrec((tie) => ({ v: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 1 }), fc.dictionary(key, tie("v"), { maxKeys: 3 }), fc.array(tie("v"), { maxLength: 2 })) })).v;
    fc.assert(fc.property(fc.dictionary(key, value, { maxKeys: 4 }), value, (extra, code) => {
      expect(typeof mapFhir({ ...IMMUNIZATION, ...extra }).ok).toBe("boolean");
      expect(typeof mapFhir({ ...IMMUNIZATION, vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code }] } }).ok).toBe("boolean");
      expect(typeof mapFhir({ resourceType: "Bundle", type: "collection", entry: [{ resource: { ...PATIENT, ...extra } }] }).ok).toBe("boolean");
    }), { numRuns: 100 });
  });
});
