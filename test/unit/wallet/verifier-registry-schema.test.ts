/**
 * The published JSON Schema of the wallet's verifier registry (docs/schemas/medzk-verifiers-v1.schema.json)
 * and parseVerifierRegistry accept and refuse the same documents, up to the rules the schema's
 * $comment lists (checked here independently): a key listed twice, an origin that is not its own
 * URL serialization, lengths in UTF-16 code units.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateVerifierKey } from "../../../src/verifier/verifier-key.js";
import { parseVerifierRegistry } from "../../../src/wallet/trust.js";
import { type Json, type Path, at, paths, set } from "../../helpers/json-mutation.js";

const schema = JSON.parse(readFileSync("docs/schemas/medzk-verifiers-v1.schema.json", "utf8")) as Record<string, unknown>;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);


const [v1, v2] = [generateVerifierKey().publicKey, generateVerifierKey().publicKey];

function parserAccepts(doc: unknown): boolean {
  try {
    parseVerifierRegistry(doc);
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe("INVALID_REGISTRY");
    return false;
  }
}
const schemaAccepts = (doc: unknown): boolean => validate(doc) === true;

/** The rules beyond the schema ($comment), on a document the schema accepts. */
function beyondSchemaOk(doc: Json): boolean {
  const verifiers = (doc as { verifiers: { publicKey: string; name: string; origins?: string[] }[] }).verifiers;
  const sameOrigin = (o: string) => {
    try {
      return new URL(o).origin === o;
    } catch {
      return false;
    }
  };
  return (
    new Set(verifiers.map((v) => v.publicKey)).size === verifiers.length &&
    verifiers.every((v) => v.name.length <= 128 && (v.origins ?? []).every((o) => o.length <= 256 && sameOrigin(o)))
  );
}

const FULL: Json = {
  format: "medzk-verifiers/v1",
  verifiers: [
    { publicKey: v1, name: "Acme Health", purposes: ["claims", "", "a.b_c-D9"], origins: ["https://verify.acme.example", "http://localhost:8080", "https://[::1]", "https://10.0.0.1:8443"], status: "active" },
    { publicKey: v2, name: "Old partner", status: "suspended" },
  ],
};

const VALID: Json[] = [
  FULL,
  { format: "medzk-verifiers/v1", verifiers: [] },
  { format: "medzk-verifiers/v1", verifiers: [{ publicKey: v1, name: "x".repeat(128), purposes: [], origins: [] }] },
  { format: "medzk-verifiers/v1", verifiers: [{ publicKey: v1, name: "n", purposes: ["p".repeat(64)], origins: ["wss://xn--bcher-kva.example"] }] },
];

const OTHER_TYPES: Json[] = [null, true, 0, 1.5, "", "x", [], {}, [1], { a: 1 }];
const ORIGINS = [
  "https://Verify.acme.example",
  "https://verify.acme.example/",
  "https://verify.acme.example:443",
  "http://localhost:80",
  "https://verify.acme.example/path",
  "https://user@verify.acme.example",
  "https://verify.acme.example?x",
  "https://verify.acme.example#x",
  "HTTPS://verify.acme.example",
  "file:///etc",
  "null",
  "blob:https://a.example",
  "https://bücher.example",
  "https://0x7f.0.0.1",
  "https://127.1",
  "https://a.1",
  "https://[0:0::1]",
  "https://a.example:65536",
  "https://a.example:08080",
  "ftp://files.example",
  "ws://a.example:80",
  "javascript:alert(1)",
  `https://${"a".repeat(250)}.example`,
  "https://a b.example",
];
const PURPOSES = ["claims", "", "a b", "a/b", "é", "p".repeat(65), "p".repeat(64), " claims"];

function mutations(doc: Json): [string, Json][] {
  const out: [string, Json][] = [];
  const name = (path: Path) => path.join(".");
  for (const path of [[], ...paths(doc)]) {
    const node = path.length === 0 ? doc : at(doc, path);
    if (typeof node === "object" && node !== null && !Array.isArray(node)) {
      out.push([`unknown key in ${name(path) || "the root"}`, path.length === 0 ? { ...node, extra: 1 } : set(doc, path, { ...node, extra: 1 })]);
    }
    if (path.length === 0) continue;
    out.push([`${name(path)} removed`, set(doc, path, undefined)]);
    for (const value of OTHER_TYPES) out.push([`${name(path)} = ${JSON.stringify(value)}`, set(doc, path, value)]);
    const last = path[path.length - 1];
    const parent = path[path.length - 2];
    const values =
      last === "publicKey" ? [v1.toUpperCase(), v1.slice(0, 62), `${v1}00`, `0x${v1.slice(2)}`]
      : last === "name" ? ["🏥".repeat(64), "🏥".repeat(65), "x".repeat(129)]
      : last === "status" ? ["Active", "retired", "compromised"]
      : last === "format" ? ["medzk-verifiers/v2", "medzk-issuers/v1"]
      : parent === "origins" ? ORIGINS
      : parent === "purposes" ? PURPOSES
      : [];
    for (const value of values) out.push([`${name(path)} = ${JSON.stringify(value)}`, set(doc, path, value)]);
  }
  out.push(["65 purposes", set(doc, ["verifiers", 0, "purposes"], Array.from({ length: 65 }, (_, i) => `p${i}`))]);
  out.push(["65 origins", set(doc, ["verifiers", 0, "origins"], Array.from({ length: 65 }, (_, i) => `https://o${i}.example`))]);
  out.push(["one key twice", set(doc, ["verifiers", 1, "publicKey"], v1)]);
  return out;
}

describe("medzk-verifiers/v1: JSON Schema and parser", () => {
  it("accept the valid documents", () => {
    for (const doc of VALID) {
      expect(schemaAccepts(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(parserAccepts(doc)).toBe(true);
    }
  });

  it("agree on every mutation, up to the rules beyond the schema", () => {
    const cases = mutations(FULL);
    const disagreements = cases
      .filter(([, doc]) => (schemaAccepts(doc) && beyondSchemaOk(doc)) !== parserAccepts(doc))
      .map(([what, doc]) => `${what}: schema ${schemaAccepts(doc)}, parser ${parserAccepts(doc)}`);
    expect(disagreements).toEqual([]);
    const refused = cases.filter(([, doc]) => !parserAccepts(doc)).length;
    expect(cases.length).toBeGreaterThan(250);
    expect(refused).toBeGreaterThan(cases.length * 0.7);
    expect(refused).toBeLessThan(cases.length);
    // The rules beyond the schema are exercised: the schema accepts these, the parser does not.
    const beyond = cases.filter(([, doc]) => schemaAccepts(doc) && !parserAccepts(doc)).map(([what]) => what);
    expect(beyond).toEqual(expect.arrayContaining(["one key twice", 'verifiers.0.origins.0 = "https://verify.acme.example:443"', 'verifiers.0.name = "🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥🏥"']));
  });

  it("purposes: the pattern is the request's purpose rule (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (purpose) => {
        const doc = set(FULL, ["verifiers", 0, "purposes", 0], purpose);
        return schemaAccepts(doc) === parserAccepts(doc);
      }),
      { numRuns: 1000 },
    );
  });

  it("the schema says which rules it leaves to the parser", () => {
    const note = String(schema["$comment"]);
    for (const words of ["listed twice", "WHATWG URL serialization", "UTF-16 code units"]) expect(note).toContain(words);
  });
});
