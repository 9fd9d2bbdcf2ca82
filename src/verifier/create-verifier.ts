/**
 * The verifier: issues requests and checks presentations against them.
 *
 * `verify` treats the presentation as hostile. It never throws; every refusal is a typed result
 * with a stable code. It runs the pipeline of ./steps.ts, ./trust.ts and ./replay.ts:
 *
 * 1. parse: the envelope and the proof, strictly (MALFORMED_PRESENTATION, MALFORMED_PROOF);
 * 2. request authenticity: signed by this verifier's key (so its scope is this verifier's), the
 *    awaited request, expiry; then a read of the challenge store: a challenge already used is
 *    refused here (REQUEST_REPLAYED), so a replay costs a parse, the own-signature check and a
 *    store read, no curve work (ChallengeStore.isUsed); then the key: the circuit and
 *    verification key the presentation names are the ones this verifier uses for the request
 *    (KEY_MISMATCH, before any pairing);
 * 3. statement and signals: their count and canonical form, each predictable signal equal to
 *    the request's value (as-of date, statement parameters, challenge, scope);
 * 4. trust: the issuer key (trusted, valid on the as-of date, not retired or compromised, allowed
 *    to issue the schema) and the revocation root (the issuer's current one, or one replaced less
 *    than `maxRootAgeSeconds` ago); the trust rule is in ./trust.ts. For a request that hides the
 *    issuer (`issuerSet`), the circuit proves both against the set named in the request, and this
 *    step checks that set is still acceptable (./issuer-sets.ts);
 * 5. pairing: groth16's checkProof under the pinned verification key (shipped, or the `keys`
 *    manifest's; points on the curve, B in
 *    G2's subgroup, the pairing equation);
 * 6. replay: the challenge is consumed, last, so only a verified presentation can use it up;
 *    this atomic consume, not the read of step 2, is what accepts a challenge once.
 *
 * `verifyBatch` runs steps 1-4 on every item, step 5 as one randomized batch equation per
 * verification key, and step 6 in order.
 */
import { hexToBytes } from "@noble/hashes/utils";
import { verificationKey } from "../artifacts/manifest.js";
import { type CheckedKey, type KeySet, checkKeySet, shippedKeyId } from "../artifacts/key-manifest.js";
import type { VerificationKey } from "../core/verification-key.js";
import { parseDate, utcDate } from "../core/dates.js";
import { DEFAULT_MAX_ROOT_AGE_SECONDS, DEFAULT_REQUEST_TTL_SECONDS, MAX_REQUEST_TTL_SECONDS } from "../core/defaults.js";
import { MedzkError } from "../core/errors.js";
import { randomFieldElement } from "../core/field.js";
import { type ProofRequest, REQUEST_FORMAT, type UnsignedRequest, checkPurpose, checkResponseUrl, scopeField, verifierScope } from "../core/request.js";
import { type AttributeValue, BUILTIN_SCHEMAS, type SchemaDefinition, decodeValue, defineSchema, slotOf } from "../core/schemas.js";
import { assertClock, assertInteger, assertString, unwrap } from "../core/validate.js";
import { threadedCurve } from "../groth16/curve.js";
import { type PreparedKey, prepareKey } from "../groth16/prepared-key.js";
import type { ParsedProof } from "../groth16/proof.js";
import { checkProof, checkProofs } from "../groth16/verify.js";
import { ISSUER_MODES, type SchemaResolver, type Statement, STATEMENT_TYPES, parseStatement, statementDefinition } from "../statements/registry.js";
import type { IssuerSet } from "../core/issuer-set.js";
import { IssuerSets } from "./issuer-sets.js";
import { type ChallengeStore, MemoryChallengeStore } from "./challenge-store.js";
import type { IssuerRegistry } from "./issuer-registry.js";
import { type InternalErrorContext, type InternalErrorHook, type VerifyFailure, isFailure, refuse, settle } from "./refusal.js";
import { DEFAULT_MICRO_BATCH, type MicroBatchOptions, PairingBatcher } from "./micro-batch.js";
import { consumeChallenge, refuseUsedChallenge } from "./replay.js";
import { checkAuthenticity, checkKey, checkSignals, parseStep } from "./steps.js";
import { type TrustSources, checkTrust, trustSources } from "./trust.js";
import { type VerifierKey, parseVerifierKey, signRequest } from "./verifier-key.js";

