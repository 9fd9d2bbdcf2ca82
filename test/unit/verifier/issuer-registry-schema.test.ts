/**
 * The published JSON Schema of the issuer registry file (docs/schemas/medzk-issuers-v1.schema.json)
 * and the strict parser verifiers use (assertIssuerRegistryFile, behind JsonFileIssuerRegistry)
 * accept and refuse the same documents: valid ones, and every mutation of them this test makes
 * (unknown key at each level, each key removed, wrong types, malformed hex, days, instants and
 * field elements). The few rules JSON Schema cannot state (a key on the curve, uniqueness across
 * issuers, validFrom <= validUntil, revocation entries naming known issuers) are listed: the
 * schema accepts those documents and the parser refuses them, as the schema's $comment says.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIELD_ORDER } from "../../../src/core/field.js";
import { tryUnpackPublicKey } from "../../../src/core/public-key.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { assertIssuerRegistryFile } from "../../../src/verifier/issuer-registry.js";
import { type Json, type Path, at, paths, set } from "../../helpers/json-mutation.js";

const schema = JSON.parse(readFileSync("docs/schemas/medzk-issuers-v1.schema.json", "utf8")) as Record<string, unknown>;
// strict: an unknown keyword or a misplaced one is an error in the schema itself, not ignored.
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);


const [k1, k2, k3, k4] = [0, 1, 2, 3].map(() => generateIssuerKey().publicKey) as [string, string, string, string];
const R = FIELD_ORDER.toString();
const R_MINUS_1 = (FIELD_ORDER - 1n).toString();

function parserAccepts(doc: unknown): boolean {
  try {
    assertIssuerRegistryFile(doc);
    return true;
  } catch (error) {
    // Refusals are typed: anything else would be a crash on untrusted input.
    expect((error as { code?: string }).code).toBe("INVALID_REGISTRY");
    return false;
  }
}
const schemaAccepts = (doc: unknown): boolean => validate(doc) === true;

const FULL: Json = {
  format: "medzk-issuers/v1",
  issuers: [
    {
      id: "st-mary",
      name: "St Mary's Hospital",
      keys: [
        { publicKey: k1, validFrom: "2024-02-29", validUntil: "2026-12-31", status: "active" },
        { publicKey: k2, status: "retired" },
        { publicKey: k3, validFrom: "2027-01-01" },
      ],
      schemas: ["patient-record/v1", "insurance/v1"],
    },
    { id: "acme-insurer", keys: [{ publicKey: k4, status: "compromised", validUntil: "2025-06-30" }] },
  ],
  revocation: {
    "st-mary": {
      current: R_MINUS_1,
      previous: [
        { root: "0", replacedAt: "2026-01-31T12:00:00Z" },
        { root: "123456789", replacedAt: "2026-01-30T23:59:59.9Z" },
        { root: "9".repeat(76), replacedAt: "2000-02-29T00:00:00.000Z" },
      ],
    },
    "acme-insurer": { current: "1" },
  },
};

const VALID: Json[] = [
  FULL,
  { format: "medzk-issuers/v1", issuers: [] },
  { format: "medzk-issuers/v1", issuers: [], revocation: {} },
  { format: "medzk-issuers/v1", issuers: [{ id: "x", name: "", keys: [{ publicKey: k1 }] }], revocation: { x: { current: "0", previous: [] } } },
  // Lengths are code points (JSON Schema's unit): 128 astral characters are 256 UTF-16 units.
  { format: "medzk-issuers/v1", issuers: [{ id: "🏥".repeat(128), keys: [{ publicKey: k1 }], schemas: ["s".repeat(128)] }] },
  { format: "medzk-issuers/v1", issuers: [{ id: "a".repeat(128), keys: [{ publicKey: k1, validFrom: "2026-03-01", validUntil: "2026-03-01" }] }] },
  { format: "medzk-issuers/v1", issuers: [{ id: "y", keys: [{ publicKey: k2, validFrom: "0001-01-01", validUntil: "9999-12-31" }] }] },
  { format: "medzk-issuers/v1", issuers: [{ id: "z", keys: [{ publicKey: k2 }] }], revocation: { z: { current: "5", previous: [{ root: "5", replacedAt: "2026-01-01T00:00:00.1Z" }, { root: "5", replacedAt: "2025-01-01T00:00:00.12Z" }] } } },
];

/** Rules JSON Schema cannot state: the schema accepts these, the parser refuses them. */
const BEYOND_SCHEMA: Record<string, Json> = {
  "a 64-hex public key that is no point of the subgroup": withIssuers([{ id: "x", keys: [{ publicKey: "00".repeat(32) }] }]),
  "a 64-hex public key whose y is not below p": withIssuers([{ id: "x", keys: [{ publicKey: "ff".repeat(32) }] }]),
  "one key twice in an issuer (with other properties)": withIssuers([{ id: "x", keys: [{ publicKey: k1 }, { publicKey: k1, status: "retired" }] }]),
  "one key in two issuers": withIssuers([{ id: "x", keys: [{ publicKey: k1 }] }, { id: "y", keys: [{ publicKey: k1 }] }]),
  "two issuers with one id": withIssuers([{ id: "x", keys: [{ publicKey: k1 }] }, { id: "x", keys: [{ publicKey: k2 }] }]),
  "validFrom after validUntil": withIssuers([{ id: "x", keys: [{ publicKey: k1, validFrom: "2026-03-02", validUntil: "2026-03-01" }] }]),
  "revocation roots for an id no issuer has": { format: "medzk-issuers/v1", issuers: [{ id: "x", keys: [{ publicKey: k1 }] }], revocation: { y: { current: "1" } } },
};

