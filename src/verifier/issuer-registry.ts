/**
 * Issuer registry: where a verifier learns which issuer keys it trusts and for which days, which
 * schemas each issuer may issue, and each issuer's current revocation root.
 *
 * A fixed `trustedIssuers` list cannot express key rotation (old key still accepted until a date,
 * new key from a date), a compromised key (refused at once, whatever its dates) or a revocation
 * root that changes while the verifier runs. The registry interface is asynchronous and minimal
 * so that a database or remote service can implement it; two implementations ship here:
 * - {@link MemoryIssuerRegistry}, configured in code and updated through its methods;
 * - {@link JsonFileIssuerRegistry}, a JSON file re-read when it changes.
 *
 * Registry content is configuration: anything malformed throws MedzkError("INVALID_REGISTRY")
 * naming the field (an unreadable file: "REGISTRY_UNREADABLE"). Unknown properties are refused
 * too, because a misspelt `validUntil` would otherwise silently leave a key valid forever. Days
 * are calendar days "YYYY-MM-DD" and instants follow core/validate's one rule (UTC, "…Z").
 *
 * Returned objects never alias internal state: lookups return deeply frozen snapshots (cheap, and
 * a write throws instead of corrupting the registry); `listIssuers` returns plain deep copies.
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { tryParseDate } from "../core/dates.js";
import { MedzkError, type MedzkErrorCode, type VerifyError } from "../core/errors.js";
import { tryUnpackPublicKey } from "../core/public-key.js";
import {
  assertArray,
  assertCalendarDate,
  assertFieldElement,
  assertInstant,
  assertObject,
  assertString,
  describe,
} from "../core/validate.js";

/**
 * - active: usable within its validity period.
 * - retired: replaced by a newer key; refused on every day. To keep accepting credentials signed
 *   by an old key for a while after rotating, leave it active and set `validUntil` instead.
 * - compromised: refused on every day; never returns to another status.
 */
export type KeyStatus = "active" | "retired" | "compromised";

/** One signing key of an issuer, with the days on which a verifier accepts presentations under it. */
export interface IssuerKeyEntry {
  /** Packed BabyJubJub public key: 64 lowercase hex characters. */
  publicKey: string;
  /** First day (UTC, "YYYY-MM-DD", inclusive) on which presentations under this key are accepted. */
  validFrom?: string;
  /** Last day (UTC, "YYYY-MM-DD", inclusive) on which presentations under this key are accepted. */
  validUntil?: string;
  /** Defaults to "active". */
  status?: KeyStatus;
}

/** An issuer as a verifier knows it: its keys and, optionally, the schemas it may issue. */
export interface IssuerRecord {
  /** 1 to 128 characters, unique in a registry. */
  id: string;
  /** Display name, for people; verification ignores it. */
  name?: string;
  /** At least one. A key belongs to one issuer only. */
  keys: IssuerKeyEntry[];
  /** If present, the only schema ids this issuer may issue; absent means any schema. */
  schemas?: string[];
}

/**
 * An issuer's revocation roots. A verifier accepts proofs against the current root, and against a
 * replaced one for `maxRootAgeSeconds` after its replacement.
 */
export interface RevocationRoots {
  /** Canonical decimal field element. */
  current: string;
  /** Recently replaced roots with the instant (ISO 8601) they stopped being current. */
  previous: Array<{
    /** A replaced root: canonical decimal field element. */
    root: string;
    /** When it stopped being current: ISO 8601 instant with a zone, e.g. "2026-01-31T12:00:00Z". */
    replacedAt: string
  }>;
}

/**
 * Where a verifier looks up issuer keys and revocation roots. Implement it over a database or a
 * service: a rejected promise or malformed data makes the verifier refuse (REGISTRY_UNAVAILABLE).
 */
export interface IssuerRegistry {
  /**
   * Optional, synchronous: whether the registry holds this key now. `createVerifier` uses it to
   * refuse a key that is also in `trustedIssuers` at construction (TRUST_CONFLICT); without it
   * (or for a key added later) the verifier refuses such a key's presentations instead.
   */
  holdsKey?(publicKey: string): boolean;
  /** The issuer owning this key, and the key entry, or undefined. */
  lookupKey(publicKey: string): Promise<{
    /** The issuer that owns the key. */
    issuer: IssuerRecord;
    /** The key's entry: its status and validity days. */
    key: IssuerKeyEntry
  } | undefined>;
  /** The issuer's current revocation root and recently replaced ones; undefined if the issuer publishes none. */
  revocationRoots(issuerId: string): Promise<RevocationRoots | undefined>;
  /**
   * Optional: every issuer. Needed only to hide the issuer among a trusted set (the verifier
   * builds its set from the whole registry: verifier/issuer-sets.ts); without it, such requests
   * are refused.
   */
  listIssuers?(): IssuerRecord[] | Promise<IssuerRecord[]>;
}

