/**
 * The verifier: issues requests and checks presentations against them.
 *
 * `verify` treats the presentation as hostile. It never throws; every refusal is a typed result
 * with a stable code. It checks, in order: shape; that the echoed request carries this verifier's
 * MAC (so the statement, as-of date, scope, challenge and expiry are the verifier's own); expiry;
 * the exact count and canonical form of the public signals; each public signal against the value
 * the verifier expects (as-of date, statement parameters, challenge, scope); the issuer key
 * (trusted, valid on the as-of date, not retired or compromised, allowed to issue the schema);
 * the revocation root (the issuer's current one, or one replaced less than `maxRootAgeSeconds`
 * ago); the Groth16 proof under the pinned verification key; and last, that the challenge was
 * not used before.
 */
import { hexToBytes, randomBytes } from "@noble/hashes/utils";
import { type VerificationKey, verificationKey } from "../artifacts/manifest.js";
import { type ChallengeStore, MemoryChallengeStore } from "./challenge-store.js";
import { parseDate, utcDate } from "../core/dates.js";
import { MedzkError, type VerifyError, type VerifyErrorCode } from "../core/errors.js";
import { parseCanonical, randomFieldElement } from "../core/field.js";
import { threadedCurve } from "../groth16/curve.js";
import { type PreparedKey, prepareKey } from "../groth16/prepared-key.js";
import { type ParsedProof, parseProof } from "../groth16/proof.js";
import { checkProof, checkProofs } from "../groth16/verify.js";
import { packPoint, tryUnpackPublicKey, unpackPublicKey } from "../core/public-key.js";
import { type IssuerRegistry, MemoryIssuerRegistry, type RevocationRoots, keyRefusal, rootAcceptable } from "./issuer-registry.js";
import { EMPTY_REVOCATION_ROOT } from "../core/revocation.js";
import { type AttributeValue, BUILTIN_SCHEMAS, type SchemaDefinition, decodeValue, defineSchema, slotOf } from "../core/schemas.js";
import { PRESENTATION_FORMAT } from "../core/presentation.js";
import {
  type ProofRequest,
  REQUEST_FORMAT,
  macEquals,
  requestMac,
  scopeField,
  tryParseRequest,
  validScope,
} from "../core/request.js";
import {
  type SchemaResolver,
  type Statement,
  STATEMENT_TYPES,
  type StatementType,
  flattenInputs,
  normaliseStatement,
  statementDefinition,
} from "../statements/registry.js";

/** What a verifier accepts. Give `scope` and `trustedIssuers` or `issuers` (or both). */
export interface VerifierPolicy {
  /**
   * Packed public keys of issuers that keep no revocation registry: their credentials are
   * accepted only against the empty revocation root. Use `issuers` for anything richer.
   */
  trustedIssuers?: readonly string[];
  /** Issuers with keys, validity periods, schema pins and revocation roots. */
  issuers?: IssuerRegistry;
  /** Definitions of user-defined schemas this verifier queries (built-ins are always known). */
  schemas?: readonly SchemaDefinition[];
  /** This verifier's scope, e.g. "acme-health/claims". Nullifiers are per scope. */
  scope: string;
  /** Lifetime of a request in seconds. Default 300. */
  requestTtlSeconds?: number;
  /** How long a replaced revocation root stays acceptable, in seconds. Default 3600. */
  maxRootAgeSeconds?: number;
  /**
   * HMAC key (hex, at least 32 bytes) authenticating requests. Instances that share it can verify
   * each other's requests. Default: a random key per verifier object.
   */
  requestKey?: string;
  /** Where used challenges are recorded. Default: in memory (one instance only). */
  challengeStore?: ChallengeStore;
  /** The verifier's clock, injectable for tests. The as-of date is its UTC calendar day. */
  clock?: () => Date;
  /**
   * Spread the curve work of `verifyBatch` over worker threads, one per core (ffjavascript's
   * thread pool, shared with the prover). Batches smaller than `minBatch` (default 8) stay in
   * this thread. Idle workers do not keep the process alive. Default: off (one thread).
   */
  parallel?: boolean | {
    /** Smallest batch (a positive integer) whose curve work goes to the workers. */
    minBatch?: number
  };
}

