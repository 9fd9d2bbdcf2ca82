/**
 * Proof requests: what a verifier asks a holder to prove, with the verifier's own as-of date, a
 * fresh one-time challenge, the verifier's scope and an expiry. Plain JSON, so it can travel to a
 * wallet and back.
 *
 * Requests are authenticated rather than stored: `mac` is HMAC-SHA256 over the other fields
 * under the verifier's request key. A presentation echoes its request; the verifier accepts only
 * requests carrying its own MAC, so any instance sharing the key can verify, and nothing but the
 * single-use challenge needs shared state.
 */
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { hashToField } from "./field.js";
import type { Statement } from "./statement.js";
import {
  type Checked,
  checkCalendarDate,
  checkFieldElement,
  checkHex,
  checkInstant,
  checkObject,
  checkString,
  isPlainObject,
  unwrap,
} from "./validate.js";

export const REQUEST_FORMAT = "medzk-request/v1";

/**
 * A verifier's request, from `Verifier.createRequest`. The holder proves its statement and echoes
 * it unchanged; the verifier accepts it only with its own valid `mac` and before `expiresAt`.
 */
export interface ProofRequest {
  /** Always "medzk-request/v1". */
  format: typeof REQUEST_FORMAT;
  /** 248-bit random decimal field element; answered at most once. */
  challenge: string;
  /** The verifier's scope: nullifiers are stable within a scope and unlinkable across scopes. */
  scope: string;
  /** UTC calendar day the statement is evaluated on, chosen by the verifier: "YYYY-MM-DD". */
  asOf: string;
  /** What the holder is asked to prove, as normalised by the verifier. */
  statement: Statement;
  /**
   * Instant after which the verifier refuses presentations for this request, in the one form
   * core/validate accepts: "YYYY-MM-DDTHH:MM:SS.sssZ" (UTC).
   */
  expiresAt: string;
  /** HMAC-SHA256 (hex) of the fields above under the verifier's request key. */
  mac: string;
}

export type UnsignedRequest = Omit<ProofRequest, "mac">;

export function scopeField(scope: string): bigint {
  return hashToField("scope", scope);
}

/** The MAC input: JSON of a fixed-order array of the fields, which is unambiguous (unlike concatenation). */
function macInput(r: UnsignedRequest): Uint8Array {
  return utf8ToBytes(JSON.stringify([r.format, r.challenge, r.scope, r.asOf, r.statement, r.expiresAt]));
}

export function requestMac(key: Uint8Array, r: UnsignedRequest): string {
  return bytesToHex(hmac(sha256, key, macInput(r)));
}

/** Constant-time comparison of two hex strings of equal length. */
export function macEquals(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Deepest nesting of objects and arrays accepted in an echoed statement (medzk's own are ≤ 4). */
const MAX_STATEMENT_DEPTH = 16;
/** Longest scope: a verifier names itself, it does not write prose. */
export const MAX_SCOPE_LENGTH = 256;

/** Whether every object or array inside `value` is nested at most `max` levels deep (iterative: no recursion). */
function nestedWithin(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
}

/** A verifier scope: a string of 1 to {@link MAX_SCOPE_LENGTH} characters. */
export function checkScope(scope: unknown, name = "scope"): Checked<string> {
  return checkString(scope, name, { min: 1, max: MAX_SCOPE_LENGTH });
}

const REQUEST_SHAPE = { required: ["format", "challenge", "scope", "asOf", "statement", "expiresAt", "mac"] } as const;

/**
 * Checks a request received from elsewhere (from a verifier, or echoed in a presentation),
 * strictly: exactly the seven keys of {@link ProofRequest}, each well-formed; `statement` an
 * object with a string `type`, nested at most 16 levels. Never throws. The MAC is not checked
 * here (only the verifier holds the key), nor the statement's parameters: the verifier trusts a
 * statement once the MAC checks out (it wrote it), and the holder validates it against its
 * credential's schema before proving.
 */
export function checkRequest(value: unknown, name = "request"): Checked<ProofRequest> {
  const shaped = checkObject(value, name, REQUEST_SHAPE);
  if (!shaped.ok) return shaped;
  const r = shaped.value;
  if (r.format !== REQUEST_FORMAT) {
    return { ok: false, message: `"${name}.format" must be "${REQUEST_FORMAT}", got ${JSON.stringify(r.format)}` };
  }
  for (const check of [
    checkFieldElement(r.challenge, `${name}.challenge`),
    checkScope(r.scope, `${name}.scope`),
    checkCalendarDate(r.asOf, `${name}.asOf`),
    checkInstant(r.expiresAt, `${name}.expiresAt`),
    checkHex(r.mac, `${name}.mac`, 32),
  ]) {
    if (!check.ok) return check;
  }
  const statement = r.statement;
  if (!isPlainObject(statement) || typeof statement["type"] !== "string") {
    return { ok: false, message: `"${name}.statement" must be an object with a string "type"` };
  }
  // The MAC serialises the statement recursively: a hostile, deeply nested one would overflow the
  // stack there. No statement medzk writes is deeper than a few levels.
  if (!nestedWithin(statement, MAX_STATEMENT_DEPTH)) {
    return { ok: false, message: `"${name}.statement" is nested more than ${MAX_STATEMENT_DEPTH} levels deep` };
  }
  return {
    ok: true,
    value: {
      format: REQUEST_FORMAT,
      challenge: r.challenge as string,
      scope: r.scope as string,
      asOf: r.asOf as string,
      statement: statement as unknown as Statement,
      expiresAt: r.expiresAt as string,
      mac: r.mac as string,
    },
  };
}

/** {@link checkRequest}, throwing MedzkError("INVALID_REQUEST") naming what is wrong. */
export function parseRequest(value: unknown, name = "request"): ProofRequest {
  return unwrap(checkRequest(value, name), "INVALID_REQUEST");
}