/** Why a verifier refuses an issuer key on a day: the verifier's own code and a message. */
export interface KeyRefusal extends VerifyError {
  code: "ISSUER_KEY_RETIRED" | "ISSUER_KEY_COMPROMISED" | "ISSUER_KEY_NOT_VALID";
}

/** How many replaced roots {@link MemoryIssuerRegistry.setRevocationRoot} keeps per issuer. */
export const MAX_PREVIOUS_ROOTS = 32;

/** Format tag of the file {@link JsonFileIssuerRegistry} reads. */
export const ISSUER_REGISTRY_FORMAT = "medzk-issuers/v1";

const MAX_ISSUER_ID = 128;
/** As a schema definition's id (core/schemas): a longer one could never match. */
const MAX_SCHEMA_ID = 128;
const KEY_STATUSES: readonly string[] = ["active", "retired", "compromised"];
/** Code of every malformed record or file content. */
const INVALID = "INVALID_REGISTRY";

/**
 * Why a verifier refuses a key on a UTC day (YYYYMMDD, as produced by `parseDate`), with the
 * verifier's own code, or undefined if the key may be used. Status wins over dates: a compromised
 * key is reported as compromised even when expired. Throws MedzkError (INVALID_DATE for the day,
 * INVALID_REGISTRY for the entry) on malformed input, e.g. an entry from a custom registry:
 * refusing loudly beats guessing.
 */
export function keyRefusal(key: IssuerKeyEntry, asOf: number): KeyRefusal | undefined {
  if (!isDayNumber(asOf)) {
    throw new MedzkError("INVALID_DATE", `"asOf" must be a calendar day as a YYYYMMDD number, got ${describe(asOf)}`);
  }
  const status = key.status ?? "active";
  if (!KEY_STATUSES.includes(status)) {
    throw new MedzkError(INVALID, `"status" must be one of ${KEY_STATUSES.join(", ")}, got ${describe(status)}`);
  }
  if (status === "compromised") return { code: "ISSUER_KEY_COMPROMISED", message: "the issuer key is compromised" };
  if (status === "retired") return { code: "ISSUER_KEY_RETIRED", message: "the issuer key is retired" };
  const from = optionalDay(key.validFrom, "validFrom");
  const until = optionalDay(key.validUntil, "validUntil");
  if (from !== undefined && asOf < from) return { code: "ISSUER_KEY_NOT_VALID", message: `the issuer key is valid from ${key.validFrom}` };
  if (until !== undefined && asOf > until) return { code: "ISSUER_KEY_NOT_VALID", message: `the issuer key was valid until ${key.validUntil}` };
  return undefined;
}

/**
 * Whether a revocation root is acceptable at `now`:
 * - "current": it is the current root;
 * - "recent": it was replaced less than `maxAgeMs` ago (replacedAt > now - maxAgeMs, strictly, so
 *   a root replaced exactly `maxAgeMs` ago is stale). This lets holders who fetched the root just
 *   before a rotation still present;
 * - "stale": it was replaced longer ago;
 * - "unknown": the issuer never published it (as far as the history reaches).
 * Roots compare as strings; registries hold canonical decimals, so a non-canonical spelling of a
 * known root is "unknown".
 */
export function rootAcceptable(
  roots: RevocationRoots,
  root: string,
  now: Date,
  maxAgeMs: number,
): "current" | "recent" | "stale" | "unknown" {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new MedzkError("INVALID_ARGUMENT", `"now" must be a valid Date`);
  }
  if (typeof maxAgeMs !== "number" || !(maxAgeMs >= 0) || !Number.isFinite(maxAgeMs)) {
    throw new MedzkError("INVALID_ARGUMENT", `"maxAgeMs" must be a finite number >= 0, got ${JSON.stringify(maxAgeMs)}`);
  }
  if (root === roots.current) return "current";
  const cutoff = now.getTime() - maxAgeMs;
  let seen = false;
  // The same root may have been current more than once: any recent replacement counts.
  for (const [i, entry] of roots.previous.entries()) {
    if (entry.root !== root) continue;
    const replacedAtMs = assertInstant(entry.replacedAt, `previous[${i}].replacedAt`, INVALID);
    if (replacedAtMs > cutoff) return "recent";
    seen = true;
  }
  return seen ? "stale" : "unknown";
}

