/**
 * Importing a SMART Health Card (SMART Health Cards Framework 1.x, spec.smarthealth.cards): a
 * `.smart-health-card` file, a compact JWS, or the numeric `shc:/` QR text (chunked sets too) is
 * verified against a trust directory the caller supplies and its FHIR Bundle returned, parsed
 * strictly.
 *
 * The order of the checks is chosen so that nothing inside the card is believed before its
 * signature verifies: the header names the key (`kid`, an RFC 7638 thumbprint, so one kid is one
 * key in the whole directory), the signature is verified with it, and only then are the claims
 * read, the issuer matched (`iss` must be an issuer holding that key), the dates, the revocation
 * list and the Bundle checked. When the key is unknown, the (still unverified) `iss` is read for
 * one purpose only: to tell an untrusted issuer from an unknown key of a trusted one.
 *
 * JOSE is jose's (compactVerify, importJWK), DEFLATE is fflate's (inflateSync into a buffer of
 * the bound, so a DEFLATE bomb cannot grow past it); both run in browsers and Node.
 */
import type { Bundle } from "@medplum/fhirtypes";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { inflateSync } from "fflate";
import { base64url, compactVerify, errors, importJWK } from "jose";
import { assertClock, assertObject, checkObject, isPlainObject } from "../core/validate.js";
import { parseCardBundle } from "./card-bundle.js";
import { decodeQrTexts, isQrText } from "./numeric-qr.js";
import { Refused, type SmartHealthCardRefusal } from "./refusal.js";
import { type CheckedDirectory, type ShcTrustDirectory, type TrustedCardIssuer, checkTrustDirectory } from "./trust-directory.js";

/** Longest compact JWS imported, in characters (the spec's largest examples are about 3 000; a QR code holds at most 1 195). */
export const SHC_MAX_JWS_LENGTH = 65_536;
/** Largest inflated payload, in bytes: the bound that stops DEFLATE bombs (the spec's largest example inflates to about 30 000). */
export const SHC_MAX_PAYLOAD_BYTES = 262_144;
/** Most cards in one `.smart-health-card` file. */
export const SHC_MAX_CARDS = 16;
/** Longest input text (a file, a JWS or QR texts), in characters. */
const MAX_INPUT_LENGTH = 2 * SHC_MAX_CARDS * SHC_MAX_JWS_LENGTH;
const HEALTH_CARD_TYPE = "https://smarthealth.cards#health-card";
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const RID = /^[A-Za-z0-9_-]{1,24}$/;

/** A `.smart-health-card` file's content (§User Retrieves Health Cards, via File Download). */
export interface SmartHealthCardFile {
  verifiableCredential: string[];
}

/** What {@link importSmartHealthCard} checks a card against. */
export interface ImportSmartHealthCardOptions {
  /** The trusted card issuers with their keys and revocation lists, in the VCI directory snapshot format. */
  trustedIssuers: ShcTrustDirectory;
  /** The clock `nbf` and `exp` are compared with; default: the system clock. */
  clock?: () => Date;
}

/** A verified SMART Health Card. */
export interface ImportedSmartHealthCard {
  /** The card's issuer: its `iss`, and its name in the trust directory. */
  issuer: { iss: string; name: string };
  /** The signing key's id (its JWK thumbprint). */
  kid: string;
  /** SHA-256 of the compact JWS (its ASCII bytes), hex: names this very card in records. */
  jwsSha256: string;
  /** The compact JWS itself. */
  jws: string;
  /** `nbf`: when the card was issued, an ISO instant. */
  issuedAt: string;
  /** `exp`, when the card has one: an ISO instant. */
  expiresAt?: string;
  /** The card's revocation id, when it has one. */
  rid?: string;
  /** `vc.type`: the health card type and the others the issuer listed. */
  types: string[];
  /** `vc.credentialSubject.fhirVersion` (4.0.x: FHIR R4). */
  fhirVersion: string;
  /** The card's FHIR Bundle, parsed strictly. */
  bundle: Bundle;
}

/** The outcome of an import: the cards (one per JWS of a file), or why the input was refused. */
export type SmartHealthCardImport = { ok: true; cards: ImportedSmartHealthCard[] } | { ok: false; error: SmartHealthCardRefusal };

