/**
 * Audit entries (medzk-audit-entry/v1) and the hash chain that links them.
 *
 * An entry says that a verifier checked a presentation, when, for which statement, with which
 * outcome, under which nullifier and for which request; never attributes, disclosed values,
 * public signals or proofs (GDPR art. 5(1)(c), data minimisation: the trail proves that an access
 * happened, not what was learnt).
 *
 * Chain: hash(n) = SHA-256(hash(n-1) || canonical(entry n)), with hash(-1) = the log id, so an
 * entry cannot be moved into another verifier's log. `seq` counts from 0 without gap. Canonical
 * JSON is RFC 8785 (JCS) restricted to what entries hold (strings, safe integers, booleans, null,
 * arrays, objects): keys sorted by UTF-16 code units, no whitespace, strings as ECMAScript's
 * JSON.stringify writes them, which is what RFC 8785 §3.2.2.2 prescribes.
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { MedzkError } from "../core/errors.js";
import { parseCanonical } from "../core/field.js";
import { type Checked, checkHex, checkInstant, checkInteger, checkObject, checkString, describe, isPlainObject } from "../core/validate.js";

export const AUDIT_ENTRY_FORMAT = "medzk-audit-entry/v1";

/** Domain of the log id: SHA-256("medzk-audit/v1" || verifier public key bytes). */
const LOG_ID_DOMAIN = utf8ToBytes("medzk-audit/v1");

/** Largest canonical statement an entry holds (the largest query statement is well below). */
const MAX_STATEMENT_BYTES = 4096;

/** One verification, as the log keeps it. JSON-safe; absent facts are null, never omitted. */
export interface AuditEntry {
  /** Always "medzk-audit-entry/v1". */
  format: typeof AUDIT_ENTRY_FORMAT;
  /** Position in the log: 0, 1, 2, … without gap. */
  seq: number;
  /** When the verifier decided (its clock), an ISO 8601 UTC instant. */
  time: string;
  /** The verifier's Ed25519 public key (32 bytes lowercase hex). */
  verifier: string;
  /** The verifier's purpose label (part of its nullifier scope), or null. */
  purpose: string | null;
  /** The service preset the statement is, or null (a refusal before the statement was known, a library verifier). */
  preset: string | null;
  /** The statement asked ({ type, … }), or null when the presentation did not get that far. */
  statement: Record<string, unknown> | null;
  /** "OK", or the refusal code (a VerifyErrorCode such as "INVALID_PROOF"). */
  result: string;
  /**
   * The nullifier (decimal): Poseidon(holder secret, scope), only when the verification proved it
   * ("OK", or a refusal that came after the proof verified: REQUEST_REPLAYED, STORE_UNAVAILABLE,
   * UNKNOWN_PRESET); null otherwise. Entries are found by it: a nullifier a refused presentation
   * merely claimed would let anyone plant entries in a holder's trail.
   */
  nullifier: string | null;
  /** The request's challenge (decimal), or null. */
  requestId: string | null;
}

/**
 * The results whose presentation's proof was checked before the result was decided, so that the
 * nullifier it carries is proven for the verifier's own signed request: "OK", and the refusals
 * the verifier gives only after the pairing check (create-verifier.ts: step 6, the challenge
 * already answered or the challenge store down) or the service after an accepted verification
 * (a statement that is no preset). Only these entries carry a nullifier, and only these are
 * served to its holder (an older log may hold claimed nullifiers of refusals).
 * NOTE: soundness rests on the verifier's pipeline order (replay last, after the proof), which
 * test/integration/audit/service-audit.test.ts pins with a replayed tampered presentation.
 */
export const NULLIFIER_PROVEN_RESULTS: readonly string[] = ["OK", "REQUEST_REPLAYED", "STORE_UNAVAILABLE", "UNKNOWN_PRESET"];

/** What a caller gives `AuditLog.append`: the entry without the fields the log assigns. */
export type AuditEntryInput = Omit<AuditEntry, "format" | "seq">;

/** An entry as stored: with its chain hash (32 bytes lowercase hex). */
export interface AuditRecord {
  entry: AuditEntry;
  hash: string;
}

/** The log id of a verifier's audit log: SHA-256("medzk-audit/v1" || public key bytes), hex. */
export function auditLogId(verifierPublicKey: string): string {
  return bytesToHex(sha256(concatBytes(LOG_ID_DOMAIN, hexToBytes(verifierPublicKey))));
}

/** hash(n) = SHA-256(prevHash || canonical(entry)); prevHash of seq 0 is the log id. */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  return bytesToHex(sha256(concatBytes(hexToBytes(prevHash), utf8ToBytes(canonicalJson(entry)))));
}

