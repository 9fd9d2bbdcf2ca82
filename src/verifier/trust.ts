/**
 * Pipeline step "trust": is the credential's issuer key one this verifier trusts on the as-of
 * day, may its issuer issue the schema, and is the proof's revocation root one the issuer
 * published (current, or replaced less than `maxRootAgeSeconds` ago)?
 *
 * The trust rule: a key is trusted through exactly one source.
 * - `trustedIssuers`: a plain list of keys whose issuers keep no revocation registry. Each key is
 *   an issuer of its own (id = the key), valid on every day, allowed every schema, and accepted
 *   only with the empty revocation root.
 * - `issuers`: a registry with key status, validity days, schema pins and revocation roots.
 * A key in both would escape the registry's decisions (a compromised key, a revoked credential
 * would be accepted through the list), so it is refused: `createVerifier` throws
 * MedzkError("TRUST_CONFLICT") naming the key when the registry can say synchronously that it
 * holds it (`holdsKey`, which MemoryIssuerRegistry and JsonFileIssuerRegistry implement); a
 * conflict that appears later (a key added to the registry, a re-read file) or in a registry
 * without `holdsKey` refuses that key's presentations with UNTRUSTED_ISSUER, failing closed.
 */
import { EMPTY_REVOCATION_ROOT } from "../core/revocation.js";
import { MedzkError } from "../core/errors.js";
import { packPoint, tryUnpackPublicKey, unpackPublicKey } from "../core/public-key.js";
import type { SchemaDefinition } from "../core/schemas.js";
import { type IssuerKeyEntry, type IssuerRecord, type IssuerRegistry, type RevocationRoots, keyRefusal, rootAcceptable } from "./issuer-registry.js";
import { refuse } from "./refusal.js";

/** The issuers a verifier trusts: the `trustedIssuers` keys and the `issuers` registry, never overlapping. */
export interface TrustSources {
  /** The `trustedIssuers` keys. */
  listed: ReadonlySet<string>;
  registry: IssuerRegistry | undefined;
}

/**
 * Checks the policy's trust sources and applies the trust rule (module header). Throws
 * MedzkError: INVALID_ARGUMENT (no source, not a list), INVALID_KEY (a malformed listed key),
 * TRUST_CONFLICT (a listed key the registry holds).
 */
export function trustSources(trustedIssuers: unknown, issuers: IssuerRegistry | undefined): TrustSources {
  const keys = trustedIssuers ?? [];
  if (!Array.isArray(keys)) throw new MedzkError("INVALID_ARGUMENT", `"trustedIssuers" must be an array of public keys`);
  if (issuers !== undefined && (typeof issuers !== "object" || issuers === null || typeof issuers.lookupKey !== "function" || typeof issuers.revocationRoots !== "function")) {
    throw new MedzkError("INVALID_ARGUMENT", `"issuers" must be an IssuerRegistry (lookupKey and revocationRoots)`);
  }
  if (keys.length === 0 && !issuers) {
    throw new MedzkError("INVALID_ARGUMENT", `give "trustedIssuers" (at least one key) or an "issuers" registry`);
  }
  keys.forEach((key, i) => unpackPublicKey(key, `trustedIssuers[${i}]`));
  for (const key of keys as string[]) {
    if (issuers?.holdsKey?.(key)) {
      throw new MedzkError(
        "TRUST_CONFLICT",
        `key ${key} is both in "trustedIssuers" and held by the "issuers" registry; list it in one of them (the registry, to keep its status, validity, schema pins and revocation roots)`,
      );
    }
  }
  return { listed: new Set(keys as string[]), registry: issuers };
}

/** The issuer behind a key, and the roots it accepts. */
interface TrustedKey {
  issuer: IssuerRecord;
  key: IssuerKeyEntry;
  /** False for a listed key, which is accepted only with the empty root. */
  fromRegistry: boolean;
}

/** What the trust step establishes about an accepted presentation. */
export interface TrustedIssuer {
  /** Packed key of the issuer key that signed the credential. */
  publicKey: string;
  /** The issuer's id in the registry (the key itself for `trustedIssuers`). */
  issuerId: string;
}

const EMPTY_ROOTS: RevocationRoots = { current: EMPTY_REVOCATION_ROOT, previous: [] };

/**
 * The trust step: issuer key → key status and validity on `asOf` (YYYYMMDD) → schema allowed →
 * revocation root acceptable at `now`. Refuses with the verifier's codes.
 */
export async function checkTrust(
  sources: TrustSources,
  signals: { issuerAx: bigint; issuerAy: bigint; revocationRoot: bigint },
  schema: SchemaDefinition,
  asOf: number,
  now: Date,
  maxRootAgeMs: number,
): Promise<TrustedIssuer> {
  const publicKey = issuerKeyOf(signals.issuerAx, signals.issuerAy);
  const trusted = publicKey === undefined ? undefined : await lookup(sources, publicKey);
  if (!trusted) refuse("UNTRUSTED_ISSUER", "the credential's issuer is not trusted by this verifier");
  const { issuer, key } = trusted;
  const refusal = registryData(() => keyRefusal(key, asOf));
  if (refusal) refuse(refusal.code, refusal.message);
  if (issuer.schemas && !issuer.schemas.includes(schema.id)) {
    refuse("SCHEMA_NOT_ALLOWED", `issuer ${issuer.id} is not allowed to issue ${schema.id}`);
  }
  const roots = trusted.fromRegistry ? ((await registryCall(() => sources.registry!.revocationRoots(issuer.id))) ?? EMPTY_ROOTS) : EMPTY_ROOTS;
  const status = registryData(() => rootAcceptable(roots, signals.revocationRoot.toString(), now, maxRootAgeMs));
  if (status === "stale") refuse("STALE_REVOCATION_ROOT", "the proof uses a revocation root that was replaced too long ago");
  if (status === "unknown") refuse("UNKNOWN_REVOCATION_ROOT", "the proof uses a revocation root the issuer never published");
  return { publicKey: publicKey!, issuerId: issuer.id };
}

/**
 * The packed key of the proof's issuer point, if the point is exactly a valid public key. The
 * packed form keeps only y and the sign of x, so the signals must be the key's coordinates, not
 * merely pack to the same string.
 */
function issuerKeyOf(ax: bigint, ay: bigint): string | undefined {
  const publicKey = packPoint({ x: ax, y: ay });
  const point = tryUnpackPublicKey(publicKey);
  return point && point.x === ax && point.y === ay ? publicKey : undefined;
}

async function lookup(sources: TrustSources, publicKey: string): Promise<TrustedKey | undefined> {
  const registered = sources.registry ? await registryCall(() => sources.registry!.lookupKey(publicKey)) : undefined;
  if (sources.listed.has(publicKey)) {
    // The trust rule, at verify time: a conflict createVerifier could not see.
    if (registered) refuse("UNTRUSTED_ISSUER", "the issuer key is both in trustedIssuers and in the issuer registry; this verifier's configuration must list it once");
    return { issuer: { id: publicKey, keys: [{ publicKey }] }, key: { publicKey }, fromRegistry: false };
  }
  return registered ? { ...registered, fromRegistry: true } : undefined;
}

/** Registry failures (a file, a network service) refuse the presentation: fail closed. */
async function registryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch {
    return refuse("REGISTRY_UNAVAILABLE", "the issuer registry could not be read; nothing was accepted");
  }
}

/** Malformed data from a (custom) registry refuses the presentation too. */
function registryData<T>(read: () => T): T {
  try {
    return read();
  } catch {
    return refuse("REGISTRY_UNAVAILABLE", "the issuer registry returned malformed data; nothing was accepted");
  }
}