/**
 * Verifies and imports SMART Health Cards. `input` is one of:
 * - a `.smart-health-card` file: its text, or the parsed `{ "verifiableCredential": [JWS, …] }`;
 * - a compact JWS;
 * - `shc:/` QR text: one code, or the chunks of a chunked set (an array, or one text with the
 *   chunks separated by white space), in any order.
 *
 * Each card must: be an ES256 compact JWS with `zip: "DEF"`; be signed by a key its `kid` names
 * among the keys of a trusted issuer, that issuer being the card's `iss`; have `nbf` not after
 * the clock and `exp` (if any) not before it; not be revoked by its key's list (a key with a
 * `crlVersion` needs that list, or the card is refused); and carry a FHIR R4 Bundle the strict
 * parser accepts. A file is imported whole or not at all.
 *
 * Never throws for the card: a refusal is `{ ok: false, error: { code, message } }` (codes in
 * {@link SmartHealthCardRefusalCode}). Throws MedzkError INVALID_SHC_DIRECTORY for a malformed
 * trust directory and INVALID_ARGUMENT for other options.
 */
export async function importSmartHealthCard(input: string | readonly string[] | SmartHealthCardFile, options: ImportSmartHealthCardOptions): Promise<SmartHealthCardImport> {
  const o = assertObject(options, "options", { required: ["trustedIssuers"], optional: ["clock"] });
  const directory = await checkTrustDirectory(o.trustedIssuers);
  const clock = assertClock(o.clock);
  try {
    const list = readInput(input);
    const cards: ImportedSmartHealthCard[] = [];
    for (const [i, jws] of list.entries()) {
      try {
        cards.push(await verifyCard(jws, directory, clock()));
      } catch (error) {
        if (error instanceof Refused && list.length > 1) throw new Refused(error.code, `verifiableCredential[${i}]: ${error.message}`);
        throw error;
      }
    }
    return { ok: true, cards };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}

/** The compact JWSs of the input. */
function readInput(input: unknown): string[] {
  if (Array.isArray(input)) {
    if (input.length === 0 || input.length > 64 || !input.every((t): t is string => typeof t === "string")) {
      throw new Refused("MALFORMED_INPUT", "an array input must be 1 to 64 shc:/ texts (the chunks of one card)");
    }
    const texts = input.map((t) => t.trim());
    if (texts.reduce((n, t) => n + t.length, 0) > MAX_INPUT_LENGTH) throw new Refused("TOO_LARGE", `the input is over ${MAX_INPUT_LENGTH} characters`);
    if (!texts.every(isQrText)) throw new Refused("MALFORMED_INPUT", "an array input must be shc:/ texts (the chunks of one card)");
    return [decodeQrTexts(texts)];
  }
  if (typeof input === "string") {
    if (input.length > MAX_INPUT_LENGTH) throw new Refused("TOO_LARGE", `the input is over ${MAX_INPUT_LENGTH} characters`);
    const text = input.trim();
    if (isQrText(text)) return [decodeQrTexts(text.split(/\s+/))];
    if (text.startsWith("{")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Refused("MALFORMED_INPUT", "the input starts like a .smart-health-card file but is not JSON");
      }
      return readFile(parsed);
    }
    return [text];
  }
  if (isPlainObject(input)) return readFile(input);
  throw new Refused("MALFORMED_INPUT", "the input must be a .smart-health-card file, a compact JWS or shc:/ QR text");
}

function readFile(value: unknown): string[] {
  const file = checkObject(value, "file", { required: ["verifiableCredential"] });
  if (!file.ok) throw new Refused("MALFORMED_INPUT", `a .smart-health-card file is { "verifiableCredential": [JWS, …] }: ${file.message}`);
  const list = file.value.verifiableCredential;
  if (!Array.isArray(list) || list.length === 0 || !list.every((jws): jws is string => typeof jws === "string")) {
    throw new Refused("MALFORMED_INPUT", `"verifiableCredential" must be a non-empty array of compact JWS strings`);
  }
  if (list.length > SHC_MAX_CARDS) throw new Refused("TOO_LARGE", `a file of ${list.length} cards; at most ${SHC_MAX_CARDS} are imported at once`);
  return list;
}

