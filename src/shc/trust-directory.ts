/**
 * The trust directory a SMART Health Card import checks cards against: which card issuers are
 * trusted, their public keys (JWKS) and their card revocation lists, all supplied by the caller
 * as data (no network). The format is the VCI directory's daily snapshot (vci_snapshot.json of
 * github.com/the-commons-project/vci-directory): `{ directory?, time?, issuerInfo: [{ issuer: {
 * iss, name, canonical_iss?, website? }, keys: [JWK…], crls?: [CRL…], … }] }`.
 *
 * Checked strictly, because everything the import trusts comes from here (a mistake throws
 * MedzkError INVALID_SHC_DIRECTORY naming the element):
 * - each key is a public P-256 key for ES256 signatures, and its `kid` is its RFC 7638 SHA-256
 *   thumbprint (SMART Health Cards §Determining keys associated with an issuer) — so one `kid`
 *   names one key wherever it appears, and a private key (`d`) is refused outright;
 * - each CRL is of the `rid` method, for a key of the same issuer, and its `rids` are base64url
 *   identifiers of at most 24 characters with an optional `.timestamp` (§Revocation).
 *
 * NOTE: a key's `x5c` certificate chain is accepted and ignored. Trust comes from the directory
 * the caller chose (the VCI model), not from an X.509 path, which this import does not build.
 */
import { type JWK, calculateJwkThumbprint } from "jose";
import { MedzkError } from "../core/errors.js";
import { assertArray, assertInteger, assertObject, assertString, isPlainObject } from "../core/validate.js";

/** One SMART Health Card public key, as an issuer's JWKS lists it. */
export interface ShcIssuerKey {
  kty: "EC";
  crv: "P-256";
  /** The key's RFC 7638 SHA-256 thumbprint, base64url. */
  kid: string;
  x: string;
  y: string;
  use?: "sig";
  alg?: "ES256";
  /** Version of the key's revocation list; when present the import needs that list (or a later one). */
  crlVersion?: number;
  /** X.509 chain; accepted and ignored (trust comes from the directory). */
  x5c?: string[];
}

/** A card revocation list of one key (§Revocation). */
export interface ShcRevocationList {
  kid: string;
  method: "rid";
  /** Update counter; a key's `crlVersion` asks for this version or a later one. */
  ctr: number;
  /** Revoked `rid`s, each optionally followed by `.` and a time in seconds: cards with `nbf` before it are revoked. */
  rids: string[];
}

/** The trust directory: the VCI directory snapshot format (see the module header). */
export interface ShcTrustDirectory {
  /** Where the snapshot came from (informative). */
  directory?: string;
  /** When it was taken (informative). */
  time?: string;
  issuerInfo: Array<{
    issuer: {
      /** The issuer URL, exactly as cards carry it in `iss` (https, no trailing slash). */
      iss: string;
      /** The name to show for the issuer's cards. */
      name: string;
      canonical_iss?: string;
      website?: string;
    };
    keys: ShcIssuerKey[];
    crls?: ShcRevocationList[];
    /** Fields of the VCI snapshot that describe its retrieval; accepted and ignored. */
    errors?: unknown;
    warnings?: unknown;
    lastRetrieved?: unknown;
    tlsDetails?: unknown;
  }>;
}

/** A trusted issuer, checked. */
export interface TrustedCardIssuer {
  iss: string;
  name: string;
  keys: Map<string, { jwk: JWK; crlVersion: number | undefined }>;
  crls: Map<string, { ctr: number; rids: Map<string, number | undefined> }>;
}

/** A checked directory: issuers by `iss`, and the issuers holding each `kid`. */
export interface CheckedDirectory {
  byIss: Map<string, TrustedCardIssuer>;
  byKid: Map<string, TrustedCardIssuer[]>;
}

const CODE = "INVALID_SHC_DIRECTORY";
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const RID = /^([A-Za-z0-9_-]{1,24})(?:\.([0-9]{1,12}))?$/;
const fail = (message: string) => new MedzkError(CODE, message);