export type { InternalErrorContext, InternalErrorHook, VerifyFailure } from "./refusal.js";
export type { MicroBatchOptions } from "./micro-batch.js";

/** What a verifier accepts. Give `key` and `trustedIssuers` or `issuers` (or both, for different keys). */
export interface VerifierPolicy {
  /**
   * The verifier's signing key pair ({@link generateVerifierKey}). Every request is signed with
   * it, holders check the signature before proving, and `verify` accepts only requests carrying
   * it: instances that share the key can verify each other's requests. The nullifier scope is
   * derived from its public key (see `purpose`), so no other verifier can obtain this one's
   * nullifiers.
   */
  key: VerifierKey;
  /** A display name (1-128 characters), for logs; holders name a verifier from their own trust list, never from this. */
  name?: string;
  /**
   * A purpose label (1-64 of A-Z a-z 0-9 . _ -), signed into every request: the scope becomes
   * "medzk-verifier:<public key>/<purpose>", so one key may keep unlinkable scopes per purpose.
   */
  purpose?: string;
  /**
   * Where holders send their answers: an absolute https: URL (http: for localhost), signed into
   * every request so a relayed request cannot divert the answer; wallets post only there.
   */
  responseUrl?: string;
  /**
   * Packed public keys of issuers that keep no revocation registry: their credentials are
   * accepted only against the empty revocation root. Use `issuers` for anything richer. A key
   * may not also be held by `issuers` (TRUST_CONFLICT; the trust rule in verifier/trust.ts).
   */
  trustedIssuers?: readonly string[];
  /** Issuers with keys, validity periods, schema pins and revocation roots. */
  issuers?: IssuerRegistry;
  /**
   * Production keys from the deployment's own phase-2 ceremony (`loadKeys(manifest)`, see
   * SECURITY.md), instead of the keys shipped in the package. Only the circuits the manifest
   * names can then be asked for and verified; a presentation made with another key (the shipped
   * one, say) is refused as KEY_MISMATCH. Checked at creation (hash pins, the R1CS of this
   * version, a phase-2 contribution): INVALID_KEY_MANIFEST, ARTIFACT_INTEGRITY.
   */
  keys?: KeySet;
  /** Definitions of user-defined schemas this verifier queries (built-ins are always known). */
  schemas?: readonly SchemaDefinition[];
  /** Lifetime of a request in seconds. Default 300. */
  requestTtlSeconds?: number;
  /** How long a replaced revocation root stays acceptable, in seconds. Default 3600. */
  maxRootAgeSeconds?: number;
  /** Where used challenges are recorded. Default: in memory (one instance only). */
  challengeStore?: ChallengeStore;
  /** The verifier's clock, injectable for tests. The as-of date is its UTC calendar day. */
  clock?: () => Date;
  /**
   * Called with the cause of every INTERNAL_ERROR result (a bug, or a failure nothing else
   * catches), for logging; the result itself carries only the code and a fixed message. Errors
   * the hook throws are ignored.
   */
  onInternalError?: InternalErrorHook;
  /**
   * Spread the curve work of `verifyBatch` over worker threads, one per core (ffjavascript's
   * thread pool, shared with the prover). Batches smaller than `minBatch` (default 8) stay in
   * this thread. Idle workers do not keep the process alive. Default: off (one thread).
   */
  parallel?: boolean | {
    /** Smallest batch (a positive integer) whose curve work goes to the workers. */
    minBatch?: number
  };
  /**
   * Micro-batching of `verify`: the pairing checks of single verifications arriving within
   * `windowMs` of each other (at most `maxBatch`) are checked as one randomized batch, as
   * `verifyBatch` does, and each caller gets its own result: exactly what it would get alone
   * (a bad presentation changes no other's result, only delays it by at most the window and one
   * batch). Everything before the pairing (parsing, signature, replay read, signals, trust) and
   * the challenge consumption after it stay per call. With `parallel`, a batch of `minBatch` or
   * more also spreads over the worker threads. `true` is `{ windowMs: 2, maxBatch: 64 }`.
   * Default: off (each `verify` checks its own pairing at once).
   */
  microBatch?: boolean | MicroBatchOptions;
}

