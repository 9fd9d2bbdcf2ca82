/**
 * Property tests (fast-check):
 * - every attribute value the encoder accepts is accepted by the circuit (the query circuit's
 *   witness computes, with every in-circuit assertion checked, and discloses the encoding);
 * - every mutation of a valid presentation is refused by `verify`, which never throws.
 */
import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { buildCircuitInput, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "../../src/index.js";
import type { Presentation } from "../../src/index.js";
import { type AttributeValue, defineSchema, encodeValue } from "../../src/core/schemas.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const SCHEMA = defineSchema({
  id: "property/v1",
  attributes: [
    { name: "d", type: "date" },
    { name: "i64", type: "integer", bits: 64 },
    { name: "i1", type: "integer", bits: 1 },
    { name: "i33", type: "integer", bits: 33 },
    { name: "b", type: "boolean" },
    { name: "e", type: "enum", values: ["alpha", "beta", "γάμμα", ""].filter(Boolean) },
    { name: "s", type: "string" },
    { name: "d2", type: "date" },
  ],
});

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dateArb = fc
  .record({ y: fc.integer({ min: 1, max: 9999 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) })
  .map(({ y, m, d }) => {
    const max = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
    return `${pad(y, 4)}-${pad(m, 2)}-${pad(Math.min(d, max), 2)}`;
  });
const intArb = (bits: number) =>
  fc.oneof(fc.constantFrom(0n, (1n << BigInt(bits)) - 1n), fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n })).map((n) =>
    n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString(),
  );
const attributesArb = fc.record({
  d: dateArb,
  i64: intArb(64),
  i1: intArb(1),
  i33: intArb(33),
  b: fc.boolean(),
  e: fc.constantFrom("alpha", "beta", "γάμμα"),
  s: fc.string({ minLength: 1, maxLength: 300, unit: "grapheme" }),
  d2: dateArb,
});

describe("the circuit accepts whatever the encoder accepts", () => {
  let calculator: { calculateWitness(input: unknown, sanityCheck: boolean): Promise<bigint[]> };
  beforeAll(async () => {
    calculator = await WitnessCalculatorBuilder(await readFile("artifacts/query.wasm"));
  });

  it("computes the witness and discloses the encodings for random valid attributes", async () => {
    const issuer = generateIssuerKey();
    const holder = createHolder();
    const verifier = createVerifier({ trustedIssuers: [issuer.publicKey], schemas: [SCHEMA], key: generateVerifierKey(), clock: () => NOW });
    const names = SCHEMA.attributes.map((a) => a.name);
    await fc.assert(
      fc.asyncProperty(attributesArb, fc.nat(7), fc.nat(7), async (attributes, eq, disclose) => {
        const credential = await issueCredential(issuer, { schema: SCHEMA, holderCommitment: holder.commitment, attributes, clock: () => NOW });
        const name = names[eq]!;
        const shown = [names[disclose]!, names[(disclose + 1) % 8]!];
        const request = verifier.createRequest({
          statement: { type: "query", schema: SCHEMA.id, where: [{ attribute: name, op: "EQ", value: credential.attributes[name]! }], disclose: shown },
        });
        const { input } = await buildCircuitInput({ credential, holder, request, clock: () => NOW, allowDisclosure: shown });
        const witness = await calculator.calculateWitness(input, true);
        // Wires 1..3 are the outputs: nullifier, disclosed[0], disclosed[1].
        shown.forEach((n, k) => {
          const attribute = SCHEMA.attributes.find((a) => a.name === n)!;
          expect(witness[2 + k]).toBe(encodeValue(attribute, credential.attributes[n] as AttributeValue).field);
        });
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});

describe("verify refuses every mutation of a valid presentation and never throws", () => {
  const issuer = generateIssuerKey();
  const holder = createHolder();
  const verifierKey = generateVerifierKey();
  const fresh = () => createVerifier({ trustedIssuers: [issuer.publicKey], key: verifierKey, clock: () => NOW });
  let base: Presentation;

  beforeAll(async () => {
    const credential = await issueCredential(issuer, { schema: "patient-record/v1", holderCommitment: holder.commitment, attributes: { dateOfBirth: "1980-01-01" }, clock: () => NOW });
    base = await prove({ credential, holder, request: fresh().createRequest({ statement: { type: "ageAtLeast", minAge: 21 } }), clock: () => NOW });
    expect((await fresh().verify(base)).ok).toBe(true);
  });

  // Every leaf path in the presentation, e.g. ["proof", "pi_b", 1, 0] or ["request", "statement", "minAge"].
  const leaves = (v: unknown, path: (string | number)[] = []): (string | number)[][] =>
    typeof v === "object" && v !== null
      ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, Array.isArray(v) ? Number(k) : k]))
      : [path];

  it("for random leaves and random replacements", async () => {
    const paths = leaves(JSON.parse(JSON.stringify(base)));
    const replacement = fc.oneof(
      fc.constant("increment"),
      fc.constant("delete"),
      fc.constant("alias"),
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), replacement, async (path, how) => {
        const p = JSON.parse(JSON.stringify(base));
        let parent = p;
        for (const key of path.slice(0, -1)) parent = parent[key];
        const key = path.at(-1)!;
        const old = parent[key];
        if (how === "delete") delete parent[key];
        else if (how === "increment") parent[key] = typeof old === "string" && /^\d+$/.test(old) ? (BigInt(old) + 1n).toString() : `${String(old)}1`;
        else if (how === "alias") parent[key] = typeof old === "string" && /^\d+$/.test(old) ? (BigInt(old) + 21888242871839275222246405745257275088548364400416034343698204186575808495617n).toString() : null;
        else parent[key] = how;
        if (JSON.stringify(p) === JSON.stringify(base)) return; // not a mutation
        const result = await fresh().verify(p);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  }, 300_000);
});
