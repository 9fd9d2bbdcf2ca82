/**
 * Proof requests: what a verifier asks a holder to prove, with the verifier's own as-of date, a
 * fresh one-time challenge, an expiry, and who asks: the verifier's Ed25519 public key, an
 * optional purpose label and, optionally, where the answer goes. Plain JSON, so it can travel to
 * a wallet and back.
 *
 * Requests are signed (Ed25519, RFC 8032, by @noble/curves) over every other field. Anyone can
 * check the signature, so the holder knows who asks before proving, and the verifier accepts an
 * echoed request only with its own signature on it: any instance holding the signing key can
 * verify, and nothing but the single-use challenge needs shared state.
 *
 * The nullifier scope is never written in a request: both sides derive it from the signed
 * `verifier` key and `purpose` ({@link requestScope}), so no verifier can produce another's scope
 * (it would need the other's signature) and two verifiers never share one.
 */
import { ed25519 } from "@noble/curves/ed25519";
import { hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { hashToField } from "./field.js";
import type { Statement } from "./statement.js";
import {
  type Checked,
  checkCalendarDate,
  checkFieldElement,
  checkHex,
  checkInstant,
  checkObject,
  isPlainObject,
  unwrap,
} from "./validate.js";

export const REQUEST_FORMAT = "medzk-request/v2";

/**
 * A verifier's request, from `Verifier.createRequest`. The holder checks its signature, proves its
 * statement and echoes it unchanged; the verifier accepts it only with its own valid signature
 * and before `expiresAt`.
 */
export interface ProofRequest {
  /** Always "medzk-request/v2". */
  format: typeof REQUEST_FORMAT;
  /** The verifier's Ed25519 public key (32 bytes, lowercase hex): who asks, and whose scope it is. */
  verifier: string;
  /** The verifier's purpose label (1-64 of A-Z a-z 0-9 . _ -): one verifier may keep several scopes. */
  purpose?: string;
  /** Where the answer goes: an absolute https: URL (http: for localhost only). A wallet sends it nowhere else. */
  responseUrl?: string;
  /** 248-bit random decimal field element; answered at most once. */
  challenge: string;
  /** UTC calendar day the statement is evaluated on, chosen by the verifier: "YYYY-MM-DD". */
  asOf: string;
  /** What the holder is asked to prove, as normalised by the verifier. */
  statement: Statement;
  /**
   * Present when the issuer is to stay hidden: the root (decimal) of the verifier's trusted
   * issuer set (core/issuer-set.ts) for the statement's schema. The holder proves with the set
   * document of that root that the credential's issuer key is a member, without saying which.
   */
  issuerSet?: string;
  /**
   * Instant after which the verifier refuses presentations for this request, in the one form
   * core/validate accepts: "YYYY-MM-DDTHH:MM:SS.sssZ" (UTC).
   */
  expiresAt: string;
  /** Ed25519 signature (64 bytes, lowercase hex) by `verifier` over "medzk-request/v2\0" and the JSON of every other field in a fixed order. */
  signature: string;
}

export type UnsignedRequest = Omit<ProofRequest, "signature">;

/** Prefix of every derived scope: a free-form scope from elsewhere can never collide with one. */
export const VERIFIER_SCOPE_PREFIX = "medzk-verifier:";

/**
 * The nullifier scope of a verifier key and purpose: "medzk-verifier:<public key hex>[/<purpose>]".
 * Unambiguous: the key is always 64 hex digits, and a purpose cannot be empty.
 */
export function verifierScope(publicKey: string, purpose?: string): string {
  return VERIFIER_SCOPE_PREFIX + publicKey + (purpose === undefined ? "" : `/${purpose}`);
}

/** The scope a request's nullifier is bound to, derived from its signed `verifier` and `purpose`. */
export function requestScope(request: Pick<ProofRequest, "verifier" | "purpose">): string {
  return verifierScope(request.verifier, request.purpose);
}

/** The scope as the circuit's field element. */
export function scopeField(scope: string): bigint {
  return hashToField("scope", scope);
}

/** Domain separation: a medzk request signature can never be read as a signature of anything else. */
const SIGNING_DOMAIN = "medzk-request/v2\0";

/**
 * The bytes a request's signature covers: the domain, then JSON of a fixed-order array of every
 * other field (absent optional fields as null), which is unambiguous where concatenation is not.
 * `issuerSet`, added later, is appended only when present: a request without it signs exactly
 * the bytes it always did, and the array's length tells the two forms apart.
 */
export function requestSigningInput(r: UnsignedRequest): Uint8Array {
  const fields: unknown[] = [r.format, r.verifier, r.purpose ?? null, r.responseUrl ?? null, r.challenge, r.asOf, r.statement, r.expiresAt];
  if (r.issuerSet !== undefined) fields.push(r.issuerSet);
  return utf8ToBytes(SIGNING_DOMAIN + JSON.stringify(fields));
}

/**
 * Whether `request.signature` is a valid signature by `request.verifier` over the other fields.
 * Strict RFC 8032 verification (zip215: false): a non-canonical R or public key, a small-order
 * key and S ≥ L are all refused, so a signature has exactly one accepted encoding. Never throws.
 */
export function requestSignatureValid(request: ProofRequest): boolean {
  try {
    const { signature, ...unsigned } = request;
    return ed25519.verify(hexToBytes(signature), requestSigningInput(unsigned), hexToBytes(request.verifier), { zip215: false });
  } catch {
    return false;
  }
}

/** Deepest nesting of objects and arrays accepted in an echoed statement (medzk's own are ≤ 4). */
const MAX_STATEMENT_DEPTH = 16;
/** Longest purpose label: a label, not prose. */
export const MAX_PURPOSE_LENGTH = 64;
const PURPOSE = /^[A-Za-z0-9._-]+$/;
/** Longest response URL. */
export const MAX_RESPONSE_URL_LENGTH = 2048;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

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

/** A purpose label: 1 to 64 characters of A-Z a-z 0-9 . _ - (it becomes part of the scope). */
export function checkPurpose(value: unknown, name = "purpose"): Checked<string> {
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_PURPOSE_LENGTH || !PURPOSE.test(value)) {
    return { ok: false, message: `"${name}" must be 1 to ${MAX_PURPOSE_LENGTH} characters of A-Z a-z 0-9 . _ -` };
  }
  return { ok: true, value };
}