async function verifyCard(jws: string, directory: CheckedDirectory, now: Date): Promise<ImportedSmartHealthCard> {
  if (jws.length > SHC_MAX_JWS_LENGTH) throw new Refused("TOO_LARGE", `the JWS is ${jws.length} characters, over ${SHC_MAX_JWS_LENGTH}`);
  const parts = jws.split(".");
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new Refused("MALFORMED_JWS", "not a compact JWS (three non-empty base64url parts separated by dots)");
  }
  const kid = readHeader(parts[0]!);

  const holders = directory.byKid.get(kid);
  if (holders === undefined) throw unknownKey(kid, parts[1]!, directory);
  // One kid is one key (a thumbprint), so any holder's copy verifies; its crlVersion is the matched issuer's, below.
  const { jwk } = holders[0]!.keys.get(kid)!;
  let compressed: Uint8Array;
  try {
    ({ payload: compressed } = await compactVerify(jws, await importJWK(jwk, "ES256"), { algorithms: ["ES256"] }));
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new Refused("BAD_SIGNATURE", `the signature does not verify under key ${kid}`);
    throw new Refused("MALFORMED_JWS", `the JWS does not parse: ${(error as Error).message}`);
  }

  const claims = readClaims(inflate(compressed));
  // The key verified the card; the card's iss must be an issuer holding that key.
  const issuer = holders.find((candidate) => candidate.iss === claims.iss);
  if (issuer === undefined) {
    throw new Refused("UNTRUSTED_ISSUER", `the card says it is from ${JSON.stringify(claims.iss)}, but its key ${kid} belongs to ${holders.map((h) => h.iss).join(", ")}`);
  }
  if (claims.nbf * 1000 > now.getTime()) throw new Refused("NOT_YET_VALID", `the card is valid from ${instant(claims.nbf)} ("nbf"), after ${now.toISOString()}`);
  // §Expiration: reject "an exp value that is before the current verification date-time".
  if (claims.exp !== undefined && claims.exp * 1000 < now.getTime()) throw new Refused("EXPIRED", `the card expired at ${instant(claims.exp)} ("exp")`);
  checkRevocation(issuer, kid, issuer.keys.get(kid)!.crlVersion, claims);

  const card: ImportedSmartHealthCard = {
    issuer: { iss: issuer.iss, name: issuer.name },
    kid,
    jwsSha256: bytesToHex(sha256(utf8ToBytes(jws))),
    jws,
    issuedAt: instant(claims.nbf),
    types: claims.types,
    fhirVersion: claims.fhirVersion,
    bundle: parseCardBundle(claims.bundle),
  };
  if (claims.exp !== undefined) card.expiresAt = instant(claims.exp);
  if (claims.rid !== undefined) card.rid = claims.rid;
  return card;
}

/** The header's kid, after checking it is exactly { alg: "ES256", zip: "DEF", kid } (§Health Cards are Compact). */
function readHeader(part: string): string {
  const header = decodeJson(part);
  if (!isPlainObject(header)) throw new Refused("MALFORMED_JWS", "the JWS header is not a JSON object");
  if (header["alg"] !== "ES256") throw new Refused("ALG_NOT_ES256", `the JWS header's "alg" must be "ES256", got ${JSON.stringify(header["alg"] ?? null)}`);
  if (header["zip"] !== "DEF") throw new Refused("ZIP_NOT_DEF", `the JWS header's "zip" must be "DEF", got ${JSON.stringify(header["zip"] ?? null)}`);
  const shaped = checkObject(header, "header", { required: ["alg", "zip", "kid"] });
  if (!shaped.ok) throw new Refused("MALFORMED_JWS", `the JWS header must be { alg, zip, kid }: ${shaped.message}`);
  const kid = header["kid"];
  if (typeof kid !== "string" || kid.length > 64 || !BASE64URL.test(kid)) throw new Refused("MALFORMED_JWS", `the JWS header's "kid" must be a base64url key thumbprint`);
  return kid;
}

/** A key no trusted issuer holds: an untrusted issuer, or an unknown (or removed) key of a trusted one. */
function unknownKey(kid: string, payload: string, directory: CheckedDirectory): Refused {
  // Unverified, read only to choose the code; bounded like any payload.
  let iss: unknown;
  try {
    iss = (readJson(inflate(base64url.decode(payload))) as { iss?: unknown } | null)?.iss;
  } catch {
    iss = undefined;
  }
  if (typeof iss === "string" && !directory.byIss.has(iss)) return new Refused("UNTRUSTED_ISSUER", `the card's issuer ${JSON.stringify(iss)} is not in the trust directory`);
  const whose = typeof iss === "string" ? ` of ${iss}` : "";
  return new Refused("UNKNOWN_KID", `key ${kid} is not a key${whose} in the trust directory (an unknown, or removed, key)`);
}