/** An accepted presentation: what it proved, for which request. Its challenge is now used up. */
export interface VerifySuccess {
  /** Always true. */
  ok: true;
  /** The statement proven: the verifier's own, from the request it issued. */
  statement: Statement;
  /** Poseidon(holder secret, scope): the same for one holder within this scope. */
  nullifier: string;
  /** Packed key of the trusted issuer key that signed the credential. Absent when the request hid the issuer. */
  issuer?: string;
  /** The issuer's id in the registry (the key itself for `trustedIssuers`). Absent when the request hid the issuer. */
  issuerId?: string;
  /**
   * When the request hid the issuer: the root of the trusted issuer set the credential's issuer
   * is proven to belong to (the request's `issuerSet`). Which member it is stays unknown.
   */
  issuerSet?: string;
  /** Attributes the query asked to disclose (dates "YYYY-MM-DD", integers, booleans, enum values; free strings as `{ encoded }`). */
  disclosed?: Record<string, AttributeValue | {
    /** The field encoding (decimal): compare it with `encodeString(candidate)`. */
    encoded: string
  }>;
  /** The UTC calendar day "YYYY-MM-DD" the statement was proven on (the request's as-of date). */
  asOf: string;
  /** This verifier's scope, "medzk-verifier:<public key>[/<purpose>]". */
  scope: string;
  /** The answered request's challenge (decimal); a second presentation for it is refused. */
  challenge: string;
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
/** What {@link Verifier.createRequest} and {@link Verifier.createHiddenRequest} take. */
export interface RequestOptions {
  /** What to ask: a {@link Statement}, validated at run time. */
  statement: Statement | Record<string, unknown>;
  /** Where the answer goes for this request, instead of the policy's `responseUrl`. */
  responseUrl?: string;
}

export interface Verifier {
  /**
   * The nullifier scope, derived from the key and purpose: "medzk-verifier:<public key>[/<purpose>]".
   * Nullifiers are stable within it and unlinkable across scopes.
   */
  readonly scope: string;
  /** The verifier's Ed25519 public key (hex): its identity in every request. */
  readonly publicKey: string;
  /** The policy's display name, if any. */
  readonly name: string | undefined;
  /**
   * A new request for `statement`: fresh challenge, the clock's UTC day as the as-of date, expiry
   * `requestTtlSeconds` ahead, the verifier's key, purpose and response URL, signed. `statement` is a {@link Statement}, validated at run time
   * (it may come straight from JSON): throws MedzkError (INVALID_STATEMENT, UNKNOWN_STATEMENT,
   * UNKNOWN_SCHEMA, INVALID_DATE, INVALID_ATTRIBUTE) for one this verifier cannot ask for.
   * The request names the issuer (key mode). A request that hides the issuer is made by
   * {@link Verifier.createHiddenRequest} only: `issuerSet` here throws INVALID_ARGUMENT, because
   * this synchronous call cannot read the issuer registry and so cannot tell whether a set it
   * built earlier is still current (a revocation, compromise or deletion since then would be
   * signed into a fresh request).
   *
   * `responseUrl`, when given, replaces the policy's for this request (an absolute https: URL,
   * http: for localhost; INVALID_ARGUMENT otherwise): the OpenID4VP endpoints sign their own
   * direct_post `response_uri` into the requests they make (docs/openid4vp.md).
   */
  createRequest(options: RequestOptions): ProofRequest;
  /**
   * A request that hides the issuer, with the set it names: rebuilds the statement's trusted set
   * from the trust sources now (so it never signs a set the registry has already moved past),
   * then signs a request naming that set's root (a fresh challenge, as createRequest). The
   * proof shows only that a key of that set signed the credential, and the result names the set,
   * not the issuer; `verify` checks the set against the registry as it is then
   * (docs/hidden-issuer.md, "When a change takes effect"). Publish `issuerSet` to the holder with
   * the request. Throws MedzkError: the codes of createRequest and of {@link Verifier.issuerSet},
   * or whatever the registry throws. `responseUrl` as for createRequest.
   */
  createHiddenRequest(options: RequestOptions): Promise<{
    /** The signed request, naming `issuerSet.root`. */
    request: ProofRequest;
    /** The set document the holder proves against. */
    issuerSet: IssuerSet;
  }>;
  /**
   * The current trusted issuer set for the statement's schema, rebuilt from this verifier's trust
   * sources (verifier/issuer-sets.ts), to publish to holders (like an issuer's revocation status);
   * {@link Verifier.createHiddenRequest} rebuilds it and signs a request naming it. Throws MedzkError:
   * the statement's codes (see createRequest), INVALID_ARGUMENT (a registry without
   * `listIssuers`), INVALID_ISSUER_SET (more than 4,096 members, malformed registry data).
   */
  issuerSet(options: { statement: Statement | Record<string, unknown> }): Promise<IssuerSet>;
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
  verifyBatch(presentations: readonly unknown[], options?: VerifyBatchOptions): Promise<VerifyResult[]>;
}

/** Options of `Verifier.verifyBatch`. */
export interface VerifyBatchOptions {
  /**
   * One awaited request (or its challenge) per presentation, in the same order: item i is
   * refused with REQUEST_MISMATCH unless it answers `expected[i]`. An array of another length
   * is a caller mistake (throws INVALID_ARGUMENT).
   */
  expected?: ReadonlyArray<ProofRequest | string>;
}

/** A presentation that passed every step before the pairing check. */
interface Checked {
  /** The circuit whose key checks the proof. */
  circuit: string;
  signals: bigint[];
  proof: ParsedProof;
  challenge: string;
  /** The request's expiry, ms since the epoch. */
  expiresAtMs: number;
  result: VerifySuccess;
}

/** A policy after its checks: what the pipeline steps read. */
interface Settings {
  scope: string;
  scopeSignal: bigint;
  publicKey: string;
  privateKey: Uint8Array;
  name: string | undefined;
  purpose: string | undefined;
  responseUrl: string | undefined;
  clock: () => Date;
  ttlMs: number;
  maxRootAgeMs: number;
  minParallelBatch: number;
  /** The micro-batching of `verify`, or undefined when it is off. */
  microBatch: Required<MicroBatchOptions> | undefined;
  store: ChallengeStore;
  trust: TrustSources;
  sets: IssuerSets;
  schemas: SchemaResolver;
  onInternalError: InternalErrorHook | undefined;
  /** The production keys by circuit, if the policy gives `keys`. */
  keys: Map<string, CheckedKey> | undefined;
}

const DEFAULT_MIN_PARALLEL_BATCH = 8;

/**
 * Creates a verifier. Checks the policy and the bundled verification keys at once: throws
 * MedzkError for configuration mistakes: INVALID_ARGUMENT (a policy field, or the removed
 * `scope` and `requestKey`), INVALID_KEY (the signing key or a trusted key), TRUST_CONFLICT (a key both in `trustedIssuers` and the `issuers` registry, see
 * ./trust.ts), INVALID_SCHEMA / INVALID_ARGUMENT (pinned schemas), ARTIFACT_INTEGRITY and INVALID_KEY_MANIFEST (keys).
 */
export function createVerifier(policy: VerifierPolicy): Verifier {
  const settings = checkPolicy(policy);
  const { scope, clock, onInternalError } = settings;
  // Pinned keys (shipped, or the production key set) are checked now (a broken install fails at
  // configuration time, not per request) and prepared for the curve on first use.
  const keys = settings.keys ?? new Map(ALL_CIRCUITS.map((c) => [c, { circuit: c, vkey: verificationKey(c), id: shippedKeyId(c) }]));
  const circuits = ALL_CIRCUITS.filter((c) => keys.has(c));

  function createRequest(options: RequestOptions): ProofRequest {
    const statement = parseStatement((options as { statement?: unknown } | undefined)?.statement, settings.schemas);
    // NOTE: a hidden-issuer request is signed only over a set rebuilt from the trust sources just
    // before (createHiddenRequest): a set root passed in here could be one the registry has moved
    // past since it was built, and nothing synchronous can tell.
    if ((options as { issuerSet?: unknown }).issuerSet !== undefined) {
      throw new MedzkError("INVALID_ARGUMENT", `createRequest makes key-mode requests only: use createHiddenRequest({ statement }), which rebuilds the trusted issuer set before signing it`);
    }
    return sign(statement, undefined, responseUrlOf(options));
  }

  /** The request's own response URL, checked, or the policy's. */
  function responseUrlOf(options: RequestOptions): string | undefined {
    const url = (options as { responseUrl?: unknown } | undefined)?.responseUrl;
    return url === undefined ? settings.responseUrl : unwrap(checkResponseUrl(url));
  }

  async function createHiddenRequest(options: RequestOptions): Promise<{ request: ProofRequest; issuerSet: IssuerSet }> {
    const statement = parseStatement((options as { statement?: unknown } | undefined)?.statement, settings.schemas);
    // Checked before the registry is read: a verifier without the hidden circuit's key asks nothing.
    circuitKey(statement, "set");
    const set = await settings.sets.current(statementDefinition(statement.type).schema(statement, settings.schemas), clock());
    return { request: sign(statement, set.root, responseUrlOf(options)), issuerSet: set };
  }

  function circuitKey(statement: Statement, mode: "key" | "set"): void {
    const circuit = statementDefinition(statement.type, mode).circuit;
    if (!keys.has(circuit)) throw new MedzkError("INVALID_ARGUMENT", `this verifier's keys manifest has no key for circuit "${circuit}": it cannot ask for this statement`);
  }

  function sign(statement: Statement, issuerSet: string | undefined, responseUrl: string | undefined): ProofRequest {
    circuitKey(statement, issuerSet === undefined ? "key" : "set");
    const now = clock();
    // The statement's public inputs on this as-of day, as the prover and checkSignals will derive
    // them: a relative date that falls before 0001-01-01 on it (a clock set far back) is refused
    // here (INVALID_STATEMENT), not signed into a request no proof can answer.
    const definition = statementDefinition(statement.type);
    definition.publicInputs(statement, definition.schema(statement, settings.schemas), parseDate(utcDate(now), "asOf"));
    const unsigned: UnsignedRequest = {
      format: REQUEST_FORMAT,
      verifier: settings.publicKey,
      ...(settings.purpose === undefined ? {} : { purpose: settings.purpose }),
      ...(responseUrl === undefined ? {} : { responseUrl }),
      challenge: randomFieldElement().toString(),
      asOf: utcDate(now),
      statement,
      expiresAt: new Date(now.getTime() + settings.ttlMs).toISOString(),
      ...(issuerSet === undefined ? {} : { issuerSet }),
    };
    return signRequest(settings.privateKey, unsigned);
  }

  async function issuerSet(options: { statement: Statement | Record<string, unknown> }): Promise<IssuerSet> {
    const statement = parseStatement((options as { statement?: unknown } | undefined)?.statement, settings.schemas);
    return settings.sets.current(statementDefinition(statement.type).schema(statement, settings.schemas), clock());
  }

  /** Steps 1-4: everything but the pairing check and the challenge consumption. */
  async function precheck(presentation: unknown, expected: VerifyOptions["expected"]): Promise<Checked> {
    const { request, key, proof, publicSignals } = parseStep(presentation);
    const now = clock();
    const expiresAtMs = checkAuthenticity(request, settings, expected, now);
    // After authenticity (ownSignatureCheck, ~30 µs) and before everything costlier: a replay
    // (re-sending one valid presentation) costs a parse, that check and a store read, no curve
    // work. NOTE: not before authenticity: a store shared by several verifiers (one Redis, one
    // key prefix) would then answer REQUEST_REPLAYED for another verifier's request, telling
    // anyone holding it that its holder answered there; and the refusal order stays the
    // documented one (request checks, then the replay).
    await refuseUsedChallenge(settings.store, request.challenge);
    checkKey(request, key, keys);
    const { statement, definition, schema, signals, byName, asOf } = checkSignals(request, publicSignals, settings.schemas, settings.scopeSignal);
    const issuer: Pick<VerifySuccess, "issuer" | "issuerId" | "issuerSet"> = {};
    if (request.issuerSet === undefined) {
      const trusted = await checkTrust(
        settings.trust,
        { issuerAx: byName.get("issuerAx")!, issuerAy: byName.get("issuerAy")!, revocationRoot: byName.get("revocationRoot")! },
        schema,
        asOf,
        clock(),
        settings.maxRootAgeMs,
      );
      issuer.issuer = trusted.publicKey;
      issuer.issuerId = trusted.issuerId;
    } else {
      // checkSignals compared the proof's issuerSetRoot with the request's (signed, so this
      // verifier's own); here: is that set still acceptable now.
      await settings.sets.check(schema, request.issuerSet, clock());
      issuer.issuerSet = request.issuerSet;
    }
    const result: VerifySuccess = {
      ok: true,
      statement,
      nullifier: byName.get("nullifier")!.toString(),
      ...issuer,
      asOf: request.asOf,
      scope,
      challenge: request.challenge,
    };
    if (statement.type === "query" && statement.disclose) {
      result.disclosed = Object.fromEntries(
        statement.disclose.map((name, d) => [name, decodeValue(schema.attributes[slotOf(schema, name)!]!, byName.get(`disclosed[${d}]`)!)]),
      );
    }
    return { circuit: definition.circuit, signals, proof, challenge: request.challenge, expiresAtMs, result };
  }

  /** Step 6, for a presentation whose proof verified. */
  async function accept(checked: Checked): Promise<VerifySuccess> {
    await consumeChallenge(settings.store, checked.challenge, checked.expiresAtMs, clock());
    return checked.result;
  }

  /** One micro-batcher per circuit (so per verification key), made on first use. */
  const batchers = new Map<string, PairingBatcher>();
  function batcher(circuit: string): PairingBatcher {
    let b = batchers.get(circuit);
    if (!b) {
      b = new PairingBatcher(() => preparedKey(keys.get(circuit)!), async (size) => (size >= settings.minParallelBatch ? threadedCurve() : undefined), settings.microBatch!);
      batchers.set(circuit, b);
    }
    return b;
  }

  async function verify(presentation: unknown, options?: VerifyOptions): Promise<VerifyResult> {
    const context: InternalErrorContext = { operation: "verify" };
    return settle(
      async () => {
        const checked = await precheck(presentation, options?.expected);
        const outcome = settings.microBatch
          ? await batcher(checked.circuit).check({ signals: checked.signals, proof: checked.proof })
          : await checkProof(await preparedKey(keys.get(checked.circuit)!), checked.signals, checked.proof);
        if (!outcome.ok) refuse(outcome.reason, outcome.message);
        return accept(checked);
      },
      onInternalError,
      context,
    );
  }

  async function verifyBatch(presentations: readonly unknown[], options?: VerifyBatchOptions): Promise<VerifyResult[]> {
    if (!Array.isArray(presentations)) throw new MedzkError("INVALID_ARGUMENT", `"presentations" must be an array`);
    const expected = checkExpectedList(options, presentations.length);
    const item = (i: number): InternalErrorContext => ({ operation: "verifyBatch", item: i });
    // Steps 1-4 for every item; only the pairing checks are batched, one per verification key.
    const checked: Array<Checked | VerifyFailure> = await Promise.all(presentations.map((p, i) => settle(() => precheck(p, expected?.[i]), onInternalError, item(i))));
    const pending = checked.filter((c) => !isFailure(c)).length;
    const pool = pending >= settings.minParallelBatch ? await threadedCurve() : undefined;
    for (const circuit of circuits) {
      const indices = checked.flatMap((c, i) => (!isFailure(c) && c.circuit === circuit ? [i] : []));
      if (indices.length === 0) continue;
      const items = indices.map((i) => checked[i] as Checked);
      const outcomes = await settle(
        async () => checkProofs(await preparedKey(keys.get(circuit)!), items.map((c) => ({ signals: c.signals, proof: c.proof })), pool ? { pool } : {}),
        onInternalError,
        { operation: "verifyBatch" },
      );
      indices.forEach((i, k) => {
        if (!Array.isArray(outcomes)) checked[i] = outcomes; // the whole check failed: INTERNAL_ERROR
        else if (!outcomes[k]!.ok) checked[i] = { ok: false, error: { code: outcomes[k]!.reason, message: outcomes[k]!.message } };
      });
    }
    const results: VerifyResult[] = [];
    // Consumed in order, so of two copies of one presentation in a batch the first is accepted.
    for (const [i, c] of checked.entries()) results.push(isFailure(c) ? c : await settle(() => accept(c), onInternalError, item(i)));
    return results;
  }

  return { scope, publicKey: settings.publicKey, name: settings.name, createRequest, createHiddenRequest, issuerSet, verify, verifyBatch };
}

/**
 * The `expected` of verifyBatch: absent, or one request or challenge per presentation. Checked
 * before anything is verified, so a caller's mistake costs no challenge.
 */
function checkExpectedList(options: VerifyBatchOptions | undefined, count: number): ReadonlyArray<ProofRequest | string> | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) throw new MedzkError("INVALID_ARGUMENT", `"options" must be an object such as { expected: [...] }`);
  const { expected } = options;
  if (expected === undefined) return undefined;
  if (!Array.isArray(expected) || expected.length !== count) {
    throw new MedzkError("INVALID_ARGUMENT", `"expected" must be an array with one request or challenge per presentation (${count})`);
  }
  expected.forEach((e: unknown, i) => {
    if (typeof e !== "string" && (typeof e !== "object" || e === null || typeof (e as { challenge?: unknown }).challenge !== "string")) {
      throw new MedzkError("INVALID_ARGUMENT", `"expected[${i}]" must be a request (with its "challenge") or a challenge string`);
    }
  });
  return expected;
}

