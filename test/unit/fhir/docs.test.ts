/** docs/fhir.md's mapping table is FHIR_MAPPINGS, row for row; every vaccine group has codes. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { VACCINE_GROUPS } from "../../../src/core/schemas.js";
import { FHIR_MAPPINGS } from "../../../src/fhir/mapping.js";
import { TARGET_DISEASES, VACCINE_CODES } from "../../../src/fhir/vaccine-codes.js";

it("docs/fhir.md prints the mapping table the code reads", () => {
  const docs = readFileSync("docs/fhir.md", "utf8");
  const table = docs.slice(docs.indexOf("<!-- mapping-table -->"), docs.indexOf("<!-- /mapping-table -->"));
  const rows = table.split("\n").filter((l) => l.startsWith("| `"))
    .map((l) => l.slice(2, -2).split(" | ").map((c) => c.replace(/^`|`$/g, "").replaceAll("\\|", "|")));
  expect(rows).toEqual(FHIR_MAPPINGS.map((m) => [m.schema, m.attribute, m.element, m.rule]));
});

it("every vaccine group has a vaccine code and a target disease; every code's groups are groups", () => {
  const coded = new Set(Object.values(VACCINE_CODES).flatMap((codes) => Object.values(codes).flatMap((c) => c.groups)));
  const hibless = VACCINE_GROUPS.filter((g) => g !== "hib");
  expect([...coded].sort()).toEqual([...VACCINE_GROUPS].sort());
  // Hib has no target disease in the table: a Hib dose's number comes from entries without targetDisease.
  expect([...new Set(Object.values(TARGET_DISEASES))].sort()).toEqual([...hibless].sort());
});
