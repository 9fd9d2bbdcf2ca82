/**
 * The verifier: issues requests and checks presentations against them.
 *
 * `verify` treats the presentation as hostile. It never throws; every refusal is a typed result
 * with a stable code. It checks, in order: shape; that the echoed request carries this verifier's
 * MAC (so the statement, as-of date, scope, challenge and expiry are the verifier's own); expiry;
 * the exact count and canonical form of the public signals; each public signal against the value
 * the verifier expects (trusted issuer, as-of date, statement parameter, challenge, scope); the
 * Groth16 proof under the pinned verification key; and last, that the challenge was not used.
 */
import { hexToBytes, randomBytes } from "@noble/hashes/utils";
import { verificationKey } from "./artifacts.js";
import { type ChallengeStore, MemoryChallengeStore } from "./challenge-store.js";
import { parseDate, utcDate } from "./dates.js";
import { MedzkError, type VerifyError, type VerifyErrorCode } from "./errors.js";
import { parseCanonical, randomFieldElement } from "./field.js";
import { parseProof, prepareKey, proofPointsValid, type PreparedKey, verifyGroth16 } from "./groth16.js";
import { unpackPublicKey } from "./issuer-key.js";
import { PRESENTATION_FORMAT } from "./presentation.js";
import {
  type ProofRequest,
  REQUEST_FORMAT,
  macEquals,
  requestMac,
  scopeField,
  tryParseRequest,
  validScope,
} from "./request.js";
import {
  PUBLIC_SIGNALS,
  SIGNAL_INDEX,
  type Statement,
  STATEMENT_TYPES,
  type StatementType,
  normaliseStatement,
  statementDefinition,
} from "./statements.js";

export interface VerifierPolicy {
  /** Packed public keys of the issuers whose credentials this verifier accepts. */
  trustedIssuers: readonly string[];
  /** This verifier's scope, e.g. "acme-health/claims". Nullifiers are per scope. */
  scope: string;
  /** Lifetime of a request in seconds. Default 300. */
  requestTtlSeconds?: number;
  /**
   * HMAC key (hex, at least 32 bytes) authenticating requests. Instances that share it can verify
   * each other's requests. Default: a random key per verifier object.
   */
  requestKey?: string;
  /** Where used challenges are recorded. Default: in memory (one instance only). */
  challengeStore?: ChallengeStore;
  /** The verifier's clock, injectable for tests. The as-of date is its UTC calendar day. */
  clock?: () => Date;
}

export interface VerifySuccess {
  ok: true;
  statement: Statement;
  /** Poseidon(holder secret, scope): the same for one holder within this scope. */
  nullifier: string;
  /** Packed key of the trusted issuer that signed the credential. */
  issuer: string;
  asOf: string;
  scope: string;
  challenge: string;
}

export interface VerifyFailure {
  ok: false;
  error: VerifyError;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export interface VerifyOptions {
  /**
   * The request (or its challenge) the caller is waiting for. Without it, any unexpired request
   * this verifier issued is accepted and the caller must look at `result.statement`/`challenge`.
   */
  expected?: ProofRequest | string;
}

export interface Verifier {
  readonly scope: string;
  createRequest(options: { statement: Statement }): ProofRequest;
  verify(presentation: unknown, options?: VerifyOptions): Promise<VerifyResult>;
}

const DEFAULT_TTL_SECONDS = 300;

class Refusal {
  constructor(readonly code: VerifyErrorCode, readonly message: string) {}
}
const refuse: (code: VerifyErrorCode, message: string) => never = (code, message) => {
  throw new Refusal(code, message);
};

export function createVerifier(policy: VerifierPolicy): Verifier {
  if (typeof policy !== "object" || policy === null) throw new MedzkError("INVALID_ARGUMENT", `"policy" must be an object`);
  if (!validScope(policy.scope)) throw new MedzkError("INVALID_ARGUMENT", `"scope" must be a string of 1 to 256 characters`);
  if (!Array.isArray(policy.trustedIssuers) || policy.trustedIssuers.length === 0) {
    throw new MedzkError("INVALID_ARGUMENT", `"trustedIssuers" must list at least one issuer public key`);
  }
  // Affine coordinates "x,y" -> packed key, to match the issuerAx/issuerAy public signals.
  const trusted = new Map<string, string>();
  policy.trustedIssuers.forEach((key, i) => {
    const point = unpackPublicKey(key, `trustedIssuers[${i}]`);
    trusted.set(`${point.x},${point.y}`, key);
  });
  const ttl = policy.requestTtlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    throw new MedzkError("INVALID_ARGUMENT", `"requestTtlSeconds" must be an integer from 1 to 86400`);
  }
  const macKey = policy.requestKey === undefined ? randomBytes(32) : parseRequestKey(policy.requestKey);
  const clock = policy.clock ?? (() => new Date());
  const store = policy.challengeStore ?? new MemoryChallengeStore({ now: () => clock().getTime() });
  const scope = policy.scope;
  const scopeSignal = scopeField(scope);

