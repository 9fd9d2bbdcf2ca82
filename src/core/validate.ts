/**
 * Shared validation: small checks that name the parameter and return the parsed value. Every
 * module validates its inputs with these, so one kind of value is refused by one rule with one
 * wording everywhere.
 *
 * Two forms of each check:
 * - `checkX(value, name, …)` never throws and returns a {@link Checked}: `{ ok: true, value }` or
 *   `{ ok: false, message }`. For untrusted wire data on paths that must not throw (the verifier),
 *   which map the message to their own refusal code.
 * - `assertX(value, name, …, code?)` returns the value or throws MedzkError with `code`
 *   (INVALID_ARGUMENT unless the caller says which format failed, e.g. INVALID_REQUEST).
 *
 * Instants: medzk writes and reads exactly one form, the UTC form `Date.prototype.toISOString`
 * produces, `YYYY-MM-DDTHH:MM:SS(.s…)?Z` with 1 to 3 fraction digits (milliseconds, the precision
 * of a JS Date), years 0001-9999, every field calendar-valid (no February 30, no hour 24, no leap
 * second). Offsets such as "+01:00" are refused: two spellings of one instant would let two files
 * that mean the same thing compare unequal. Parsed instants are milliseconds since the epoch
 * (`number`, named `…Ms` where stored).
 */
import { tryParseDate } from "./dates.js";
import { MedzkError, type MedzkErrorCode } from "./errors.js";
import { FIELD_ORDER, parseCanonical } from "./field.js";

/** The result of a non-throwing check. */
export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Keys an object must and may have: anything else is refused by name. */
export interface ObjectShape<R extends string = string, O extends string = string> {
  /** Keys that must be present (with any value, `undefined` included, that the caller then checks). */
  required: readonly R[];
  /** Keys that may be absent. */
  optional?: readonly O[];
}

/** An object whose keys were checked against an {@link ObjectShape}; its values are still unchecked. */
export type ShapedObject<R extends string, O extends string> = { [K in R]: unknown } & { [K in O]?: unknown };

function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}
function no<T>(message: string): Checked<T> {
  return { ok: false, message };
}
function quote(name: string): string {
  return `"${name}"`;
}
/** A short rendering of a refused value for messages (never used for secrets). */
export function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** What kind of JSON value `value` is ("a string", "an array", "null", …), for messages that must not echo it. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" || type === "undefined" ? (type === "object" ? "an object" : "undefined") : `a ${type}`;
}

/** Throws MedzkError(code) with the failed check's message, or returns its value. */
export function unwrap<T>(checked: Checked<T>, code: MedzkErrorCode = "INVALID_ARGUMENT"): T {
  if (!checked.ok) throw new MedzkError(code, checked.message);
  return checked.value;
}

/** Whether `value` is a non-null, non-array object whose prototype is Object.prototype or null (JSON objects are). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A plain object with every `required` key, possibly some `optional` ones, and nothing else.
 * A refused key is named as `name.key`. Only own enumerable string keys count (what JSON has).
 */
export function checkObject<R extends string, O extends string = never>(
  value: unknown,
  name: string,
  shape: ObjectShape<R, O>,
): Checked<ShapedObject<R, O>> {
  // The kind, not the value: a misplaced secret (a signing key given inline) must not reach a message.
  if (!isPlainObject(value)) return no(`${quote(name)} must be a JSON object, got ${kindOf(value)}`);
  const allowed = new Set<string>([...shape.required, ...(shape.optional ?? [])]);
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      return no(`${quote(name)} has unknown property ${JSON.stringify(key)}; allowed: ${[...allowed].join(", ")}`);
    }
  }
  for (const key of shape.required) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) return no(`${quote(name)} is missing property ${quote(`${name}.${key}`)}`);
  }
  return ok(value as ShapedObject<R, O>);
}

/** See {@link checkObject}. */
export function assertObject<R extends string, O extends string = never>(
  value: unknown,
  name: string,
  shape: ObjectShape<R, O>,
  code?: MedzkErrorCode,
): ShapedObject<R, O> {
  return unwrap(checkObject(value, name, shape), code);
}

