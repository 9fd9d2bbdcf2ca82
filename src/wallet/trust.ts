/**
 * Who a wallet trusts to ask: the verifiers its holder knows, each an Ed25519 request-signing
 * public key with the name the holder knows it by. The wallet names a verifier only from here,
 * never from a request's text, so a request cannot introduce itself as someone else.
 *
 * Two sources behind one interface, {@link VerifierDirectory}: a plain list (`trustedVerifiers:
 * [...]`) or a registry document (`medzk-verifiers/v1`, from a file in Node or fetched by a
 * page); a later source (an on-chain registry) implements the same `lookup`.
 *
 * A registry entry may narrow what the key may do: the purposes it is registered for (the
 * nullifier scope is the key plus the purpose, so this pins the scopes the holder answers) and the
 * origins its answers may go to (a request's signed `responseUrl` outside them is refused, so a
 * leaked or misused key cannot collect answers elsewhere). A suspended entry is not trusted.
 */
import { MedzkError, type MedzkErrorCode } from "../core/errors.js";
import { type ProofRequest, checkPurpose } from "../core/request.js";
import { assertArray, assertHex, assertObject, assertString, unwrap } from "../core/validate.js";

/** A verifier the holder trusts: its request-signing public key and the name to show for it. */
export interface TrustedVerifier {
  /** The verifier's Ed25519 public key (32 bytes, lowercase hex), as in its requests' `verifier`. */
  publicKey: string;
  /** The name the holder knows the verifier by (1 to 128 characters). */
  name: string;
  /** The request purposes it may ask under ("" for requests without one). Default: any. */
  purposes?: string[];
  /** Origins (e.g. "https://verify.acme.example") its requests' `responseUrl` may name. Default: any. */
  origins?: string[];
  /** "suspended" entries are kept for the record but trusted for nothing. Default "active". */
  status?: "active" | "suspended";
}

/** Where a wallet looks up the verifier behind a request's key. */
export interface VerifierDirectory {
  /**
   * The trusted verifier with this public key, or undefined. May throw (a file that cannot be
   * read, a network failure): the wallet then refuses with REGISTRY_UNAVAILABLE, failing closed.
   */
  lookup(publicKey: string): Promise<TrustedVerifier | undefined>;
}

export const VERIFIER_REGISTRY_FORMAT = "medzk-verifiers/v1";

const ENTRY = { required: ["publicKey", "name"], optional: ["purposes", "origins", "status"] } as const;

function parseEntry(item: unknown, at: string, code: MedzkErrorCode): TrustedVerifier {
  const v = assertObject(item, at, ENTRY, code);
  const entry: TrustedVerifier = {
    publicKey: assertHex(v.publicKey, `${at}.publicKey`, 32, code),
    name: assertString(v.name, `${at}.name`, { max: 128 }, code),
  };
  if (v.purposes !== undefined) {
    // "" stands for requests without a purpose; anything else must be a purpose a request can carry.
    entry.purposes = assertArray(v.purposes, `${at}.purposes`, 64, code).map((p, i) => (p === "" ? p : unwrap(checkPurpose(p, `${at}.purposes[${i}]`), code)));
  }
  if (v.origins !== undefined) {
    entry.origins = assertArray(v.origins, `${at}.origins`, 64, code).map((o, i) => {
      const text = assertString(o, `${at}.origins[${i}]`, { max: 256 }, code);
      // An origin exactly as URL#origin spells it, so comparing strings compares origins.
      let origin: string | undefined;
      try {
        origin = new URL(text).origin;
      } catch {
        origin = undefined;
      }
      if (origin !== text) throw new MedzkError(code, `"${at}.origins[${i}]" must be an origin such as "https://verify.example", got ${JSON.stringify(text)}`);
      return text;
    });
  }
  if (v.status !== undefined) {
    if (v.status !== "active" && v.status !== "suspended") throw new MedzkError(code, `"${at}.status" must be "active" or "suspended"`);
    entry.status = v.status;
  }
  return entry;
}

/** Validates a list of trusted verifiers strictly; one key listed twice is refused (which name would be shown?). */
export function parseTrustList(value: unknown, name = "trustedVerifiers", code: MedzkErrorCode = "INVALID_ARGUMENT"): ReadonlyMap<string, TrustedVerifier> {
  const byKey = new Map<string, TrustedVerifier>();
  assertArray(value, name, undefined, code).forEach((item, i) => {
    const entry = parseEntry(item, `${name}[${i}]`, code);
    if (byKey.has(entry.publicKey)) throw new MedzkError(code, `"${name}[${i}].publicKey" is listed twice`);
    byKey.set(entry.publicKey, entry);
  });
  return byKey;
}

/** A directory over a parsed list. */
function listDirectory(byKey: ReadonlyMap<string, TrustedVerifier>): VerifierDirectory {
  return { lookup: async (publicKey) => byKey.get(publicKey) };
}

/**
 * Parses a verifier registry document, `{ "format": "medzk-verifiers/v1", "verifiers": [...] }`
 * with entries as {@link TrustedVerifier}, strictly (unknown keys, duplicates, malformed origins
 * refused with INVALID_REGISTRY), into a directory. For a registry a page fetches or a service
 * hands out; Node wallets may use `JsonFileVerifierRegistry`, which re-reads its file.
 */
export function parseVerifierRegistry(document: unknown): VerifierDirectory {
  const code = "INVALID_REGISTRY" as const;
  const d = assertObject(document, "verifier registry", { required: ["format", "verifiers"] }, code);
  if (d.format !== VERIFIER_REGISTRY_FORMAT) {
    throw new MedzkError(code, `the verifier registry has format ${JSON.stringify(d.format)}; this version reads "${VERIFIER_REGISTRY_FORMAT}"`);
  }
  return listDirectory(parseTrustList(d.verifiers, "verifiers", code));
}

/** The wallet's `trustedVerifiers` option: a list, or any directory. */
export function verifierDirectory(value: unknown): VerifierDirectory {
  if (Array.isArray(value)) return listDirectory(parseTrustList(value));
  if (typeof value === "object" && value !== null && typeof (value as VerifierDirectory).lookup === "function") return value as VerifierDirectory;
  throw new MedzkError("INVALID_ARGUMENT", `"trustedVerifiers" must be a list of { publicKey, name } or a directory with lookup(publicKey)`);
}

/**
 * Throws UNTRUSTED_VERIFIER unless the entry lets its key make this (signature-checked) request:
 * active, registered for the request's purpose, answering to an allowed origin.
 */
export function checkEntryAllows(entry: TrustedVerifier, request: ProofRequest): void {
  const refuse = (why: string) => new MedzkError("UNTRUSTED_VERIFIER", `${entry.name} ${why}; refusing`);
  if (entry.status === "suspended") throw refuse("is suspended in this wallet's trust list");
  if (entry.purposes !== undefined && !entry.purposes.includes(request.purpose ?? "")) {
    throw refuse(`is not trusted to ask for the purpose ${JSON.stringify(request.purpose ?? "")}`);
  }
  if (entry.origins !== undefined) {
    const origin = request.responseUrl === undefined ? undefined : new URL(request.responseUrl).origin;
    if (origin === undefined || !entry.origins.includes(origin)) throw refuse(`may have answers sent only to ${entry.origins.join(", ")}`);
  }
}
