import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_ROOT_AGE_SECONDS, DEFAULT_REQUEST_TTL_SECONDS } from "../../../src/core/defaults.js";
import { FIELD_ORDER } from "../../../src/core/field.js";
import {
  assertArray,
  assertCalendarDate,
  assertClock,
  assertFieldElement,
  assertHex,
  assertInstant,
  assertInteger,
  assertObject,
  assertString,
  checkInstant,
  checkObject,
  isPlainObject,
  tryParseInstant,
} from "../../../src/core/validate.js";
import { codeOf } from "../../helpers/errors.js";

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("did not throw");
}

describe("assertObject", () => {
  const shape = { required: ["a", "b"], optional: ["c"] } as const;

  it("returns the object when it has the required keys and only allowed ones", () => {
    const value = { a: 1, b: 2 };
    expect(assertObject(value, "thing", shape)).toBe(value);
    expect(assertObject({ a: 1, b: 2, c: 3 }, "thing", shape)).toEqual({ a: 1, b: 2, c: 3 });
  });

  it("refuses an unknown key, naming it, with the caller's code", () => {
    expect(codeOf(() => assertObject({ a: 1, b: 2, d: 4 }, "thing", shape, "INVALID_REQUEST"))).toBe("INVALID_REQUEST");
    expect(messageOf(() => assertObject({ a: 1, b: 2, d: 4 }, "thing", shape))).toContain(`"d"`);
  });

  it("refuses a missing required key, naming it", () => {
    expect(codeOf(() => assertObject({ a: 1 }, "thing", shape))).toBe("INVALID_ARGUMENT");
    expect(messageOf(() => assertObject({ a: 1 }, "thing", shape))).toContain(`"thing.b"`);
  });

  it("refuses non-objects, arrays, null and class instances", () => {
    for (const bad of [null, undefined, 1, "x", [], [1, 2], new Date(), new Map()]) {
      expect(checkObject(bad, "thing", shape).ok, String(bad)).toBe(false);
    }
    expect(isPlainObject(Object.create(null))).toBe(true);
  });
});

describe("assertInteger", () => {
  it("accepts integers in range and refuses everything else", () => {
    expect(assertInteger(0, "n", 0, 10)).toBe(0);
    expect(assertInteger(10, "n", 0, 10)).toBe(10);
    for (const bad of [-1, 11, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "5", 5n, null]) {
      expect(codeOf(() => assertInteger(bad, "n", 0, 10)), String(bad)).toBe("INVALID_ARGUMENT");
    }
    expect(messageOf(() => assertInteger(11, "limits.batchSize", 1, 10))).toContain(`"limits.batchSize" must be an integer from 1 to 10`);
  });
});

describe("assertFieldElement", () => {
  it("parses canonical decimals below the field order", () => {
    expect(assertFieldElement("0", "x")).toBe(0n);
    expect(assertFieldElement((FIELD_ORDER - 1n).toString(), "x")).toBe(FIELD_ORDER - 1n);
  });

  it("refuses the order itself, aliases, signs, leading zeros, hex and numbers", () => {
    for (const bad of [FIELD_ORDER.toString(), "01", "-1", "+1", "0x1", " 1", "1 ", "", 1, 1n]) {
      expect(codeOf(() => assertFieldElement(bad, "salt", "INVALID_CREDENTIAL")), String(bad)).toBe("INVALID_CREDENTIAL");
    }
  });
});

describe("assertCalendarDate", () => {
  it("returns YYYYMMDD and throws INVALID_DATE for impossible days", () => {
    expect(assertCalendarDate("2024-02-29", "d")).toBe(20240229);
    expect(codeOf(() => assertCalendarDate("2023-02-29", "d"))).toBe("INVALID_DATE");
    expect(codeOf(() => assertCalendarDate("2023-02-29", "d", "INVALID_REQUEST"))).toBe("INVALID_REQUEST");
  });
});