/** An accepted presentation: what it proved, for which request. Its challenge is now used up. */
export interface VerifySuccess {
  /** Always true. */
  ok: true;
  /** The statement proven: the verifier's own, from the request it issued. */
  statement: Statement;
  /** Poseidon(holder secret, scope): the same for one holder within this scope. */
  nullifier: string;
  /** Packed key of the trusted issuer key that signed the credential. */
  issuer: string;
  /** The issuer's id in the registry (the key itself for `trustedIssuers`). */
  issuerId: string;
  /** Attributes the query asked to disclose (dates "YYYY-MM-DD", integers, booleans, enum values; free strings as `{ encoded }`). */
  disclosed?: Record<string, AttributeValue | {
    /** The field encoding (decimal): compare it with `encodeString(candidate)`. */
    encoded: string
  }>;
  /** The UTC calendar day "YYYY-MM-DD" the statement was proven on (the request's as-of date). */
  asOf: string;
  /** This verifier's scope. */
  scope: string;
  /** The answered request's challenge (decimal); a second presentation for it is refused. */
  challenge: string;
}

/** A refused presentation: nothing about it was accepted. */
export interface VerifyFailure {
  /** Always false. */
  ok: false;
  /** Why it was refused: a stable code and a message. */
  error: VerifyError;
}

/** The outcome of a verification; check `ok` before reading anything else. */
export type VerifyResult = VerifySuccess | VerifyFailure;

/** Options of `Verifier.verify`. */
export interface VerifyOptions {
  /**
   * The request (or its challenge) the caller is waiting for. Without it, any unexpired request
   * this verifier issued is accepted and the caller must look at `result.statement`/`challenge`.
   */
  expected?: ProofRequest | string;
}

/** A verifier for one policy, from {@link createVerifier}: issues requests and checks the answers. */
export interface Verifier {
  /** The policy's scope, carried by every request this verifier issues. */
  readonly scope: string;
  /**
   * A new request for `statement`: fresh challenge, the clock's UTC day as the as-of date, expiry
   * `requestTtlSeconds` ahead, MAC. Throws MedzkError for an invalid statement or unknown schema.
   */
  createRequest(options: { statement: Statement }): ProofRequest;
  /**
   * Checks a presentation from a holder (untrusted JSON). Never throws: refusals are
   * `{ ok: false, error }`. A success uses up the request's challenge.
   */
  verify(presentation: unknown, options?: VerifyOptions): Promise<VerifyResult>;
  /**
   * Verifies many presentations: one result per presentation, in order, each exactly what
   * `verify` would return. All per-item checks run on every item; the Groth16 pairing checks of
   * items with the same verification key are done together (random linear combination, one final
   * exponentiation), falling back to finding exactly which items are bad.
   */
  verifyBatch(presentations: readonly unknown[]): Promise<VerifyResult[]>;
}

const DEFAULT_TTL_SECONDS = 300;

/**
 * Keys prepared for the curve (β, γ, δ line coefficients, e(α, β)), shared by every verifier in
 * the process: they come from the pinned artifacts, so they are the same for all of them.
 */
const preparedKeys = new Map<StatementType, Promise<PreparedKey>>();
function preparedKeyOf(t: StatementType, vk: VerificationKey): Promise<PreparedKey> {
  let p = preparedKeys.get(t);
  if (!p) {
    p = prepareKey(vk);
    // A failure is not kept: the next verification retries.
    p.catch(() => preparedKeys.delete(t));
    preparedKeys.set(t, p);
  }
  return p;
}
const DEFAULT_MIN_PARALLEL_BATCH = 8;

function parallelThreshold(parallel: VerifierPolicy["parallel"]): number {
  if (parallel === undefined || parallel === false) return Number.POSITIVE_INFINITY;
  if (parallel === true) return DEFAULT_MIN_PARALLEL_BATCH;
  const min = typeof parallel === "object" && parallel !== null ? (parallel.minBatch ?? DEFAULT_MIN_PARALLEL_BATCH) : Number.NaN;
  if (!Number.isInteger(min) || min < 1) throw new MedzkError("INVALID_ARGUMENT", `"parallel" must be a boolean or { minBatch: positive integer }`);
  return min;
}

class Refusal {
  constructor(readonly code: VerifyErrorCode, readonly message: string) {}
}
const refuse: (code: VerifyErrorCode, message: string) => never = (code, message) => {
  throw new Refusal(code, message);
};

/**
 * Creates a verifier. Checks the policy and the bundled verification keys at once: throws
 * MedzkError (INVALID_ARGUMENT, INVALID_KEY, ARTIFACT_INTEGRITY) for configuration mistakes.
 */