/** Checks a policy; throws MedzkError for each configuration mistake (see {@link createVerifier}). */
function checkPolicy(policy: VerifierPolicy): Settings {
  if (typeof policy !== "object" || policy === null) throw new MedzkError("INVALID_ARGUMENT", `"policy" must be an object`);
  // A scope chosen by the caller is what let one verifier take another's nullifiers: refused
  // loudly rather than ignored, so an upgrade from 0.1 cannot silently change its scope.
  if (Object.hasOwn(policy, "scope")) {
    throw new MedzkError("INVALID_ARGUMENT", `"scope" is no longer accepted: the scope is derived from "key" (generateVerifierKey()) and an optional "purpose"`);
  }
  if (Object.hasOwn(policy, "requestKey")) {
    throw new MedzkError("INVALID_ARGUMENT", `"requestKey" is no longer accepted: requests are signed with "key"; instances share the signing key instead`);
  }
  const key = parseVerifierKey(policy.key, "key");
  const purpose = policy.purpose === undefined ? undefined : unwrap(checkPurpose(policy.purpose));
  const responseUrl = policy.responseUrl === undefined ? undefined : unwrap(checkResponseUrl(policy.responseUrl));
  const name = policy.name === undefined ? undefined : assertString(policy.name, "name", { min: 1, max: 128 });
  const scope = verifierScope(key.publicKey, purpose);
  const trust = trustSources(policy.trustedIssuers, policy.issuers);
  const schemas = schemaResolver(policy.schemas);
  const maxRootAgeSeconds = policy.maxRootAgeSeconds ?? DEFAULT_MAX_ROOT_AGE_SECONDS;
  if (typeof maxRootAgeSeconds !== "number" || !Number.isFinite(maxRootAgeSeconds) || maxRootAgeSeconds < 0) {
    throw new MedzkError("INVALID_ARGUMENT", `"maxRootAgeSeconds" must be a non-negative number`);
  }
  const ttl = assertInteger(policy.requestTtlSeconds ?? DEFAULT_REQUEST_TTL_SECONDS, "requestTtlSeconds", 1, MAX_REQUEST_TTL_SECONDS);
  const clock = assertClock(policy.clock, "clock");
  if (policy.onInternalError !== undefined && typeof policy.onInternalError !== "function") {
    throw new MedzkError("INVALID_ARGUMENT", `"onInternalError" must be a function`);
  }
  return {
    scope,
    scopeSignal: scopeField(scope),
    publicKey: key.publicKey,
    privateKey: hexToBytes(key.privateKey),
    name,
    purpose,
    responseUrl,
    clock,
    ttlMs: ttl * 1000,
    maxRootAgeMs: maxRootAgeSeconds * 1000,
    minParallelBatch: parallelThreshold(policy.parallel),
    microBatch: microBatchSettings(policy.microBatch),
    store: policy.challengeStore ?? new MemoryChallengeStore({ clock }),
    trust,
    sets: new IssuerSets(trust, maxRootAgeSeconds * 1000),
    schemas,
    onInternalError: policy.onInternalError,
    keys: policy.keys === undefined ? undefined : checkKeySet(policy.keys),
  };
}