/**
 * The rules beyond the schema, checked independently on a document the schema accepts: the
 * parser must accept exactly the documents that pass the schema and these.
 */
function beyondSchemaOk(doc: Json): boolean {
  const file = doc as { issuers: { id: string; keys: { publicKey: string; validFrom?: string; validUntil?: string }[] }[]; revocation?: Record<string, unknown> };
  const keys = file.issuers.flatMap((issuer) => issuer.keys);
  const ids = file.issuers.map((issuer) => issuer.id);
  return (
    keys.every((key) => tryUnpackPublicKey(key.publicKey) !== undefined) &&
    new Set(keys.map((key) => key.publicKey)).size === keys.length &&
    new Set(ids).size === ids.length &&
    // Days "YYYY-MM-DD" of four-digit years order as strings.
    keys.every((key) => key.validFrom === undefined || key.validUntil === undefined || key.validFrom <= key.validUntil) &&
    Object.keys(file.revocation ?? {}).every((id) => ids.includes(id))
  );
}

function withIssuers(issuers: Json[]): Json {
  return { format: "medzk-issuers/v1", issuers };
}

const OTHER_TYPES: Json[] = [null, true, false, 0, 1, -1, 1.5, "", "x", [], {}, [1], { a: 1 }];
const BAD_HEX = [k1.toUpperCase(), k1.slice(0, 63), `${k1}0`, `0x${k1.slice(2)}`, ` ${k1.slice(1)}`, `${k1.slice(0, 63)}g`, "", k1.slice(0, 62)];
const BAD_DAYS = ["2027-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01", "26-01-01", "2026-1-01", "2026-01-1", "2026/01/01", " 2026-01-01", "2026-01-01 ", "2026-01-01T00:00:00Z", "20260101", "１９９０-01-01", "+02026-01-01"];
const GOOD_DAYS = ["2000-02-29", "2400-02-29", "1996-02-29", "0004-02-29", "2026-12-31", "2026-04-30"];
const BAD_INSTANTS = [
  "2026-01-31T12:00:00+00:00",
  "2026-01-31T12:00:00+01:00",
  "2026-01-31T12:00:00z",
  "2026-01-31t12:00:00Z",
  "2026-01-31 12:00:00Z",
  "2026-01-31T24:00:00Z",
  "2026-01-31T12:60:00Z",
  "2026-01-31T12:00:60Z",
  "2026-01-31T12:00:00.1234Z",
  "2026-01-31T12:00:00.Z",
  "2026-01-31T12:00Z",
  "2026-02-30T12:00:00Z",
  "2026-01-31T12:00:00",
  "2026-01-31",
  "1769860800000",
];
const BAD_FIELD = [R, (FIELD_ORDER + 1n).toString(), "9".repeat(77), "1".repeat(78), "01", "00", "-1", "+1", "1e3", "0x1", " 1", "1 ", "1.0", "", "١"];
const GOOD_FIELD = ["0", "1", R_MINUS_1, (FIELD_ORDER - 10n).toString(), "9".repeat(76), `1${"0".repeat(76)}`, `21888242871839275222246405745257275088548364400416034343698204186575808495616`];