  // Pinned keys are checked now (a broken install fails at configuration time, not per request)
  // and prepared for the curve on first use.
  const keys = new Map(STATEMENT_TYPES.map((t) => [t, verificationKey(statementDefinition(t).circuit)]));
  const prepared = new Map<StatementType, Promise<PreparedKey>>();
  const preparedKey = (t: StatementType) => {
    let p = prepared.get(t);
    if (!p) {
      p = prepareKey(keys.get(t)!);
      prepared.set(t, p);
    }
    return p;
  };

  function createRequest(options: { statement: Statement }): ProofRequest {
    const statement = normaliseStatement(options?.statement);
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

  async function check(presentation: unknown, options: VerifyOptions | undefined): Promise<VerifySuccess> {
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
    const expected = options?.expected;
    if (expected !== undefined) {
      const challenge = typeof expected === "string" ? expected : expected?.challenge;
      if (request.challenge !== challenge) refuse("REQUEST_MISMATCH", "the presentation answers a different request");
    }
    const expiresAt = Date.parse(request.expiresAt);
    if (clock().getTime() >= expiresAt) refuse("REQUEST_EXPIRED", `the request expired at ${request.expiresAt}`);

    const type = request.statement.type;
    const key = keys.get(type)!;
    const values = signals as unknown[];
    if (values.length !== key.nPublic) {
      refuse("PUBLIC_SIGNAL_COUNT", `expected ${key.nPublic} public signals, got ${values.length}`);
    }
    const parsed = values.map((v, i) =>
      parseCanonical(v) ?? refuse("NON_CANONICAL_SIGNAL", `public signal ${i} (${PUBLIC_SIGNALS[i]}) is not a canonical decimal below the field order`),
    );
    const signal = (name: keyof typeof SIGNAL_INDEX) => parsed[SIGNAL_INDEX[name]]!;

    const issuer = trusted.get(`${signal("issuerAx")},${signal("issuerAy")}`) ?? refuse("UNTRUSTED_ISSUER", "the credential's issuer is not trusted by this verifier");
    if (signal("asOfDate") !== BigInt(parseDate(request.asOf, "asOf"))) refuse("AS_OF_MISMATCH", "the proof is for another as-of date");
    if (signal("parameter") !== statementDefinition(type).parameter(request.statement)) {
      refuse("STATEMENT_MISMATCH", "the proof is for other statement parameters");
    }
    if (signal("challenge") !== BigInt(request.challenge)) refuse("CHALLENGE_MISMATCH", "the proof answers another challenge");
    if (signal("scope") !== scopeSignal) refuse("SCOPE_MISMATCH", "the proof is for another scope");

    const proof = parseProof(p["proof"]) ?? refuse("MALFORMED_PROOF", "the proof is not a canonical Groth16 proof");
    if (!proofPointsValid(proof)) refuse("INVALID_PROOF", "a proof point is not a valid curve point");
    if (!(await verifyGroth16(await preparedKey(type), parsed, proof))) refuse("INVALID_PROOF", "the proof does not verify");

    let fresh: boolean;
    try {
      fresh = await store.consume(request.challenge, expiresAt);
    } catch {
      return refuse("STORE_UNAVAILABLE", "the challenge store is unreachable; nothing was accepted");
    }
    if (!fresh) refuse("REQUEST_REPLAYED", "this request was already answered");

    return {
      ok: true,
      statement: request.statement,
      nullifier: signal("nullifier").toString(),
      issuer,
      asOf: request.asOf,
      scope,
      challenge: request.challenge,
    };
  }

  async function verify(presentation: unknown, options?: VerifyOptions): Promise<VerifyResult> {
    try {
      return await check(presentation, options);
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, error: { code: err.code, message: err.message } };
      // Not reachable by design; if it is, refuse rather than throw at the caller.
      return { ok: false, error: { code: "INTERNAL_ERROR", message: "verification failed unexpectedly" } };
    }
  }

  return { scope, createRequest, verify };
}

function parseRequestKey(key: unknown): Uint8Array {
  if (typeof key !== "string" || !/^([0-9a-f]{2}){32,}$/.test(key)) {
    throw new MedzkError("INVALID_ARGUMENT", `"requestKey" must be at least 32 bytes of lowercase hex`);
  }
  return hexToBytes(key);
}