/** §Revocation: a key with crlVersion needs its list at that version or later; a listed rid (before its timestamp, if any) is revoked. */
function checkRevocation(issuer: TrustedCardIssuer, kid: string, crlVersion: number | undefined, claims: Claims): void {
  const crl = issuer.crls.get(kid);
  if (crlVersion !== undefined && (crl === undefined || crl.ctr < crlVersion)) {
    const held = crl === undefined ? "none" : `version ${crl.ctr}`;
    throw new Refused("REVOCATION_UNKNOWN", `key ${kid} publishes revocation list version ${crlVersion}; the trust directory holds ${held}`);
  }
  if (crl === undefined || claims.rid === undefined || !crl.rids.has(claims.rid)) return;
  const until = crl.rids.get(claims.rid);
  if (until === undefined || claims.nbf < until) {
    throw new Refused("REVOKED", `the card (rid ${claims.rid}) is revoked by its issuer${until === undefined ? "" : ` (cards issued before ${instant(until)})`}`);
  }
}

/** The raw DEFLATE payload, inflated into a buffer one byte over the bound: filling it means over. */
function inflate(compressed: Uint8Array): Uint8Array {
  let out: Uint8Array;
  try {
    out = inflateSync(compressed, { out: new Uint8Array(SHC_MAX_PAYLOAD_BYTES + 1) });
  } catch (error) {
    throw new Refused("MALFORMED_PAYLOAD", `the payload is not raw DEFLATE: ${(error as Error).message}`);
  }
  if (out.length > SHC_MAX_PAYLOAD_BYTES) throw new Refused("TOO_LARGE", `the payload inflates to over ${SHC_MAX_PAYLOAD_BYTES} bytes`);
  return out;
}

interface Claims {
  iss: string;
  nbf: number;
  exp: number | undefined;
  rid: string | undefined;
  types: string[];
  fhirVersion: string;
  bundle: unknown;
}

/** The JWT claims of §Issuer Generates Results: { iss, nbf, exp?, vc: { type, credentialSubject: { fhirVersion, fhirBundle }, rid? } }. */
function readClaims(bytes: Uint8Array): Claims {
  const fail = (message: string) => new Refused("MALFORMED_PAYLOAD", message);
  let json: unknown;
  try {
    json = readJson(bytes);
  } catch {
    throw fail("the payload is not UTF-8 JSON");
  }
  const payload = checkObject(json, "payload", { required: ["iss", "nbf", "vc"], optional: ["exp"] });
  if (!payload.ok) throw fail(payload.message);
  const { iss, nbf, exp, vc: rawVc } = payload.value;
  if (typeof iss !== "string" || iss.length === 0 || iss.length > 2048) throw fail(`"iss" must be the issuer's URL`);
  if (!isTime(nbf)) throw fail(`"nbf" must be a time in seconds`);
  if (exp !== undefined && !isTime(exp)) throw fail(`"exp" must be a time in seconds`);
  const vc = checkObject(rawVc, "vc", { required: ["type", "credentialSubject"], optional: ["rid"] });
  if (!vc.ok) throw fail(vc.message);
  const { type, credentialSubject, rid } = vc.value;
  // Other types are allowed, and ignored ("SHALL ignore any additional type elements they do not understand").
  if (!Array.isArray(type) || type.length > 32 || !type.every((t): t is string => typeof t === "string") || !type.includes(HEALTH_CARD_TYPE)) {
    throw fail(`"vc.type" must be an array of strings holding "${HEALTH_CARD_TYPE}"`);
  }
  if (rid !== undefined && (typeof rid !== "string" || !RID.test(rid))) throw fail(`"vc.rid" must be at most 24 base64url characters`);
  const subject = checkObject(credentialSubject, "vc.credentialSubject", { required: ["fhirVersion", "fhirBundle"] });
  if (!subject.ok) throw fail(subject.message);
  const { fhirVersion, fhirBundle } = subject.value;
  if (typeof fhirVersion !== "string" || !/^4\.0\.[0-9]{1,3}$/.test(fhirVersion)) throw fail(`"vc.credentialSubject.fhirVersion" must be a FHIR R4 version (4.0.x), got ${JSON.stringify(fhirVersion)}`);
  return { iss, nbf: nbf as number, exp: exp as number | undefined, rid: rid as string | undefined, types: type, fhirVersion, bundle: fhirBundle };
}

const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0 && value < 253_402_300_800;
const instant = (seconds: number): string => new Date(Math.floor(seconds * 1000)).toISOString();

function readJson(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

function decodeJson(part: string): unknown {
  try {
    return readJson(base64url.decode(part));
  } catch {
    throw new Refused("MALFORMED_JWS", "the JWS header is not base64url JSON");
  }
}