/** Mutations of a valid document: [what, document]. */
function mutations(doc: Json): [string, Json][] {
  const out: [string, Json][] = [];
  const name = (path: Path) => path.join(".");
  for (const path of [[], ...paths(doc)]) {
    const node = path.length === 0 ? doc : at(doc, path);
    if (typeof node === "object" && node !== null && !Array.isArray(node)) {
      // The revocation map's keys are issuer ids: an unknown one is a rule beyond the schema (above).
      if (name(path) !== "revocation") out.push([`unknown key in ${name(path) || "the root"}`, path.length === 0 ? { ...(node as object), extra: 1 } : set(doc, path, { ...node, extra: 1 })]);
      out.push([`"__proto__" key in ${name(path) || "the root"}`, path.length === 0 ? JSON.parse(JSON.stringify(node).replace(/^\{/, '{"__proto__":1,')) : set(doc, path, JSON.parse(JSON.stringify(node).replace(/^\{/, '{"__proto__":1,')))]);
    }
    if (path.length === 0) continue;
    out.push([`${name(path)} removed`, set(doc, path, undefined)]);
    for (const value of OTHER_TYPES) out.push([`${name(path)} = ${JSON.stringify(value)}`, set(doc, path, value)]);
    const last = path[path.length - 1];
    const values =
      last === "publicKey" ? BAD_HEX
      : last === "validFrom" || last === "validUntil" ? [...BAD_DAYS, ...GOOD_DAYS]
      : last === "replacedAt" ? [...BAD_INSTANTS, "2026-01-31T12:00:00.000Z", "2024-02-29T23:59:59Z"]
      : last === "current" || last === "root" ? [...BAD_FIELD, ...GOOD_FIELD]
      : last === "status" ? ["Active", "revoked", "suspended", " active", "compromised"]
      : last === "format" ? ["medzk-issuers/v2", "MEDZK-ISSUERS/V1", "medzk-issuers/v1 ", "medzk-verifiers/v1"]
      : last === "id" ? ["a".repeat(129), "🏥".repeat(129), "🏥".repeat(128)]
      : [];
    for (const value of values) out.push([`${name(path)} = ${JSON.stringify(value)}`, set(doc, path, value)]);
  }
  // Arrays that must not be empty, and duplicates the schema can see.
  out.push(["no keys", set(doc, ["issuers", 0, "keys"], [])]);
  out.push(["no schemas", set(doc, ["issuers", 0, "schemas"], [])]);
  out.push(["a schema twice", set(doc, ["issuers", 0, "schemas"], ["patient-record/v1", "patient-record/v1"])]);
  out.push(["a schema id of 129 characters", set(doc, ["issuers", 0, "schemas"], ["s".repeat(129)])]);
  out.push(["an empty schema id", set(doc, ["issuers", 0, "schemas"], [""])]);
  out.push(["one key entry twice", set(doc, ["issuers", 0, "keys"], [{ publicKey: k1 }, { publicKey: k1 }])]);
  out.push(["revocation for an empty id", set(doc, ["revocation"], { "": { current: "1" } })]);
  out.push(["issuers not an array but an object", set(doc, ["issuers"], { 0: at(doc, ["issuers", 0]) })]);
  return out;
}

describe("medzk-issuers/v1: JSON Schema and parser", () => {
  it("accept the valid documents", () => {
    for (const doc of VALID) {
      expect(schemaAccepts(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(parserAccepts(doc)).toBe(true);
    }
  });

  it("refuse and accept the same mutations of a full document", () => {
    const cases = mutations(FULL);
    const disagreements = cases
      .filter(([, doc]) => (schemaAccepts(doc) && beyondSchemaOk(doc)) !== parserAccepts(doc))
      .map(([what, doc]) => `${what}: schema ${schemaAccepts(doc)}, parser ${parserAccepts(doc)}`);
    expect(disagreements).toEqual([]);
    // Where they differ, it is for a rule beyond the schema (e.g. an issuer renamed away from its revocation entry).
    const beyond = cases.filter(([, doc]) => schemaAccepts(doc) && !parserAccepts(doc)).map(([what]) => what);
    expect(beyond).toContain("issuers.1 removed");
    expect(beyond).toContain('issuers.0.keys.0.validUntil = "2000-02-29"');
    // The test has teeth: most mutations are refused, and some (good days, roots, statuses) accepted.
    const refused = cases.filter(([, doc]) => !parserAccepts(doc)).length;
    expect(cases.length).toBeGreaterThan(900);
    expect(refused).toBeGreaterThan(cases.length * 0.8);
    expect(refused).toBeLessThan(cases.length);
  });

  it("refuse each required key removed and an unknown key at each level", () => {
    const refusedBoth = (doc: Json) => !schemaAccepts(doc) && !parserAccepts(doc);
    for (const path of [["format"], ["issuers"], ["issuers", 0, "id"], ["issuers", 0, "keys"], ["issuers", 0, "keys", 0, "publicKey"], ["revocation", "st-mary", "current"], ["revocation", "st-mary", "previous", 0, "root"], ["revocation", "st-mary", "previous", 0, "replacedAt"]]) {
      expect(refusedBoth(set(FULL, path, undefined)), path.join(".")).toBe(true);
    }
    for (const path of [["issuers", 0], ["issuers", 0, "keys", 0], ["revocation", "st-mary"], ["revocation", "st-mary", "previous", 0]]) {
      expect(refusedBoth(set(FULL, path, { ...(at(FULL, path) as object), validUntill: "2026-01-01" })), path.join(".")).toBe(true);
    }
    expect(refusedBoth({ ...(FULL as object), revocations: {} })).toBe(true);
  });

  it("days, instants and field elements: the patterns are the parser's rules (property)", () => {
    const digits = (n: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: n, maxLength: n });
    const dayLike = fc.tuple(digits(4), digits(2), digits(2)).map(([y, m, d]) => `${y}-${m}-${d}`);
    const nearDay = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    fc.assert(
      fc.property(fc.oneof(dayLike, nearDay), (day) => {
        const doc = set(FULL, ["issuers", 0, "keys", 2, "validFrom"], day);
        return schemaAccepts(doc) === parserAccepts(doc);
      }),
      { numRuns: 1500 },
    );
    const time = fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom("", ".1", ".12", ".123", ".1234"));
    fc.assert(
      fc.property(nearDay, time, (day, [h, m, s, frac]) => {
        const instant = `${day}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${frac}Z`;
        const doc = set(FULL, ["revocation", "st-mary", "previous", 0, "replacedAt"], instant);
        return schemaAccepts(doc) === parserAccepts(doc);
      }),
      { numRuns: 1500 },
    );
    // Around the field order, where a regex for "below r" would go wrong, and anywhere below it.
    const nearR = fc.bigInt({ min: -5n, max: 5n }).map((d) => (FIELD_ORDER + d).toString());
    const anyBig = fc.bigInt({ min: 0n, max: 10n ** 78n }).map(String);
    const prefixOfR = fc.tuple(fc.integer({ min: 1, max: 76 }), fc.integer({ min: 0, max: 9 })).map(([i, d]) => `${R.slice(0, i)}${d}${"9".repeat(76 - i)}`);
    fc.assert(
      fc.property(fc.oneof(nearR, anyBig, prefixOfR), (root) => {
        const doc = set(FULL, ["revocation", "acme-insurer", "current"], root);
        return schemaAccepts(doc) === parserAccepts(doc);
      }),
      { numRuns: 3000 },
    );
  });

  it("leave to the parser only the rules JSON Schema cannot state, and the schema says which", () => {
    expect(tryUnpackPublicKey("00".repeat(32))).toBeUndefined();
    for (const [what, doc] of Object.entries(BEYOND_SCHEMA)) {
      expect(schemaAccepts(doc), what).toBe(true);
      expect(beyondSchemaOk(doc), what).toBe(false);
      expect(parserAccepts(doc), what).toBe(false);
    }
    const note = String(schema["$comment"]);
    for (const words of ["BabyJubJub point", "listed twice", "one id", "validFrom after validUntil", "no issuer has"]) expect(note).toContain(words);
  });
});