/**
 * RFC 8785 canonical JSON of JSON-safe data whose numbers are safe integers. Throws TypeError for
 * anything else (a float, NaN, undefined, a function): entries never hold those.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON holds safe integers only, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  throw new TypeError(`canonical JSON cannot hold ${describe(value)}`);
}

const ENTRY_SHAPE = {
  required: ["format", "seq", "time", "verifier", "purpose", "preset", "statement", "result", "nullifier", "requestId"],
} as const;
const RESULT = /^(OK|[A-Z][A-Z0-9_]{0,63})$/;
const DECIMAL = /^(0|[1-9][0-9]{0,99})$/;

/** Parses an entry strictly (exactly its keys, each well-formed); never throws. */
export function checkAuditEntry(value: unknown, name = "entry"): Checked<AuditEntry> {
  const shaped = checkObject(value, name, ENTRY_SHAPE);
  if (!shaped.ok) return shaped;
  const e = shaped.value;
  const no = (message: string): Checked<AuditEntry> => ({ ok: false, message });
  if (e.format !== AUDIT_ENTRY_FORMAT) return no(`"${name}.format" must be "${AUDIT_ENTRY_FORMAT}", got ${describe(e.format)}`);
  const checks: Array<Checked<unknown>> = [
    checkInteger(e.seq, `${name}.seq`, 0, Number.MAX_SAFE_INTEGER),
    checkInstant(e.time, `${name}.time`),
    checkHex(e.verifier, `${name}.verifier`, 32),
    e.purpose === null ? { ok: true, value: null } : checkString(e.purpose, `${name}.purpose`, { max: 64 }),
    e.preset === null ? { ok: true, value: null } : checkString(e.preset, `${name}.preset`, { max: 128 }),
  ];
  for (const c of checks) if (!c.ok) return c as Checked<AuditEntry>;
  if (e.statement !== null) {
    if (!isPlainObject(e.statement) || typeof e.statement["type"] !== "string") return no(`"${name}.statement" must be null or a statement object with a "type"`);
    let text: string;
    try {
      text = canonicalJson(e.statement);
    } catch {
      return no(`"${name}.statement" must hold strings, integers, booleans, arrays and objects only`);
    }
    if (text.length > MAX_STATEMENT_BYTES) return no(`"${name}.statement" is longer than ${MAX_STATEMENT_BYTES} characters`);
  }
  if (typeof e.result !== "string" || !RESULT.test(e.result)) return no(`"${name}.result" must be "OK" or a refusal code such as "INVALID_PROOF"`);
  if (e.nullifier !== null && parseCanonical(e.nullifier) === undefined) return no(`"${name}.nullifier" must be null or a canonical decimal field element`);
  if (e.requestId !== null && (typeof e.requestId !== "string" || !DECIMAL.test(e.requestId))) return no(`"${name}.requestId" must be null or a decimal challenge`);
  return { ok: true, value: e as unknown as AuditEntry };
}

/** Parses a stored record `{ entry, hash }` strictly; never throws. */
export function checkAuditRecord(value: unknown, name = "record"): Checked<AuditRecord> {
  const shaped = checkObject(value, name, { required: ["entry", "hash"] });
  if (!shaped.ok) return shaped;
  const entry = checkAuditEntry(shaped.value.entry, `${name}.entry`);
  if (!entry.ok) return entry;
  const hash = checkHex(shaped.value.hash, `${name}.hash`, 32);
  if (!hash.ok) return hash;
  return { ok: true, value: { entry: entry.value, hash: hash.value } };
}

/**
 * Builds the entry of `input` at `seq` and its chain hash after `prevHash`. Checks the input as
 * a parsed entry would be (so the log never writes what it could not read back); throws
 * MedzkError("INVALID_ARGUMENT") naming the field.
 */
export function chainEntry(input: AuditEntryInput, seq: number, prevHash: string): AuditRecord {
  const candidate = {
    format: AUDIT_ENTRY_FORMAT,
    seq,
    time: input.time,
    verifier: input.verifier,
    purpose: input.purpose,
    preset: input.preset,
    statement: input.statement,
    result: input.result,
    nullifier: input.nullifier,
    requestId: input.requestId,
  };
  const checked = checkAuditEntry(candidate);
  if (!checked.ok) throw new MedzkError("INVALID_ARGUMENT", checked.message);
  return { entry: checked.value, hash: entryHash(prevHash, checked.value) };
}

/** One stored line of a JSON-lines log: the record's canonical JSON. */
export function recordLine(record: AuditRecord): string {
  return canonicalJson(record) + "\n";
}
