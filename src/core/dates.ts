/**
 * Calendar dates. medzk dates are UTC calendar days written "YYYY-MM-DD" (proleptic Gregorian,
 * years 0001-9999) and enter circuits as the integer YYYYMMDD, which preserves order.
 *
 * Birthday rule: a person born on date D is N years old from (year(D) + N)-MM-DD on, compared as
 * YYYYMMDD integers. Someone born on 29 February therefore turns a year older on 29 February in
 * leap years and on 1 March in other years (20260228 < 20260229 <= 20260301).
 */
import { MedzkError } from "./errors.js";

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Parses "YYYY-MM-DD" to YYYYMMDD, or undefined when it is not a real calendar date. */
export function tryParseDate(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return year * 10000 + month * 100 + day;
}

/** Like {@link tryParseDate} but throws INVALID_DATE naming the parameter. */
export function parseDate(value: unknown, name: string): number {
  const parsed = tryParseDate(value);
  if (parsed === undefined) {
    throw new MedzkError("INVALID_DATE", `"${name}" must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** The UTC calendar day of an instant, as "YYYY-MM-DD". */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Whole years between a birth date and a day, both YYYYMMDD, under the birthday rule above. */
export function ageOn(dateOfBirth: number, day: number): number {
  return Math.floor((day - dateOfBirth) / 10000);
}

/**
 * The day `days` whole days before `day` (both YYYYMMDD), in the proleptic Gregorian calendar,
 * or undefined before 0001-01-01. Relative dates in queries resolve with it (core/statement.ts).
 */
export function daysBefore(day: number, days: number): number | undefined {
  const t = new Date(0);
  t.setUTCFullYear(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, (day % 100) - days);
  const year = t.getUTCFullYear();
  return year < 1 ? undefined : year * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}
