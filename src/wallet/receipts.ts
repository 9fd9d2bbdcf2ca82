/**
 * Receipts: the wallet's log of what it showed, or refused, to whom and when. One receipt per
 * `respond` call, whatever its outcome, so the holder can audit every request that reached the
 * wallet. JSON-safe; parsed strictly when read back from a store.
 */
import { MedzkError, type MedzkErrorCode } from "../core/errors.js";
import type { Statement } from "../core/statement.js";
import {
  assertArray,
  assertCalendarDate,
  assertFieldElement,
  assertHex,
  assertInstant,
  assertObject,
  assertString,
  isPlainObject,
} from "../core/validate.js";

/** One entry of the wallet's log. */
export interface Receipt {
  /**
   * Who asked: the request's signing key and, when the key is in the trust list, the name the
   * holder gave it. Absent when the request could not be parsed at all.
   */
  verifier?: {
    publicKey: string;
    /** From the trust list, never from the request. Absent for an untrusted or forged request. */
    name?: string;
  };
  /** What was asked, as signed; absent when the request's signature did not hold (its text is nobody's). */
  statement?: Statement;
  /** The attributes disclosed to the verifier (empty unless the statement disclosed some and it was shown). */
  disclosures: string[];
  /** The request's as-of date, when the request was validly signed by the key it names. */
  asOf?: string;
  /** Where the verifier asked the answer to go (signed), when it named a place. */
  responseUrl?: string;
  /**
   * The nullifier scope (core's verifierScope: the verifier's key and purpose), and the purpose
   * itself when the request gave one: the verifier's audit entries carry the same purpose.
   */
  scope?: string;
  purpose?: string;
  /** The request's challenge (decimal): the audit entry's `requestId`. */
  challenge?: string;
  /** The trusted issuer set root the request hid the issuer among, when it hid it. */
  issuerSet?: string;
  /** The issuer key the presentation revealed (shown receipts of requests that do not hide it). */
  issuer?: string;
  /** When the wallet responded: an ISO 8601 UTC instant on the wallet's clock. */
  at: string;
  /** "shown" (a presentation was returned) or "refused". */
  outcome: "shown" | "refused";
  /** Why it was refused: the MedzkError code `respond` threw. */
  code?: MedzkErrorCode;
  /** The nullifier the verifier received (decimal), when shown: what links this verifier's receipts. */
  nullifier?: string;
}

const invalid = (message: string) => new MedzkError("WALLET_STORE_INVALID", message);

/** Parses a receipt read back from a store, strictly (unknown keys, wrong types refused). */
export function parseReceipt(value: unknown, name: string): Receipt {
  const code = "WALLET_STORE_INVALID" as const;
  const r = assertObject(value, name, { required: ["disclosures", "at", "outcome"], optional: ["verifier", "statement", "asOf", "responseUrl", "scope", "purpose", "challenge", "issuerSet", "issuer", "code", "nullifier"] }, code);
  const receipt: Receipt = {
    disclosures: assertArray(r.disclosures, `${name}.disclosures`, undefined, code).map((d, i) => assertString(d, `${name}.disclosures[${i}]`, { max: 128 }, code)),
    at: new Date(assertInstant(r.at, `${name}.at`, code)).toISOString(),
    outcome: r.outcome === "shown" || r.outcome === "refused" ? r.outcome : (() => { throw invalid(`"${name}.outcome" must be "shown" or "refused"`); })(),
  };
  if (r.verifier !== undefined) {
    const v = assertObject(r.verifier, `${name}.verifier`, { required: ["publicKey"], optional: ["name"] }, code);
    receipt.verifier = { publicKey: assertHex(v.publicKey, `${name}.verifier.publicKey`, 32, code) };
    if (v.name !== undefined) receipt.verifier.name = assertString(v.name, `${name}.verifier.name`, { max: 128 }, code);
  }
  if (r.statement !== undefined) {
    if (!isPlainObject(r.statement) || typeof r.statement["type"] !== "string") throw invalid(`"${name}.statement" must be an object with a string "type"`);
    receipt.statement = r.statement as unknown as Statement;
  }
  if (r.asOf !== undefined) {
    assertCalendarDate(r.asOf, `${name}.asOf`, code);
    receipt.asOf = r.asOf as string;
  }
  if (r.responseUrl !== undefined) receipt.responseUrl = assertString(r.responseUrl, `${name}.responseUrl`, { max: 2048 }, code);
  if (r.scope !== undefined) receipt.scope = assertString(r.scope, `${name}.scope`, { max: 512 }, code);
  if (r.purpose !== undefined) receipt.purpose = assertString(r.purpose, `${name}.purpose`, { max: 256 }, code);
  if (r.challenge !== undefined) receipt.challenge = assertFieldElement(r.challenge, `${name}.challenge`, code).toString();
  if (r.issuerSet !== undefined) receipt.issuerSet = assertFieldElement(r.issuerSet, `${name}.issuerSet`, code).toString();
  if (r.issuer !== undefined) {
    if (receipt.outcome !== "shown") throw invalid(`"${name}.issuer" is only for shown receipts`);
    receipt.issuer = assertHex(r.issuer, `${name}.issuer`, 32, code);
  }
  if (r.code !== undefined) {
    if (receipt.outcome !== "refused") throw invalid(`"${name}.code" is only for refusals`);
    receipt.code = assertString(r.code, `${name}.code`, { max: 64 }, code) as MedzkErrorCode;
  }
  if (r.nullifier !== undefined) {
    if (receipt.outcome !== "shown") throw invalid(`"${name}.nullifier" is only for shown receipts`);
    receipt.nullifier = assertFieldElement(r.nullifier, `${name}.nullifier`, code).toString();
  }
  return receipt;
}