/** Checks a trust directory; throws MedzkError INVALID_SHC_DIRECTORY naming the element at fault. */
export async function checkTrustDirectory(value: unknown): Promise<CheckedDirectory> {
  const doc = assertObject(value, "trustedIssuers", { required: ["issuerInfo"], optional: ["directory", "time"] }, CODE);
  if (doc.directory !== undefined) assertString(doc.directory, "trustedIssuers.directory", { max: 2048 }, CODE);
  if (doc.time !== undefined) assertString(doc.time, "trustedIssuers.time", { max: 64 }, CODE);
  const entries = assertArray(doc.issuerInfo, "trustedIssuers.issuerInfo", 10_000, CODE);
  const byIss = new Map<string, TrustedCardIssuer>();
  const byKid = new Map<string, TrustedCardIssuer[]>();
  for (const [i, raw] of entries.entries()) {
    const name = `trustedIssuers.issuerInfo[${i}]`;
    const entry = assertObject(raw, name, { required: ["issuer", "keys"], optional: ["crls", "errors", "warnings", "lastRetrieved", "tlsDetails"] }, CODE);
    const info = assertObject(entry.issuer, `${name}.issuer`, { required: ["iss", "name"], optional: ["canonical_iss", "website"] }, CODE);
    const iss = checkIss(info.iss, `${name}.issuer.iss`);
    if (info.canonical_iss !== undefined) checkIss(info.canonical_iss, `${name}.issuer.canonical_iss`);
    if (info.website !== undefined) assertString(info.website, `${name}.issuer.website`, { max: 2048 }, CODE);
    if (byIss.has(iss)) throw fail(`"${name}.issuer.iss" ${JSON.stringify(iss)} is listed twice`);
    const issuer: TrustedCardIssuer = { iss, name: assertString(info.name, `${name}.issuer.name`, { max: 256 }, CODE), keys: new Map(), crls: new Map() };
    for (const [k, key] of assertArray(entry.keys, `${name}.keys`, 1000, CODE).entries()) {
      const checked = await checkKey(key, `${name}.keys[${k}]`);
      if (issuer.keys.has(checked.kid)) throw fail(`"${name}.keys[${k}].kid" ${checked.kid} is listed twice`);
      issuer.keys.set(checked.kid, { jwk: checked.jwk, crlVersion: checked.crlVersion });
    }
    if (entry.crls !== undefined) {
      for (const [c, crl] of assertArray(entry.crls, `${name}.crls`, 1000, CODE).entries()) {
        const checked = checkCrl(crl, `${name}.crls[${c}]`);
        if (!issuer.keys.has(checked.kid)) throw fail(`"${name}.crls[${c}].kid" ${checked.kid} is not a key of this issuer`);
        if (issuer.crls.has(checked.kid)) throw fail(`"${name}.crls[${c}]": a second list for key ${checked.kid}`);
        issuer.crls.set(checked.kid, { ctr: checked.ctr, rids: checked.rids });
      }
    }
    byIss.set(iss, issuer);
    for (const kid of issuer.keys.keys()) byKid.set(kid, [...(byKid.get(kid) ?? []), issuer]);
  }
  return { byIss, byKid };
}

/** §Determining keys: "SHALL use the https scheme and SHALL NOT include a trailing /". */
function checkIss(value: unknown, name: string): string {
  const iss = assertString(value, name, { max: 2048 }, CODE);
  if (!URL.canParse(iss) || new URL(iss).protocol !== "https:" || iss.endsWith("/")) {
    throw fail(`"${name}" must be an https URL without a trailing "/", got ${JSON.stringify(iss)}`);
  }
  return iss;
}

async function checkKey(value: unknown, name: string): Promise<{ kid: string; jwk: JWK; crlVersion: number | undefined }> {
  if (isPlainObject(value) && "d" in value) throw fail(`"${name}" is a private key ("d"): a directory lists public keys only`);
  const key = assertObject(value, name, { required: ["kty", "crv", "kid", "x", "y"], optional: ["use", "alg", "crlVersion", "x5c"] }, CODE);
  if (key.kty !== "EC" || key.crv !== "P-256") throw fail(`"${name}" must be an EC P-256 key ("kty": "EC", "crv": "P-256")`);
  if (key.use !== undefined && key.use !== "sig") throw fail(`"${name}.use" must be "sig"`);
  if (key.alg !== undefined && key.alg !== "ES256") throw fail(`"${name}.alg" must be "ES256"`);
  for (const part of ["x", "y", "kid"] as const) {
    const text = key[part];
    if (typeof text !== "string" || text.length > 64 || !BASE64URL.test(text)) throw fail(`"${name}.${part}" must be base64url`);
  }
  const jwk: JWK = { kty: "EC", crv: "P-256", x: key.x as string, y: key.y as string };
  const thumbprint = await calculateJwkThumbprint(jwk, "sha256");
  if (thumbprint !== key.kid) throw fail(`"${name}.kid" must be the key's SHA-256 JWK thumbprint (RFC 7638), ${thumbprint}`);
  const crlVersion = key.crlVersion === undefined ? undefined : assertInteger(key.crlVersion, `${name}.crlVersion`, 1, Number.MAX_SAFE_INTEGER, CODE);
  if (key.x5c !== undefined) {
    for (const [j, cert] of assertArray(key.x5c, `${name}.x5c`, 16, CODE).entries()) assertString(cert, `${name}.x5c[${j}]`, { max: 16384 }, CODE);
  }
  return { kid: key.kid as string, jwk, crlVersion };
}

function checkCrl(value: unknown, name: string): { kid: string; ctr: number; rids: Map<string, number | undefined> } {
  const crl = assertObject(value, name, { required: ["kid", "method", "ctr", "rids"] }, CODE);
  const kid = assertString(crl.kid, `${name}.kid`, { max: 64 }, CODE);
  if (crl.method !== "rid") throw fail(`"${name}.method" must be "rid", the method of SMART Health Cards §Revocation`);
  const ctr = assertInteger(crl.ctr, `${name}.ctr`, 1, Number.MAX_SAFE_INTEGER, CODE);
  const rids = new Map<string, number | undefined>();
  for (const [r, text] of assertArray(crl.rids, `${name}.rids`, 1_000_000, CODE).entries()) {
    const m = typeof text === "string" ? RID.exec(text) : null;
    if (!m) throw fail(`"${name}.rids[${r}]" must be a base64url rid of at most 24 characters, optionally followed by "." and a time in seconds`);
    const rid = m[1]!;
    const until = m[2] === undefined ? undefined : Number(m[2]);
    // Listed twice: the wider revocation wins (no timestamp revokes every card with that rid).
    if (!rids.has(rid)) rids.set(rid, until);
    else {
      const before = rids.get(rid);
      rids.set(rid, before === undefined || until === undefined ? undefined : Math.max(before, until));
    }
  }
  return { kid, ctr, rids };
}