describe("assertInstant: one rule for instants", () => {
  it("accepts the UTC form toISOString writes, with 0 to 3 fraction digits", () => {
    const now = new Date("2026-03-01T12:34:56.789Z");
    expect(assertInstant(now.toISOString(), "t")).toBe(now.getTime());
    expect(assertInstant("2026-03-01T12:34:56Z", "t")).toBe(Date.UTC(2026, 2, 1, 12, 34, 56));
    expect(assertInstant("2026-03-01T12:34:56.5Z", "t")).toBe(Date.UTC(2026, 2, 1, 12, 34, 56, 500));
    expect(tryParseInstant("0001-01-01T00:00:00Z")).toBe(Date.parse("0001-01-01T00:00:00.000Z"));
    expect(tryParseInstant("2024-02-29T23:59:59.999Z")).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
  });

  it("refuses offsets, missing zones, impossible fields, other spellings and non-strings", () => {
    for (const bad of [
      "2026-03-01T12:00:00+01:00", "2026-03-01T12:00:00+00:00", "2026-03-01T12:00:00", "2026-03-01T12:00Z",
      "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T12:60:00Z",
      "2026-03-01T12:00:60Z", "2026-03-01T12:00:00.1234Z", "2026-03-01 12:00:00Z", "2026-03-01t12:00:00z",
      "0000-01-01T00:00:00Z", "+02026-03-01T00:00:00Z", "2026-03-01", "1772366400000", 1772366400000, null,
      new Date(0),
    ]) {
      expect(tryParseInstant(bad), String(bad)).toBeUndefined();
      expect(checkInstant(bad, "t").ok).toBe(false);
    }
    expect(codeOf(() => assertInstant("2026-02-30T00:00:00Z", "updatedAt", "INVALID_REVOCATION_STATUS"))).toBe("INVALID_REVOCATION_STATUS");
    expect(messageOf(() => assertInstant("x", "expiresAt"))).toContain(`"expiresAt"`);
  });
});

describe("assertHex", () => {
  it("checks exact and minimum byte lengths of lowercase hex", () => {
    expect(assertHex("ab".repeat(32), "k", 32)).toBe("ab".repeat(32));
    expect(assertHex("ab".repeat(40), "k", { min: 32 })).toBe("ab".repeat(40));
    for (const bad of ["ab".repeat(31), "AB".repeat(32), "0x" + "ab".repeat(31), "abc", 12, null]) {
      expect(codeOf(() => assertHex(bad, "k", 32, "INVALID_KEY")), String(bad)).toBe("INVALID_KEY");
    }
    expect(codeOf(() => assertHex("ab".repeat(5), "k", { min: 1, max: 4 }))).toBe("INVALID_ARGUMENT");
  });

  it("never echoes the value (it may be a secret)", () => {
    const secret = "a1".repeat(31);
    expect(messageOf(() => assertHex(secret, "requestKey", { min: 32 }))).not.toContain(secret);
  });
});

describe("assertString and assertArray", () => {
  it("check lengths", () => {
    expect(assertString("a", "s")).toBe("a");
    expect(codeOf(() => assertString("", "s"))).toBe("INVALID_ARGUMENT");
    expect(assertString("", "s", { min: 0 })).toBe("");
    expect(codeOf(() => assertString("abcd", "s", { max: 3 }))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => assertString(3, "s"))).toBe("INVALID_ARGUMENT");
    expect(assertArray([1], "a", 1)).toEqual([1]);
    expect(codeOf(() => assertArray([1, 2], "a", 1))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => assertArray({ length: 0 }, "a"))).toBe("INVALID_ARGUMENT");
  });
});

describe("assertClock", () => {
  it("defaults to the system clock and checks every reading of an injected one", () => {
    const system = assertClock(undefined)();
    expect(Math.abs(system.getTime() - Date.now())).toBeLessThan(5000);
    const fixed = new Date("2026-01-01T00:00:00Z");
    expect(assertClock(() => fixed)()).toBe(fixed);
    expect(codeOf(() => assertClock(42))).toBe("INVALID_ARGUMENT");
    const broken = assertClock(() => new Date(Number.NaN));
    expect(codeOf(() => broken())).toBe("INVALID_ARGUMENT");
  });
});

describe("defaults", () => {
  it("hold the documented values", () => {
    expect(DEFAULT_REQUEST_TTL_SECONDS).toBe(300);
    expect(DEFAULT_MAX_ROOT_AGE_SECONDS).toBe(3600);
  });
});
