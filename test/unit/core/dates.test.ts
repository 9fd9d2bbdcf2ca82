import { describe, expect, it } from "vitest";
import { ageOn, isLeapYear, parseDate, tryParseDate, utcDate } from "../../../src/core/dates.js";
import { MedzkError } from "../../../src/core/errors.js";

describe("calendar dates", () => {
  it("encodes valid dates as YYYYMMDD, including before 1970 and leap days", () => {
    expect(tryParseDate("2026-11-23")).toBe(20261123);
    expect(tryParseDate("1969-12-31")).toBe(19691231);
    expect(tryParseDate("0001-01-01")).toBe(10101);
    expect(tryParseDate("9999-12-31")).toBe(99991231);
    expect(tryParseDate("2024-02-29")).toBe(20240229);
    expect(tryParseDate("2000-02-29")).toBe(20000229);
  });

  it("rejects calendar-invalid dates and other spellings", () => {
    for (const bad of [
      "2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00",
      "0000-01-01", "2023-1-01", "20230101", "2023-01-01T00:00:00Z", " 2023-01-01", "2023/01/01", "", 20230101, null,
    ]) {
      expect(tryParseDate(bad), String(bad)).toBeUndefined();
    }
  });

  it("throws INVALID_DATE naming the parameter", () => {
    expect(() => parseDate("2023-02-30", "dateOfBirth")).toThrow(MedzkError);
    try {
      parseDate("2023-02-30", "dateOfBirth");
    } catch (e) {
      expect((e as MedzkError).code).toBe("INVALID_DATE");
      expect((e as MedzkError).message).toContain("dateOfBirth");
    }
  });

  it("leap years follow the Gregorian rule", () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([false, true, false, true, false, true]);
  });

  it("birthday rule: whole years, 29 February turns a year older on 1 March in non-leap years", () => {
    expect(ageOn(20080615, 20260614)).toBe(17);
    expect(ageOn(20080615, 20260615)).toBe(18);
    expect(ageOn(20080229, 20260228)).toBe(17);
    expect(ageOn(20080229, 20260301)).toBe(18);
    expect(ageOn(20080229, 20280228)).toBe(19);
    expect(ageOn(20080229, 20280229)).toBe(20);
    expect(ageOn(19500101, 20260101)).toBe(76);
  });

  it("takes the UTC calendar day of an instant", () => {
    expect(utcDate(new Date("2026-06-14T23:30:00-05:00"))).toBe("2026-06-15");
    expect(utcDate(new Date("2026-06-15T00:30:00+13:00"))).toBe("2026-06-14");
  });
});
