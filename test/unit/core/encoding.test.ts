import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FIELD_ORDER, hashToField, parseCanonical } from "../../../src/core/field.js";
import { BUILTIN_SCHEMAS, encodeString, schemaIdField } from "../../../src/core/schemas.js";
import { scopeField } from "../../../src/core/request.js";

describe("field encoding", () => {
  it("accepts only canonical decimal strings below the field order", () => {
    expect(parseCanonical("0")).toBe(0n);
    expect(parseCanonical("123")).toBe(123n);
    expect(parseCanonical((FIELD_ORDER - 1n).toString())).toBe(FIELD_ORDER - 1n);
    for (const bad of [FIELD_ORDER.toString(), (FIELD_ORDER + 5n).toString(), "00", "01", "-1", "+1", "0x10", "1e3", "1.0", " 1", "1 ", "", "９", 1, 1n, null, undefined, ["1"], "9".repeat(78)]) {
      expect(parseCanonical(bad), String(bad)).toBeUndefined();
    }
  });

  it("hashes strings into the field with domain separation", () => {
    const a = hashToField("string", "acme-health");
    expect(a).toBeLessThan(2n ** 248n);
    expect(a).not.toBe(hashToField("scope", "acme-health"));
    expect(encodeString("acme-health")).toBe(a);
    expect(scopeField("acme-health")).toBe(hashToField("scope", "acme-health"));
    // Known-answer vector, so an accidental change of the encoding (which would orphan every
    // issued credential) fails loudly.
    expect(encodeString("acme-health").toString()).toMatchInlineSnapshot(`"211234500684506762563304395659870881513765990883257480890777977853993058880"`);
  });

  it("the schema ids compiled into the circuits are the ones the library computes", () => {
    const pinned = (circuit: string) => String(JSON.parse(readFileSync("circuits/circuits.json", "utf8")).circuits[circuit].params.SCHEMA_ID);
    expect(pinned("age_at_least")).toBe(schemaIdField(BUILTIN_SCHEMAS["patient-record/v1"]!).toString());
    expect(pinned("insurance_active")).toBe(schemaIdField(BUILTIN_SCHEMAS["insurance-coverage/v1"]!).toString());
    // immunization/v1 has no circuit of its own: the query circuit takes its id as a public signal.
    expect(Object.keys(BUILTIN_SCHEMAS)).toEqual(["patient-record/v1", "insurance-coverage/v1", "immunization/v1"]);
  });
});
