/**
 * Relative dates in the query language ({ daysBeforeAsOf }): parsed strictly, resolved from the
 * as-of date given when compiling (the request's own), refused without one, and counted by the
 * probing guard as the absolute day they mean.
 */
import { describe, expect, it } from "vitest";
import { daysBefore } from "../../../src/core/dates.js";
import { createVerifier, generateIssuerKey, generateVerifierKey } from "../../../src/index.js";
import { BUILTIN_SCHEMAS, encodeAttributes } from "../../../src/core/schemas.js";
import type { QueryStatement } from "../../../src/core/statement.js";
import { compileQuery, queryHolds } from "../../../src/statements/query.js";
import { parseStatement, statementDefinition } from "../../../src/statements/registry.js";
import { questionsOf } from "../../../src/wallet/guard.js";

const SCHEMA = BUILTIN_SCHEMAS["immunization/v1"]!;
const statement = (value: unknown, op = "LTE", attribute = "occurrenceDate") =>
  parseStatement({ type: "query", schema: "immunization/v1", where: [{ attribute, op, value }] }) as QueryStatement;
const dose = (occurrenceDate: string) =>
  encodeAttributes(SCHEMA, { vaccineGroup: "measles", vaccineCode: "http://hl7.org/fhir/sid/cvx|03", occurrenceDate, doseNumber: 2 }, 20261207).fields;

describe("relative dates", () => {
  it("daysBefore counts calendar days across months, leap days and years", () => {
    expect(daysBefore(20261207, 14)).toBe(20261123);
    expect(daysBefore(20240301, 1)).toBe(20240229);
    expect(daysBefore(20260301, 1)).toBe(20260228);
    expect(daysBefore(20261207, 365)).toBe(20251207);
    expect(daysBefore(20261207, 0)).toBe(20261207);
    expect(daysBefore(10101, 1)).toBeUndefined();
  });

  it("a verifier refuses to sign a relative date that falls before 0001-01-01 on its as-of day", () => {
    const on = (iso: string) => createVerifier({ key: generateVerifierKey(), trustedIssuers: [generateIssuerKey().publicKey], clock: () => new Date(iso) });
    const ask = { statement: { type: "query", schema: "immunization/v1", where: [{ attribute: "occurrenceDate", op: "LTE", value: { daysBeforeAsOf: 36500 } }] } };
    expect(() => on("0050-06-01T00:00:00Z").createRequest(ask)).toThrow(expect.objectContaining({ code: "INVALID_STATEMENT" }));
    expect(on("2026-12-07T12:00:00Z").createRequest(ask).statement).toEqual(ask.statement);
  });

  it("parses { daysBeforeAsOf } on a date attribute and nothing else", () => {
    expect(statement({ daysBeforeAsOf: 14 }).where[0]).toEqual({ attribute: "occurrenceDate", op: "LTE", value: { daysBeforeAsOf: 14 } });
    for (const bad of [{ daysBeforeAsOf: -1 }, { daysBeforeAsOf: 1.5 }, { daysBeforeAsOf: 36501 }, { daysBeforeAsOf: "14" }, {}, { daysBeforeAsOf: 14, extra: 1 }]) {
      expect(() => statement(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: "INVALID_STATEMENT" }));
    }
    expect(() => statement({ daysBeforeAsOf: 14 }, "GTE", "doseNumber")).toThrow(expect.objectContaining({ code: "INVALID_STATEMENT" }));
    expect(() => parseStatement({ type: "query", schema: "immunization/v1", where: [{ attribute: "occurrenceDate", op: "BETWEEN", values: [{ daysBeforeAsOf: 1 }, "2026-01-01"] }] }))
      .toThrow(expect.objectContaining({ code: "INVALID_DATE" }));
  });

  it("resolves on the as-of date given, and only with one", () => {
    const s = statement({ daysBeforeAsOf: 14 });
    expect(compileQuery(s, SCHEMA, 20261207).predHi[0]).toBe(20261123n);
    expect(compileQuery(s, SCHEMA, 20261208).predHi[0]).toBe(20261124n);
    expect(() => compileQuery(s, SCHEMA)).toThrow(expect.objectContaining({ code: "INVALID_STATEMENT" }));
    // The same public inputs as the fixed date it means on that day: the circuit cannot tell them apart.
    const def = statementDefinition("query");
    expect(def.publicInputs(s, SCHEMA, 20261207)).toEqual(def.publicInputs(statement("2026-11-23"), SCHEMA));
  });

  it("holds exactly up to the boundary day", () => {
    const s = statement({ daysBeforeAsOf: 14 });
    const holds = (day: string) => queryHolds(compileQuery(s, SCHEMA, 20261207), dose(day));
    expect(holds("2026-11-23")).toBe(true);
    expect(holds("2026-11-24")).toBe(false);
    // A day earlier the same dose is one day too recent.
    expect(statementDefinition("query").holds(s, SCHEMA, dose("2026-11-23"), 20261206)).toBe(false);
  });

  it("the probing guard counts the day it means: one question per as-of day, the same as the fixed date", () => {
    const s = statement({ daysBeforeAsOf: 14 });
    const [today] = questionsOf({ statement: s, asOf: 20261207 });
    const [tomorrow] = questionsOf({ statement: s, asOf: 20261208 });
    const [fixed] = questionsOf({ statement: statement("2026-11-23"), asOf: 20261201 });
    expect(today!.question).not.toBe(tomorrow!.question);
    expect(today).toEqual(fixed);
  });
});