export function createVerifier(policy: VerifierPolicy): Verifier {
  if (typeof policy !== "object" || policy === null) throw new MedzkError("INVALID_ARGUMENT", `"policy" must be an object`);
  if (!validScope(policy.scope)) throw new MedzkError("INVALID_ARGUMENT", `"scope" must be a string of 1 to 256 characters`);
  const registry = issuerRegistryOf(policy);
  const schemas = schemaResolver(policy.schemas);
  const maxRootAgeMs = 1000 * (policy.maxRootAgeSeconds ?? DEFAULT_MAX_ROOT_AGE_SECONDS);
  if (!Number.isFinite(maxRootAgeMs) || maxRootAgeMs < 0) {
    throw new MedzkError("INVALID_ARGUMENT", `"maxRootAgeSeconds" must be a non-negative number`);
  }
  const ttl = policy.requestTtlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    throw new MedzkError("INVALID_ARGUMENT", `"requestTtlSeconds" must be an integer from 1 to 86400`);
  }
  const minParallelBatch = parallelThreshold(policy.parallel);
  const macKey = policy.requestKey === undefined ? randomBytes(32) : parseRequestKey(policy.requestKey);
  const clock = policy.clock ?? (() => new Date());
  const store = policy.challengeStore ?? new MemoryChallengeStore({ now: () => clock().getTime() });
  const scope = policy.scope;
  const scopeSignal = scopeField(scope);
  // Pinned keys are checked now (a broken install fails at configuration time, not per request)
  // and prepared for the curve on first use.
  const keys = new Map(STATEMENT_TYPES.map((t) => [t, verificationKey(statementDefinition(t).circuit)]));
  const preparedKey = (t: StatementType) => preparedKeyOf(t, keys.get(t)!);

  function createRequest(options: { statement: Statement }): ProofRequest {
    const statement = normaliseStatement(options?.statement, schemas);
    const now = clock();
    const unsigned = {
      format: REQUEST_FORMAT,
      challenge: randomFieldElement().toString(),
      scope,
      asOf: utcDate(now),
      statement,
      expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
    } as const;
    return { ...unsigned, mac: requestMac(macKey, unsigned) };
  }

  /** Everything but the pairing check and the challenge consumption. */
  async function precheck(presentation: unknown, options: VerifyOptions | undefined): Promise<Checked> {
    if (typeof presentation !== "object" || presentation === null || Array.isArray(presentation)) {
      refuse("MALFORMED_PRESENTATION", "a presentation must be a JSON object");
    }
    const p = presentation as Record<string, unknown>;
    if (p["format"] !== PRESENTATION_FORMAT) refuse("MALFORMED_PRESENTATION", `"format" must be "${PRESENTATION_FORMAT}"`);
    const request = tryParseRequest(p["request"]) ?? refuse("MALFORMED_PRESENTATION", `"request" is not a well-formed request`);
    const signals = p["publicSignals"];
    if (!Array.isArray(signals)) refuse("MALFORMED_PRESENTATION", `"publicSignals" must be an array`);

    // The MAC makes every request field the verifier's own choice, statement and as-of date included.
    if (!macEquals(requestMac(macKey, request), request.mac) || request.scope !== scope) {
      refuse("UNKNOWN_REQUEST", "the request was not issued by this verifier or was altered");
    }
    const awaited = options?.expected;
    if (awaited !== undefined) {
      const challenge = typeof awaited === "string" ? awaited : awaited?.challenge;
      if (request.challenge !== challenge) refuse("REQUEST_MISMATCH", "the presentation answers a different request");
    }
    const expiresAt = Date.parse(request.expiresAt);
    if (clock().getTime() >= expiresAt) refuse("REQUEST_EXPIRED", `the request expired at ${request.expiresAt}`);

    const statement = request.statement;
    const def = statementDefinition(statement.type);
    const schema = def.schema(statement, schemas);
    const key = keys.get(statement.type)!;
    const values = signals as unknown[];
    if (values.length !== key.nPublic || values.length !== def.signals.length) {
      refuse("PUBLIC_SIGNAL_COUNT", `expected ${key.nPublic} public signals, got ${values.length}`);
    }
    const parsed = values.map((v, i) =>
      parseCanonical(v) ?? refuse("NON_CANONICAL_SIGNAL", `public signal ${i} (${def.signals[i]}) is not a canonical decimal below the field order`),
    );
    const byName = new Map(def.signals.map((name, i) => [name, parsed[i]!]));

    // Every input signal but the issuer key and the revocation root is the verifier's own value.
    const expected = flattenInputs({
      asOfDate: BigInt(parseDate(request.asOf, "asOf")),
      challenge: BigInt(request.challenge),
      scope: scopeSignal,
      ...def.publicInputs(statement, schema),
    });
    for (const [name, value] of expected) {
      if (byName.get(name) !== value) {
        const code = MISMATCH_CODES[name] ?? "STATEMENT_MISMATCH";
        refuse(code, `public signal ${name} differs from the request`);
      }
    }

    const asOf = parseDate(request.asOf, "asOf");
    // The packed form keeps only y and the sign of x, so the signals must be exactly the key's
    // coordinates, not merely pack to the same string.
    const [ax, ay] = [byName.get("issuerAx")!, byName.get("issuerAy")!];
    const publicKey = packPoint({ x: ax, y: ay });
    const point = tryUnpackPublicKey(publicKey);
    const issuer = point && point.x === ax && point.y === ay ? await registryCall(() => registry.lookupKey(publicKey)) : undefined;
    if (!issuer) refuse("UNTRUSTED_ISSUER", "the credential's issuer is not trusted by this verifier");
    const refusal = registryData(() => keyRefusal(issuer!.key, asOf));
    if (refusal) refuse(KEY_REFUSAL_CODES[refusal], `the issuer key is refused: ${refusal.toLowerCase().replaceAll("_", " ")}`);
    if (issuer!.issuer.schemas && !issuer!.issuer.schemas.includes(schema.id)) {
      refuse("SCHEMA_NOT_ALLOWED", `issuer ${issuer!.issuer.id} is not allowed to issue ${schema.id}`);
    }
    const root = byName.get("revocationRoot")!.toString();
    const roots = (await registryCall(() => registry.revocationRoots(issuer!.issuer.id))) ?? EMPTY_ROOTS;
    const rootStatus = registryData(() => rootAcceptable(roots, root, clock(), maxRootAgeMs));
    if (rootStatus === "stale") refuse("STALE_REVOCATION_ROOT", "the proof uses a revocation root that was replaced too long ago");
    if (rootStatus === "unknown") refuse("UNKNOWN_REVOCATION_ROOT", "the proof uses a revocation root the issuer never published");

    const proof = parseProof(p["proof"]) ?? refuse("MALFORMED_PROOF", "the proof is not a canonical Groth16 proof");

    const result: VerifySuccess = {
      ok: true,
      statement,
      nullifier: byName.get("nullifier")!.toString(),
      issuer: publicKey,
      issuerId: issuer!.issuer.id,
      asOf: request.asOf,
      scope,
      challenge: request.challenge,
    };
    if (statement.type === "query" && statement.disclose) {
      result.disclosed = Object.fromEntries(
        statement.disclose.map((name, d) => [name, decodeValue(schema.attributes[slotOf(schema, name)!]!, byName.get(`disclosed[${d}]`)!)]),
      );
    }
    return { type: statement.type, signals: parsed, proof, challenge: request.challenge, expiresAt, result };
  }

  /** Consumes the challenge of a presentation whose proof verified: the last step, by design. */
  async function accept(checked: Checked): Promise<VerifySuccess> {
    let fresh: boolean;
    try {
      fresh = await store.consume(checked.challenge, checked.expiresAt);
    } catch {
      return refuse("STORE_UNAVAILABLE", "the challenge store is unreachable; nothing was accepted");
    }
    if (!fresh) refuse("REQUEST_REPLAYED", "this request was already answered");
    return checked.result;
  }

  async function verify(presentation: unknown, options?: VerifyOptions): Promise<VerifyResult> {
    return settle(async () => {
      const checked = await precheck(presentation, options);
      const outcome = await checkProof(await preparedKey(checked.type), checked.signals, checked.proof);
      if (!outcome.ok) refuse(outcome.reason, outcome.message);
      return accept(checked);
    });
  }

  async function verifyBatch(presentations: readonly unknown[]): Promise<VerifyResult[]> {
    if (!Array.isArray(presentations)) throw new MedzkError("INVALID_ARGUMENT", `"presentations" must be an array`);
    // Every per-item check runs for every item; only the pairing checks are batched, one random
    // linear combination per verification key.
    const checked: Array<Checked | VerifyFailure> = await Promise.all(presentations.map((p) => settle(() => precheck(p, undefined))));
    const pending = checked.flatMap((c, i) => (isFailure(c) ? [] : [i]));
    const pool = pending.length >= minParallelBatch ? await threadedCurve() : undefined;
    for (const type of STATEMENT_TYPES) {
      const indices = checked.flatMap((c, i) => (!isFailure(c) && c.type === type ? [i] : []));
      if (indices.length === 0) continue;
      const items = indices.map((i) => checked[i] as Checked);
      const outcomes = await checkProofs(await preparedKey(type), items.map((c) => ({ signals: c.signals, proof: c.proof })), pool ? { pool } : {});
      indices.forEach((i, k) => {
        const outcome = outcomes[k]!;
        if (!outcome.ok) checked[i] = { ok: false, error: { code: outcome.reason, message: outcome.message } };
      });
    }
    const results: VerifyResult[] = [];
    // Consumed in order, so of two copies of one presentation in a batch the first is accepted.
    for (const c of checked) results.push(isFailure(c) ? c : await settle(() => accept(c)));
    return results;
  }

  return { scope, createRequest, verify, verifyBatch };
}