function microBatchSettings(option: VerifierPolicy["microBatch"]): Required<MicroBatchOptions> | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { ...DEFAULT_MICRO_BATCH };
  if (typeof option !== "object" || option === null) throw new MedzkError("INVALID_ARGUMENT", `"microBatch" must be a boolean or { windowMs, maxBatch }`);
  for (const name of Object.keys(option)) {
    if (name !== "windowMs" && name !== "maxBatch") throw new MedzkError("INVALID_ARGUMENT", `"microBatch.${name}" is not an option (windowMs, maxBatch)`);
  }
  return {
    windowMs: assertInteger(option.windowMs ?? DEFAULT_MICRO_BATCH.windowMs, "microBatch.windowMs", 0, 50),
    maxBatch: assertInteger(option.maxBatch ?? DEFAULT_MICRO_BATCH.maxBatch, "microBatch.maxBatch", 1, 1024),
  };
}

function parallelThreshold(parallel: VerifierPolicy["parallel"]): number {
  if (parallel === undefined || parallel === false) return Number.POSITIVE_INFINITY;
  if (parallel === true) return DEFAULT_MIN_PARALLEL_BATCH;
  const min = typeof parallel === "object" && parallel !== null ? (parallel.minBatch ?? DEFAULT_MIN_PARALLEL_BATCH) : Number.NaN;
  if (!Number.isInteger(min) || min < 1) throw new MedzkError("INVALID_ARGUMENT", `"parallel" must be a boolean or { minBatch: positive integer }`);
  return min;
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

/**
 * Keys prepared for the curve (β, γ, δ line coefficients, e(α, β)), shared by every verifier in
 * the process, by key id: verifiers with the shipped keys share them, one with production keys
 * gets its own.
 */
const preparedKeys = new Map<string, Promise<PreparedKey>>();
function preparedKey(key: { id: string; vkey: VerificationKey }): Promise<PreparedKey> {
  let prepared = preparedKeys.get(key.id);
  if (!prepared) {
    prepared = prepareKey(key.vkey);
    // A failure is not kept: the next verification retries.
    prepared.catch(() => preparedKeys.delete(key.id));
    preparedKeys.set(key.id, prepared);
  }
  return prepared;
}

const ALL_CIRCUITS = STATEMENT_TYPES.flatMap((t) => ISSUER_MODES.map((mode) => statementDefinition(t, mode).circuit));