/**
 * A response URL: absolute, https: (or http: on localhost, for development), without user info
 * or fragment, and in the canonical form the URL parser gives it (so one place has one spelling,
 * and what a wallet shows is what it posts to).
 */
export function checkResponseUrl(value: unknown, name = "responseUrl"): Checked<string> {
  const no = (why: string): Checked<string> => ({ ok: false, message: `"${name}" ${why}` });
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_RESPONSE_URL_LENGTH) {
    return no(`must be an absolute URL of at most ${MAX_RESPONSE_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return no("must be an absolute URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname))) {
    return no("must be an https: URL (http: only for localhost)");
  }
  if (url.username !== "" || url.password !== "" || url.hash !== "") return no("must have no user info and no fragment");
  if (url.href !== value) return no(`must be written in canonical form, ${JSON.stringify(url.href)}`);
  return { ok: true, value };
}

const REQUEST_SHAPE = {
  required: ["format", "verifier", "challenge", "asOf", "statement", "expiresAt", "signature"],
  optional: ["purpose", "responseUrl", "issuerSet"],
} as const;

/**
 * Checks a request received from elsewhere (from a verifier, or echoed in a presentation),
 * strictly: exactly the keys of {@link ProofRequest}, each well-formed; `statement` an object with
 * a string `type`, nested at most 16 levels. Never throws. The signature is not checked here (see
 * {@link requestSignatureValid}: the holder checks it before proving, the verifier checks that it
 * is its own), nor the statement's parameters: the verifier trusts a statement it signed, and the
 * holder validates it against its credential's schema before proving.
 */
export function checkRequest(value: unknown, name = "request"): Checked<ProofRequest> {
  const shaped = checkObject(value, name, REQUEST_SHAPE);
  if (!shaped.ok) return shaped;
  const r = shaped.value;
  if (r.format !== REQUEST_FORMAT) {
    return { ok: false, message: `"${name}.format" must be "${REQUEST_FORMAT}", got ${JSON.stringify(r.format)}` };
  }
  for (const check of [
    checkHex(r.verifier, `${name}.verifier`, 32),
    r.purpose === undefined ? undefined : checkPurpose(r.purpose, `${name}.purpose`),
    r.responseUrl === undefined ? undefined : checkResponseUrl(r.responseUrl, `${name}.responseUrl`),
    checkFieldElement(r.challenge, `${name}.challenge`),
    checkCalendarDate(r.asOf, `${name}.asOf`),
    checkInstant(r.expiresAt, `${name}.expiresAt`),
    checkHex(r.signature, `${name}.signature`, 64),
    r.issuerSet === undefined ? undefined : checkFieldElement(r.issuerSet, `${name}.issuerSet`),
  ]) {
    if (check && !check.ok) return check;
  }
  const statement = r.statement;
  if (!isPlainObject(statement) || typeof statement["type"] !== "string") {
    return { ok: false, message: `"${name}.statement" must be an object with a string "type"` };
  }
  // The signature input serialises the statement recursively: a hostile, deeply nested one would
  // overflow the stack there. No statement medzk writes is deeper than a few levels.
  if (!nestedWithin(statement, MAX_STATEMENT_DEPTH)) {
    return { ok: false, message: `"${name}.statement" is nested more than ${MAX_STATEMENT_DEPTH} levels deep` };
  }
  const request: ProofRequest = {
    format: REQUEST_FORMAT,
    verifier: r.verifier as string,
    challenge: r.challenge as string,
    asOf: r.asOf as string,
    statement: statement as unknown as Statement,
    expiresAt: r.expiresAt as string,
    signature: r.signature as string,
  };
  if (r.purpose !== undefined) request.purpose = r.purpose as string;
  if (r.responseUrl !== undefined) request.responseUrl = r.responseUrl as string;
  if (r.issuerSet !== undefined) request.issuerSet = r.issuerSet as string;
  return { ok: true, value: request };
}

/** {@link checkRequest}, throwing MedzkError("INVALID_REQUEST") naming what is wrong. */
export function parseRequest(value: unknown, name = "request"): ProofRequest {
  return unwrap(checkRequest(value, name), "INVALID_REQUEST");
}