interface Checked {
  type: StatementType;
  signals: bigint[];
  proof: ParsedProof;
  challenge: string;
  expiresAt: number;
  result: VerifySuccess;
}

function isFailure(value: unknown): value is VerifyFailure {
  return (value as VerifyFailure).ok === false;
}

/** Runs a check, turning refusals (and anything unexpected) into typed results: never throws. */
async function settle<T>(check: () => Promise<T>): Promise<T | VerifyFailure> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, error: { code: err.code, message: err.message } };
    // Not reachable by design; if it is, refuse rather than throw at the caller.
    return { ok: false, error: { code: "INTERNAL_ERROR", message: "verification failed unexpectedly" } };
  }
}

const DEFAULT_MAX_ROOT_AGE_SECONDS = 3600;
const EMPTY_ROOTS: RevocationRoots = { current: EMPTY_REVOCATION_ROOT, previous: [] };

const MISMATCH_CODES: Record<string, VerifyErrorCode> = {
  asOfDate: "AS_OF_MISMATCH",
  challenge: "CHALLENGE_MISMATCH",
  scope: "SCOPE_MISMATCH",
};

const KEY_REFUSAL_CODES: Record<NonNullable<ReturnType<typeof keyRefusal>>, VerifyErrorCode> = {
  KEY_RETIRED: "ISSUER_KEY_RETIRED",
  KEY_COMPROMISED: "ISSUER_KEY_COMPROMISED",
  KEY_NOT_YET_VALID: "ISSUER_KEY_NOT_VALID",
  KEY_EXPIRED: "ISSUER_KEY_NOT_VALID",
};

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