/** A safe integer from `min` to `max` inclusive (numbers only: "5" and 5n are refused). */
export function checkInteger(value: unknown, name: string, min: number, max: number): Checked<number> {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    return no(`${quote(name)} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return ok(value);
}

/** See {@link checkInteger}. */
export function assertInteger(value: unknown, name: string, min: number, max: number, code?: MedzkErrorCode): number {
  return unwrap(checkInteger(value, name, min, max), code);
}

/**
 * A canonical decimal string below the BN254 scalar field order (no sign, no leading zeros, no
 * hex), parsed. One string per element: `x` and `x + r` never both pass.
 */
export function checkFieldElement(value: unknown, name: string): Checked<bigint> {
  const n = parseCanonical(value, FIELD_ORDER);
  if (n === undefined) return no(`${quote(name)} must be a canonical decimal field element (below the BN254 scalar field order), got ${describe(value)}`);
  return ok(n);
}

/** See {@link checkFieldElement}. */
export function assertFieldElement(value: unknown, name: string, code?: MedzkErrorCode): bigint {
  return unwrap(checkFieldElement(value, name), code);
}

/** A calendar day "YYYY-MM-DD" (core/dates), returned as the integer YYYYMMDD the circuits use. */
export function checkCalendarDate(value: unknown, name: string): Checked<number> {
  const day = tryParseDate(value);
  if (day === undefined) return no(`${quote(name)} must be a calendar date "YYYY-MM-DD", got ${describe(value)}`);
  return ok(day);
}

/** See {@link checkCalendarDate}. Throws INVALID_DATE unless another code is given. */
export function assertCalendarDate(value: unknown, name: string, code: MedzkErrorCode = "INVALID_DATE"): number {
  return unwrap(checkCalendarDate(value, name), code);
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;

/** Milliseconds since the epoch of an instant in medzk's one form (module header), or undefined. */
export function tryParseInstant(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = INSTANT.exec(value);
  if (!m || tryParseDate(m[1]) === undefined) return undefined;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) return undefined;
  // Every field was checked above, so Date.parse reads exactly what the string says.
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** An instant `YYYY-MM-DDTHH:MM:SS(.sss)?Z` (module header), as milliseconds since the epoch. */
export function checkInstant(value: unknown, name: string): Checked<number> {
  const ms = tryParseInstant(value);
  if (ms === undefined) {
    return no(`${quote(name)} must be a UTC instant "YYYY-MM-DDTHH:MM:SS.sssZ" (ISO 8601, as Date.toISOString writes it), got ${describe(value)}`);
  }
  return ok(ms);
}

/** See {@link checkInstant}. */
export function assertInstant(value: unknown, name: string, code?: MedzkErrorCode): number {
  return unwrap(checkInstant(value, name), code);
}

/** Bytes a hex string must encode: exactly `n`, or a range. */
export type HexLength = number | { min: number; max?: number };

/**
 * Lowercase hex of whole bytes (even length, no "0x"), of the given byte length. Messages never
 * include the value: hex strings are often keys.
 */
export function checkHex(value: unknown, name: string, bytes: HexLength): Checked<string> {
  const [min, max] = typeof bytes === "number" ? [bytes, bytes] : [bytes.min, bytes.max ?? Number.POSITIVE_INFINITY];
  const expected = min === max ? `${min} bytes` : max === Number.POSITIVE_INFINITY ? `at least ${min} bytes` : `${min} to ${max} bytes`;
  if (typeof value !== "string" || value.length % 2 !== 0 || !/^[0-9a-f]*$/.test(value)) {
    return no(`${quote(name)} must be ${expected} of lowercase hex`);
  }
  const n = value.length / 2;
  if (n < min || n > max) return no(`${quote(name)} must be ${expected} of lowercase hex, got ${n} bytes`);
  return ok(value);
}

/** See {@link checkHex}. */
export function assertHex(value: unknown, name: string, bytes: HexLength, code?: MedzkErrorCode): string {
  return unwrap(checkHex(value, name, bytes), code);
}

/** Lengths a string may have, in UTF-16 code units. Default: at least 1, no maximum. */
export interface StringLength {
  min?: number;
  max?: number;
}

/** A string of `min` (default 1) to `max` (default unbounded) UTF-16 code units. */
export function checkString(value: unknown, name: string, length: StringLength = {}): Checked<string> {
  const min = length.min ?? 1;
  const max = length.max ?? Number.POSITIVE_INFINITY;
  if (typeof value !== "string" || value.length < min || value.length > max) {
    const range = max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    return no(`${quote(name)} must be a string of ${range} characters, got ${describe(value)}`);
  }
  return ok(value);
}

/** See {@link checkString}. */
export function assertString(value: unknown, name: string, length?: StringLength, code?: MedzkErrorCode): string {
  return unwrap(checkString(value, name, length), code);
}

/** An array of at most `max` items (default unbounded); the items are the caller's to check. */
export function checkArray(value: unknown, name: string, max = Number.POSITIVE_INFINITY): Checked<unknown[]> {
  if (!Array.isArray(value)) return no(`${quote(name)} must be an array, got ${describe(value)}`);
  if (value.length > max) return no(`${quote(name)} must have at most ${max} items, got ${value.length}`);
  return ok(value);
}

/** See {@link checkArray}. */
export function assertArray(value: unknown, name: string, max?: number, code?: MedzkErrorCode): unknown[] {
  return unwrap(checkArray(value, name, max), code);
}

/**
 * An injected clock (`clock: () => Date`), or the system clock when absent. The returned function
 * checks each reading, so a clock returning garbage fails loudly instead of comparing as NaN.
 */
export function assertClock(value: unknown, name = "clock"): () => Date {
  if (value === undefined) return () => new Date();
  if (typeof value !== "function") throw new MedzkError("INVALID_ARGUMENT", `${quote(name)} must be a function returning a Date`);
  const clock = value as () => unknown;
  return () => {
    const now = clock();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new MedzkError("INVALID_ARGUMENT", `${quote(name)}() must return a valid Date, got ${describe(now)}`);
    }
    return now;
  };
}
