/**
 * The query language end to end: a user-defined schema, several predicates and disclosure in one
 * proof, every operator at its boundaries (TS semantics, which mirror the circuit's), dates before
 * 1970, zero values and IN sets, bit-width limits, and refusals of malformed queries.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compileQuery, normaliseQuery, queryHolds } from "../../../src/statements/query.js";
import { type SchemaDefinition, defineSchema, encodeAttributes } from "../../../src/core/schemas.js";
import {
  type Credential,
  MedzkError,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
} from "../../../src/index.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const LAB: SchemaDefinition = defineSchema({
  id: "lab-result/v1",
  attributes: [
    { name: "hba1c", type: "integer", bits: 16 },
    { name: "testedOn", type: "date" },
    { name: "smoker", type: "boolean" },
    { name: "bloodType", type: "enum", values: ["A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"] },
    { name: "labId", type: "string" },
    { name: "born", type: "date" },
    { name: "visits", type: "integer", bits: 64 },
    { name: "allergies", type: "integer", bits: 8 },
  ],
  rules: [{ attribute: "testedOn", notAfter: "$issuedAt" }],
});
const ATTRS = {
  hba1c: 57, testedOn: "2026-06-01", smoker: false, bloodType: "O-", labId: "lab-77",
  born: "1950-07-04", visits: "18446744073709551615", allergies: 0,
};

const lab = generateIssuerKey();
const holder = createHolder();
let credential: Credential;
const verifier = createVerifier({ trustedIssuers: [lab.publicKey], schemas: [LAB], key: generateVerifierKey(), clock: () => NOW });

const holds = (where: unknown[], attrs: Record<string, unknown> = ATTRS) => {
  const q = normaliseQuery({ type: "query", schema: LAB.id, where }, LAB);
  return queryHolds(compileQuery(q, LAB), encodeAttributes(LAB, attrs, 20260615).fields);
};

beforeAll(async () => {
  credential = await issueCredential(lab, { schema: LAB, holder: holder.commitment, attributes: ATTRS, now: NOW });
});

describe("proofs", () => {
  it("proves 4 predicates and discloses 2 attributes in one proof", async () => {
    const statement = {
      type: "query",
      schema: "lab-result/v1",
      where: [
        { attribute: "hba1c", op: "LT", value: 65 },
        { attribute: "bloodType", op: "IN", values: ["O-", "O+"] },
        { attribute: "born", op: "BETWEEN", values: ["1900-01-01", "1969-12-31"] },
        { attribute: "smoker", op: "EQ", value: false },
      ],
      disclose: ["bloodType", "testedOn"],
    } as const;
    const request = JSON.parse(JSON.stringify(verifier.createRequest({ statement: statement as never })));
    const presentation = await prove({ credential, holder, request, now: NOW, allowDisclosure: ["bloodType", "testedOn"] });
    const result = await verifier.verify(JSON.parse(JSON.stringify(presentation)));
    expect(result).toMatchObject({ ok: true, disclosed: { bloodType: "O-", testedOn: "2026-06-01" } });
  });

  it("handles zero values, full 64-bit values and the largest set in a proof", async () => {
    const statement = {
      type: "query",
      schema: "lab-result/v1",
      where: [
        { attribute: "allergies", op: "IN", values: [0, 3] },
        { attribute: "visits", op: "GTE", value: "18446744073709551615" },
        { attribute: "labId", op: "NOT_IN", values: Array.from({ length: 16 }, (_, i) => `lab-${i}`) },
        { attribute: "testedOn", op: "NE", value: "2026-05-31" },
      ],
    };
    const request = verifier.createRequest({ statement: statement as never });
    const result = await verifier.verify(await prove({ credential, holder, request, now: NOW }));
    expect(result).toMatchObject({ ok: true });
    expect((result as { disclosed?: unknown }).disclosed).toBeUndefined();
  });

  it("the prover refuses false queries and disclosures the holder did not allow", async () => {
    const request = verifier.createRequest({ statement: { type: "query", schema: LAB.id, where: [{ attribute: "hba1c", op: "GT", value: 57 }] } as never });
    await expect(prove({ credential, holder, request, now: NOW })).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
    const nosy = verifier.createRequest({ statement: { type: "query", schema: LAB.id, where: [], disclose: ["born"] } as never });
    await expect(prove({ credential, holder, request: nosy, now: NOW, allowDisclosure: ["bloodType"] })).rejects.toMatchObject({ code: "REQUEST_REFUSED" });
  });

  it("a credential of another schema cannot answer the query", async () => {
    const other = await issueCredential(lab, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1950-07-04" }, now: NOW });
    const request = verifier.createRequest({ statement: { type: "query", schema: LAB.id, where: [{ attribute: "hba1c", op: "LT", value: 65 }] } as never });
    await expect(prove({ credential: other, holder, request, now: NOW })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("operator semantics at the boundaries", () => {
  it("integers", () => {
    const at = (op: string, value: unknown) => holds([{ attribute: "hba1c", op, value }]);
    expect([at("LT", 58), at("LT", 57), at("LTE", 57), at("LTE", 56)]).toEqual([true, false, true, false]);
    expect([at("GT", 56), at("GT", 57), at("GTE", 57), at("GTE", 58)]).toEqual([true, false, true, false]);
    expect([at("EQ", 57), at("EQ", 58), at("NE", 57), at("NE", 58)]).toEqual([true, false, false, true]);
    const between = (lo: number, hi: number) => holds([{ attribute: "hba1c", op: "BETWEEN", values: [lo, hi] }]);
    expect([between(57, 57), between(50, 56), between(58, 60), between(0, 65535)]).toEqual([true, false, false, true]);
  });

  it("dates, including before 1970 and leap days", () => {
    const born = (op: string, value: unknown) => holds([{ attribute: "born", op, value }]);
    expect([born("LT", "1950-07-05"), born("LT", "1950-07-04"), born("GT", "1950-07-03"), born("GTE", "1950-07-04")]).toEqual([true, false, true, true]);
    const between = (lo: string, hi: string) => holds([{ attribute: "born", op: "BETWEEN", values: [lo, hi] }]);
    expect([between("1900-01-01", "1969-12-31"), between("1950-07-05", "1969-12-31")]).toEqual([true, false]);
    const leap = { ...ATTRS, born: "2000-02-29" };
    expect(holds([{ attribute: "born", op: "GT", value: "2000-02-28" }], leap)).toBe(true);
    expect(holds([{ attribute: "born", op: "LT", value: "2000-03-01" }], leap)).toBe(true);
  });

  it("zero values never match set padding", () => {
    const inSet = (values: unknown[]) => holds([{ attribute: "allergies", op: "IN", values }]);
    expect([inSet([5, 7]), inSet([0]), inSet([3, 0]), inSet([255])]).toEqual([false, true, true, false]);
    const notIn = (values: unknown[]) => holds([{ attribute: "allergies", op: "NOT_IN", values }]);
    expect([notIn([5, 7]), notIn([0])]).toEqual([true, false]);
  });

  it("bit-width boundaries", async () => {
    expect(holds([{ attribute: "visits", op: "EQ", value: "18446744073709551615" }])).toBe(true);
    expect(holds([{ attribute: "allergies", op: "LTE", value: 255 }])).toBe(true);
    await expect(issueCredential(lab, { schema: LAB, holder: holder.commitment, attributes: { ...ATTRS, allergies: 256 }, now: NOW })).rejects.toMatchObject({ code: "INVALID_ATTRIBUTE" });
    await expect(issueCredential(lab, { schema: LAB, holder: holder.commitment, attributes: { ...ATTRS, visits: "18446744073709551616" }, now: NOW })).rejects.toMatchObject({ code: "INVALID_ATTRIBUTE" });
  });

  it("enums, strings and booleans by equality and sets", () => {
    expect(holds([{ attribute: "bloodType", op: "EQ", value: "O-" }])).toBe(true);
    expect(holds([{ attribute: "bloodType", op: "NOT_IN", values: ["A+", "B+"] }])).toBe(true);
    expect(holds([{ attribute: "labId", op: "EQ", value: "lab-77" }])).toBe(true);
    expect(holds([{ attribute: "labId", op: "NE", value: "lab-77" }])).toBe(false);
    expect(holds([{ attribute: "smoker", op: "EQ", value: true }])).toBe(false);
  });
});

describe("malformed queries are caller mistakes", () => {
  const bad = (where: unknown[], extra: Record<string, unknown> = {}) => {
    try {
      verifier.createRequest({ statement: { type: "query", schema: LAB.id, where, ...extra } as never });
    } catch (e) {
      return (e as MedzkError).code;
    }
    return "accepted";
  };

  it("refuses them with codes", () => {
    expect(bad([{ attribute: "labId", op: "LT", value: "x" }])).toBe("INVALID_STATEMENT"); // range op on a string
    expect(bad([{ attribute: "nope", op: "EQ", value: 1 }])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "LIKE", value: 1 }])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "IN", values: Array.from({ length: 17 }, (_, i) => i) }])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "IN", values: Array.from({ length: 16 }, (_, i) => i) }])).toBe("accepted");
    expect(bad([{ attribute: "hba1c", op: "BETWEEN", values: [9, 3] }])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "LT", value: 0 }])).toBe("INVALID_STATEMENT"); // can never hold
    expect(bad([{ attribute: "testedOn", op: "EQ", value: "2026-02-30" }])).toBe("INVALID_DATE");
    expect(bad([{ attribute: "bloodType", op: "EQ", value: "Z" }])).toBe("INVALID_ATTRIBUTE");
    expect(bad(Array.from({ length: 5 }, () => ({ attribute: "hba1c", op: "EQ", value: 1 })))).toBe("INVALID_STATEMENT");
    expect(bad([], { disclose: ["hba1c", "born", "labId"] })).toBe("INVALID_STATEMENT");
    expect(bad([])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "EQ", value: 1, extra: 2 }])).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "EQ" }])).toBe("INVALID_STATEMENT");
    expect(bad(["hba1c"])).toBe("INVALID_STATEMENT");
    expect(bad([], { where: "hba1c" })).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "EQ", value: 1 }], { extra: 1 })).toBe("INVALID_STATEMENT");
    expect(bad([{ attribute: "hba1c", op: "EQ", value: 1 }], { schema: "unpinned/v1" })).toBe("UNKNOWN_SCHEMA");
  });
});