/**
 * The verifier's issuer registry: `issuers` if given, with each `trustedIssuers` key added as an
 * issuer of its own that publishes no revocation root (so only the empty root is accepted).
 */
function issuerRegistryOf(policy: VerifierPolicy): IssuerRegistry {
  const keys = policy.trustedIssuers ?? [];
  if (!Array.isArray(keys)) throw new MedzkError("INVALID_ARGUMENT", `"trustedIssuers" must be an array of public keys`);
  if (keys.length === 0 && !policy.issuers) {
    throw new MedzkError("INVALID_ARGUMENT", `give "trustedIssuers" (at least one key) or an "issuers" registry`);
  }
  keys.forEach((key, i) => unpackPublicKey(key, `trustedIssuers[${i}]`));
  const static_ = new MemoryIssuerRegistry([...new Set(keys)].map((publicKey) => ({ id: publicKey, keys: [{ publicKey }] })));
  const dynamic = policy.issuers;
  if (!dynamic) return static_;
  return {
    async lookupKey(publicKey) {
      return (await static_.lookupKey(publicKey)) ?? dynamic.lookupKey(publicKey);
    },
    async revocationRoots(issuerId) {
      return (await static_.lookupKey(issuerId)) ? undefined : dynamic.revocationRoots(issuerId);
    },
  };
}

/** Built-in schemas plus the verifier's pinned definitions, by id. */
function schemaResolver(pinned: readonly SchemaDefinition[] | undefined): SchemaResolver {
  const byId = new Map<string, SchemaDefinition>();
  for (const definition of pinned ?? []) {
    const schema = defineSchema(definition);
    const builtin = BUILTIN_SCHEMAS[schema.id];
    if (byId.has(schema.id) || (builtin && JSON.stringify(builtin) !== JSON.stringify(schema))) {
      throw new MedzkError("INVALID_ARGUMENT", `schema id "${schema.id}" is defined twice`);
    }
    byId.set(schema.id, schema);
  }
  return (id) => BUILTIN_SCHEMAS[id] ?? byId.get(id);
}

function parseRequestKey(key: unknown): Uint8Array {
  if (typeof key !== "string" || !/^([0-9a-f]{2}){32,}$/.test(key)) {
    throw new MedzkError("INVALID_ARGUMENT", `"requestKey" must be at least 32 bytes of lowercase hex`);
  }
  return hexToBytes(key);
}
