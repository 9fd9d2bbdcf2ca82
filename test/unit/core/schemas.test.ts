import { describe, expect, it } from "vitest";
import { BUILTIN_SCHEMAS, defineSchema, resolveSchema } from "../../../src/core/schemas.js";
import { codeOf } from "../../helpers/errors.js";


const lab = {
  id: "lab/v1",
  attributes: [
    { name: "taken", type: "date" },
    { name: "hba1c", type: "integer", bits: 16 },
    { name: "unit", type: "enum", values: ["mmol", "pct"] },
  ],
  rules: [{ attribute: "taken", notAfter: "$issuedAt" }],
};

describe("schema definitions (INVALID_SCHEMA)", () => {
  it("normalise a valid definition and keep the built-ins as they are", () => {
    expect(defineSchema(JSON.parse(JSON.stringify(lab)))).toEqual(lab);
    for (const schema of Object.values(BUILTIN_SCHEMAS)) expect(defineSchema(schema)).toEqual(schema);
  });

  it("refuse an unknown key at each level instead of dropping it", () => {
    for (const bad of [
      { ...lab, description: "x" },
      { ...lab, attributes: [{ ...lab.attributes[0], note: "x" }] },
      { ...lab, attributes: [{ name: "taken", type: "date", bits: 8 }] },
      { ...lab, attributes: [{ name: "unit", type: "enum", values: ["a"], bits: 1 }] },
      { ...lab, rules: [{ ...lab.rules[0], strict: true }] },
    ]) {
      expect(codeOf(() => defineSchema(bad)), JSON.stringify(bad)).toBe("INVALID_SCHEMA");
    }
  });

  it("refuse each missing key and wrong types without crashing", () => {
    for (const bad of [
      { attributes: lab.attributes }, { id: "x" }, { ...lab, rules: [{ attribute: "taken" }] }, { ...lab, rules: {} },
      { ...lab, attributes: [{ name: "x", type: "constructor" }] }, { ...lab, attributes: [{ name: "x", type: "__proto__" }] },
      { ...lab, attributes: [null] }, { ...lab, attributes: [{ type: "date" }] }, null, [], "lab/v1x",
    ]) {
      expect(codeOf(() => defineSchema(bad)), JSON.stringify(bad)).toBe("INVALID_SCHEMA");
    }
    expect(codeOf(() => resolveSchema("no-such/v1"))).toBe("UNKNOWN_SCHEMA");
  });
});
