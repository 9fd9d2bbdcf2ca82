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
import { tryParseDate } from "./dates.js";
import { hashToField, parseCanonical } from "./field.js";
import type { Statement } from "../statements/registry.js";

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
  /** ISO 8601 instant after which the verifier refuses presentations for this request. */
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

const MAC_PATTERN = /^[0-9a-f]{64}$/;
/** Deepest nesting of objects and arrays accepted in an echoed statement (medzk's own are ≤ 4). */
const MAX_STATEMENT_DEPTH = 16;

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
const MAX_SCOPE_LENGTH = 256;

export function validScope(scope: unknown): scope is string {
  return typeof scope === "string" && scope.length > 0 && scope.length <= MAX_SCOPE_LENGTH;
}

/**
 * Parses a request received from elsewhere (a verifier, or echoed back in a presentation).
 * Returns undefined unless every field is well-formed; the MAC is not checked here.
 */
export function tryParseRequest(value: unknown): ProofRequest | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  const { format, challenge, scope, asOf, expiresAt, mac } = r;
  if (format !== REQUEST_FORMAT || parseCanonical(challenge) === undefined || !validScope(scope)) return undefined;
  if (tryParseDate(asOf) === undefined) return undefined;
  if (typeof expiresAt !== "string" || Number.isNaN(Date.parse(expiresAt))) return undefined;
  if (typeof mac !== "string" || !MAC_PATTERN.test(mac)) return undefined;
  if (Object.keys(r).length !== 7) return undefined;
  // Only the shape is checked here: the verifier trusts the statement once the MAC checks out (it
  // wrote it), and the holder validates it against its credential's schema before proving.
  const statement = r["statement"];
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) return undefined;
  if (typeof (statement as { type?: unknown }).type !== "string") return undefined;
  // The MAC serialises the statement recursively: a hostile, deeply nested one would overflow the
  // stack there. No statement medzk writes is deeper than a few levels.
  if (!nestedWithin(statement, MAX_STATEMENT_DEPTH)) return undefined;
  return { format, challenge: challenge as string, scope, asOf: asOf as string, statement: statement as Statement, expiresAt, mac };
}