/** A registry held in memory, configured in code. */
export class MemoryIssuerRegistry implements IssuerRegistry {
  #state = new RegistryState();

  /** Validates every record; throws INVALID_REGISTRY naming the offending field. */
  constructor(issuers: readonly IssuerRecord[] = []) {
    assertArray(issuers, "issuers", undefined, INVALID);
    issuers.forEach((record, i) => this.#state.addIssuer(validateRecord(record, `issuers[${i}]`), `issuers[${i}]`));
  }

  async lookupKey(publicKey: string): Promise<{
    /** The issuer that owns the key. */
    issuer: IssuerRecord;
    /** The key's entry: its status and validity days. */
    key: IssuerKeyEntry
  } | undefined> {
    return this.#state.lookupKey(publicKey);
  }

  async revocationRoots(issuerId: string): Promise<RevocationRoots | undefined> {
    return this.#state.roots.get(issuerId);
  }

  /** Whether a key belongs to one of the issuers now (synchronous). */
  holdsKey(publicKey: string): boolean {
    return this.#state.holdsKey(publicKey);
  }

  /** Adds an issuer; its id and keys must be new to the registry. */
  addIssuer(record: IssuerRecord): void {
    this.#state.addIssuer(validateRecord(record, "record"), "record");
  }

  /**
   * Changes a key's status: "retired" on rotation, "compromised" on compromise. A compromised key
   * stays compromised (throws INVALID_ARGUMENT): nothing it signed can be trusted again, and a
   * rotation script that retires "all old keys" must not erase the record of a compromise.
   */
  setKeyStatus(publicKey: string, status: KeyStatus): void {
    const found = this.#state.requireKey(publicKey, "publicKey");
    keyStatus(status, "status", "INVALID_ARGUMENT");
    if (found.key.status === "compromised" && status !== "compromised") {
      throw new MedzkError("INVALID_ARGUMENT", `key ${publicKey} is compromised and cannot become ${status}; add a new key instead`);
    }
    const issuer = found.issuer;
    const keys = issuer.keys.map((key) => (key.publicKey === publicKey ? { ...key, status } : key));
    this.#state.replaceIssuer(deepFreeze({ ...issuer, keys }));
  }

  /** Adds a key to an existing issuer (rotation: add the new key, then retire or expire the old one). */
  addKey(issuerId: string, key: IssuerKeyEntry): void {
    const issuer = this.#state.requireIssuer(issuerId);
    const entry = validateKey(key, "key");
    this.#state.assertKeyFree(entry.publicKey, "key.publicKey");
    this.#state.replaceIssuer(deepFreeze({ ...issuer, keys: [...issuer.keys, entry] }));
  }

  /**
   * Publishes a new current root for an issuer. The old current root moves to the front of
   * `previous` with replacedAt = `at` (default now); at most 32 previous
   * roots are kept, oldest dropped. Setting the current root again changes nothing.
   */
  setRevocationRoot(issuerId: string, root: string, at: Date = new Date()): void {
    this.#state.requireIssuer(issuerId);
    assertFieldElement(root, "root");
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new MedzkError("INVALID_ARGUMENT", `"at" must be a valid Date`);
    const old = this.#state.roots.get(issuerId);
    if (old?.current === root) return;
    const previous = old ? [{ root: old.current, replacedAt: at.toISOString() }, ...old.previous] : [];
    this.#state.roots.set(issuerId, deepFreeze({ current: root, previous: previous.slice(0, MAX_PREVIOUS_ROOTS) }));
  }

  /** All issuers, as deep copies the caller may modify freely. */
  listIssuers(): IssuerRecord[] {
    return [...this.#state.issuers.values()].map((record) => structuredClone(record));
  }
}

/**
 * A registry read from a JSON file:
 * `{ "format": "medzk-issuers/v1", "issuers": IssuerRecord[], "revocation": { [issuerId]: RevocationRoots } }`
 * ("revocation" optional; in it, "previous" may be omitted).
 *
 * Each lookup checks the file's modification time, size and inode (one stat; concurrent lookups
 * share it) and re-reads the file when they change, so an operator can rotate keys or publish
 * roots without restarting. A re-read file that is unreadable or invalid does not take effect:
 * the registry keeps serving the last valid content and exposes the error as `lastError` until a
 * valid version is read. Write the file atomically (write elsewhere, then rename) so readers
 * never see half of it.
 */
export class JsonFileIssuerRegistry implements IssuerRegistry {
  /** The registry file, as given to the constructor. */
  readonly path: string;
  #state: RegistryState;
  #signature: string;
  #lastError: Error | undefined;
  #checking: Promise<void> | undefined;

  /**
   * Reads the file now. Throws MedzkError: REGISTRY_UNREADABLE if it cannot be read,
   * INVALID_REGISTRY if its content is malformed.
   */
  constructor(path: string) {
    this.path = assertString(path, "path");
    let text: string;
    try {
      const fd = openSync(path, "r");
      try {
        // The signature is taken before reading: a change during the read then shows on the next check.
        this.#signature = signature(fstatSync(fd, { bigint: true }));
        text = readFileSync(fd, "utf8");
      } finally {
        closeSync(fd);
      }
    } catch (cause) {
      throw new MedzkError("REGISTRY_UNREADABLE", `cannot read issuer registry ${path}: ${(cause as Error).message}`, { cause });
    }
    this.#state = parseRegistryFile(text, path);
  }

  /** Why the latest version of the file was not taken into use, or undefined if it was. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  async lookupKey(publicKey: string): Promise<{
    /** The issuer that owns the key. */
    issuer: IssuerRecord;
    /** The key's entry: its status and validity days. */
    key: IssuerKeyEntry
  } | undefined> {
    await this.refresh();
    return this.#state.lookupKey(publicKey);
  }

  async revocationRoots(issuerId: string): Promise<RevocationRoots | undefined> {
    await this.refresh();
    return this.#state.roots.get(issuerId);
  }

  /** All issuers of the file's current version (re-read if it changed), as deep copies. */
  async listIssuers(): Promise<IssuerRecord[]> {
    await this.refresh();
    return [...this.#state.issuers.values()].map((record) => structuredClone(record));
  }

  /** Whether the content in use holds the key (synchronous: the file is not re-checked). */
  holdsKey(publicKey: string): boolean {
    return this.#state.holdsKey(publicKey);
  }

  /** Re-reads the file if it changed. Never rejects: failures land in `lastError`. */
  refresh(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    try {
      if (signature(await stat(this.path, { bigint: true })) === this.#signature) return;
      const handle = await open(this.path, "r");
      try {
        const current = signature(await handle.stat({ bigint: true }));
        const text = await handle.readFile("utf8");
        // Remember this version even if invalid, so that it is not re-parsed on every lookup.
        this.#signature = current;
        this.#state = parseRegistryFile(text, this.path);
        this.#lastError = undefined;
      } finally {
        await handle.close();
      }
    } catch (error) {
      this.#lastError =
        error instanceof MedzkError ? error : new MedzkError("REGISTRY_UNREADABLE", `cannot read issuer registry ${this.path}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  }
}

// ---------------------------------------------------------------------------------------------

interface KeyBinding {
  issuer: IssuerRecord;
  key: IssuerKeyEntry;
}

/** Validated, deeply frozen records with a key index. */
class RegistryState {
  readonly issuers = new Map<string, IssuerRecord>();
  readonly roots = new Map<string, RevocationRoots>();
  readonly #byKey = new Map<string, KeyBinding>();

  lookupKey(publicKey: string): KeyBinding | undefined {
    return typeof publicKey === "string" ? this.#byKey.get(publicKey) : undefined;
  }

  holdsKey(publicKey: string): boolean {
    return this.lookupKey(publicKey) !== undefined;
  }

  /** Adds a validated record, checking its id and keys are new (all checks before any change). */
  addIssuer(record: IssuerRecord, name: string): void {
    if (this.issuers.has(record.id)) {
      throw new MedzkError(INVALID, `"${name}.id": issuer ${JSON.stringify(record.id)} is already registered`);
    }
    record.keys.forEach((key, i) => this.assertKeyFree(key.publicKey, `${name}.keys[${i}].publicKey`));
    this.replaceIssuer(record);
  }

  /** Stores a record (new or updated) and points each of its keys at it. */
  replaceIssuer(record: IssuerRecord): void {
    this.issuers.set(record.id, record);
    for (const key of record.keys) this.#byKey.set(key.publicKey, Object.freeze({ issuer: record, key }));
  }

  assertKeyFree(publicKey: string, name: string): void {
    const owner = this.#byKey.get(publicKey);
    if (owner) {
      throw new MedzkError(INVALID, `"${name}": key ${publicKey} already belongs to issuer ${JSON.stringify(owner.issuer.id)}`);
    }
  }

  requireIssuer(issuerId: string): IssuerRecord {
    const issuer = typeof issuerId === "string" ? this.issuers.get(issuerId) : undefined;
    if (!issuer) throw new MedzkError("INVALID_ARGUMENT", `unknown issuer ${JSON.stringify(issuerId)}`);
    return issuer;
  }

  requireKey(publicKey: string, name: string): KeyBinding {
    if (tryUnpackPublicKey(publicKey) === undefined) {
      throw new MedzkError("INVALID_KEY", `"${name}" must be a packed BabyJubJub public key (64 lowercase hex characters)`);
    }
    const found = this.#byKey.get(publicKey);
    if (!found) throw new MedzkError("INVALID_ARGUMENT", `"${name}": key ${publicKey} is not registered`);
    return found;
  }
}

function parseRegistryFile(text: string, path: string): RegistryState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new MedzkError(INVALID, `issuer registry ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  try {
    return buildState(json);
  } catch (error) {
    if (error instanceof MedzkError) throw new MedzkError(error.code, `issuer registry ${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

const FILE_SHAPE = { required: ["format", "issuers"], optional: ["revocation"] } as const;
const RECORD_SHAPE = { required: ["id", "keys"], optional: ["name", "schemas"] } as const;
const KEY_SHAPE = { required: ["publicKey"], optional: ["validFrom", "validUntil", "status"] } as const;
const ROOTS_SHAPE = { required: ["current"], optional: ["previous"] } as const;
const PREVIOUS_SHAPE = { required: ["root", "replacedAt"] } as const;

/**
 * The content of a `medzk-issuers/v1` file, as written (a `previous` list may be omitted).
 * docs/schemas/medzk-issuers-v1.schema.json is its JSON Schema; docs/issuers.md describes it.
 */
export interface IssuerRegistryFile {
  format: typeof ISSUER_REGISTRY_FORMAT;
  issuers: IssuerRecord[];
  /** Per issuer id: its revocation roots. */
  revocation?: Record<string, Omit<RevocationRoots, "previous"> & Partial<Pick<RevocationRoots, "previous">>>;
}

/**
 * Checks a parsed registry file exactly as {@link JsonFileIssuerRegistry} reads it and returns
 * it, typed; throws INVALID_REGISTRY naming the first offending field. For tools that write the
 * file (medzk issuers …): what they write must be what verifiers accept.
 */
export function assertIssuerRegistryFile(json: unknown): IssuerRegistryFile {
  buildState(json);
  return json as IssuerRegistryFile;
}

function buildState(json: unknown): RegistryState {
  const file = assertObject(json, "file", FILE_SHAPE, INVALID);
  if (file.format !== ISSUER_REGISTRY_FORMAT) {
    throw new MedzkError(INVALID, `"format" must be ${JSON.stringify(ISSUER_REGISTRY_FORMAT)}, got ${describe(file.format)}`);
  }
  const state = new RegistryState();
  assertArray(file.issuers, "issuers", undefined, INVALID).forEach((record, i) => state.addIssuer(validateRecord(record, `issuers[${i}]`), `issuers[${i}]`));
  if (file.revocation !== undefined) {
    const revocation = assertObject(file.revocation, "revocation", { required: [], optional: [...state.issuers.keys()] }, INVALID);
    for (const [issuerId, roots] of Object.entries(revocation)) {
      state.roots.set(issuerId, validateRoots(roots, `revocation[${JSON.stringify(issuerId)}]`));
    }
  }
  return state;
}

/** A deeply frozen copy of a valid record, holding only the known properties. */
function validateRecord(value: unknown, name: string): IssuerRecord {
  const record = assertObject(value, name, RECORD_SHAPE, INVALID);
  const out: IssuerRecord = { id: issuerId(record.id, `${name}.id`), keys: [] };
  if (record.name !== undefined) out.name = assertString(record.name, `${name}.name`, { min: 0 }, INVALID);
  const keys = assertArray(record.keys, `${name}.keys`, undefined, INVALID);
  if (keys.length === 0) throw new MedzkError(INVALID, `"${name}.keys" must be an array of at least one key`);
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    const entry = validateKey(key, `${name}.keys[${i}]`);
    if (seen.has(entry.publicKey)) throw new MedzkError(INVALID, `"${name}.keys[${i}].publicKey": key ${entry.publicKey} is listed twice`);
    seen.add(entry.publicKey);
    out.keys.push(entry);
  });
  if (record.schemas !== undefined) {
    // An empty list would let the issuer issue nothing; more likely meant as "no restriction",
    // which is spelt by omitting the property.
    const schemas = assertArray(record.schemas, `${name}.schemas`, undefined, INVALID);
    if (schemas.length === 0) throw new MedzkError(INVALID, `"${name}.schemas" must be a non-empty array of schema ids (omit it to allow any schema)`);
    out.schemas = schemas.map((schema, i) => {
      const id = codePoints(schema, `${name}.schemas[${i}]`, MAX_SCHEMA_ID);
      // As with keys: a duplicate is a slip (a typo'd neighbour, a merge), never a meaning.
      if (schemas.indexOf(schema) !== i) throw new MedzkError(INVALID, `"${name}.schemas[${i}]": schema ${JSON.stringify(id)} is listed twice`);
      return id;
    });
  }
  return deepFreeze(out);
}

function validateKey(value: unknown, name: string): IssuerKeyEntry {
  const key = assertObject(value, name, KEY_SHAPE, INVALID);
  if (tryUnpackPublicKey(key.publicKey) === undefined) {
    throw new MedzkError(INVALID, `"${name}.publicKey" must be a packed BabyJubJub public key (64 lowercase hex characters)`);
  }
  const out: IssuerKeyEntry = { publicKey: key.publicKey as string };
  const from = key.validFrom === undefined ? undefined : assertCalendarDate(key.validFrom, `${name}.validFrom`, INVALID);
  const until = key.validUntil === undefined ? undefined : assertCalendarDate(key.validUntil, `${name}.validUntil`, INVALID);
  if (from !== undefined && until !== undefined && from > until) {
    throw new MedzkError(INVALID, `"${name}.validFrom" (${key.validFrom}) is after "${name}.validUntil" (${key.validUntil})`);
  }
  if (from !== undefined) out.validFrom = key.validFrom as string;
  if (until !== undefined) out.validUntil = key.validUntil as string;
  if (key.status !== undefined) out.status = keyStatus(key.status, `${name}.status`, INVALID);
  return deepFreeze(out);
}

/**
 * A string of 1 to `max` characters, counted as Unicode code points: the unit of JSON Schema's
 * maxLength (RFC 8259 characters), so the published schema and this parser agree on every id.
 */
function codePoints(value: unknown, name: string, max: number): string {
  const length = typeof value === "string" ? [...value].length : 0;
  if (typeof value !== "string" || length < 1 || length > max) {
    throw new MedzkError(INVALID, `"${name}" must be a string of 1 to ${max} characters, got ${describe(value)}`);
  }
  return value;
}

function issuerId(value: unknown, name: string): string {
  return codePoints(value, name, MAX_ISSUER_ID);
}

function keyStatus(value: unknown, name: string, code: MedzkErrorCode): KeyStatus {
  if (typeof value !== "string" || !KEY_STATUSES.includes(value)) {
    throw new MedzkError(code, `"${name}" must be one of ${KEY_STATUSES.join(", ")}, got ${describe(value)}`);
  }
  return value as KeyStatus;
}

function validateRoots(value: unknown, name: string): RevocationRoots {
  const roots = assertObject(value, name, ROOTS_SHAPE, INVALID);
  assertFieldElement(roots.current, `${name}.current`, INVALID);
  const out: RevocationRoots = { current: roots.current as string, previous: [] };
  const previous = roots.previous === undefined ? [] : assertArray(roots.previous, `${name}.previous`, undefined, INVALID);
  previous.forEach((item, i) => {
    const entry = assertObject(item, `${name}.previous[${i}]`, PREVIOUS_SHAPE, INVALID);
    assertFieldElement(entry.root, `${name}.previous[${i}].root`, INVALID);
    assertInstant(entry.replacedAt, `${name}.previous[${i}].replacedAt`, INVALID);
    out.previous.push({ root: entry.root as string, replacedAt: entry.replacedAt as string });
  });
  return deepFreeze(out);
}

function optionalDay(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : assertCalendarDate(value, name, INVALID);
}

function isDayNumber(value: unknown): value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return false;
  const text = String(value).padStart(8, "0");
  return tryParseDate(`${text.slice(0, -4)}-${text.slice(-4, -2)}-${text.slice(-2)}`) === value;
}

function signature(stats: { mtimeNs: bigint; size: bigint; ino: bigint; dev: bigint }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
