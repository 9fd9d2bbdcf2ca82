/**
 * The verification pipeline's steps before trust, each a small function that returns what the
 * next step needs or refuses with the verifier's own code:
 *
 *   parse → request authenticity → key → statement and signals → trust (./trust.ts) → pairing → replay
 *
 * The pairing check (groth16's checkProof) runs before the challenge is consumed (./replay.ts),
 * on purpose: a presentation that does not verify must not use up its request's challenge, or
 * anyone who saw a request could burn it with garbage and the holder's honest answer would then
 * be refused as a replay.
 */
import { parseDate } from "../core/dates.js";
import { equalBytes } from "@noble/curves/abstract/utils";
import { hexToBytes } from "@noble/hashes/utils";
import type { ProofRequest } from "../core/request.js";
import { type PresentationKey, parsePresentation } from "../core/presentation.js";
import type { SchemaDefinition } from "../core/schemas.js";
import type { VerifyErrorCode } from "../core/errors.js";
import { checkFieldElement, isPlainObject, tryParseInstant } from "../core/validate.js";
import { type ParsedProof, parseProof } from "../groth16/proof.js";
import {
  type SchemaResolver,
  type Statement,
  type StatementDefinition,
  flattenInputs,
  statementDefinition,
} from "../statements/registry.js";
import { refuse } from "./refusal.js";
import { signRequest } from "./verifier-key.js";

// --- parse --------------------------------------------------------------------------------------

/** A presentation whose envelope and proof parsed; signals are still unchecked. */
export interface ParsedInput {
  request: ProofRequest;
  /** The circuit and key the presentation says it was made with; absent in a v1 presentation. */
  key: PresentationKey | undefined;
  proof: ParsedProof;
  publicSignals: readonly unknown[];
}

/**
 * Step "parse": the envelope strictly (core's parsePresentation: exactly its four keys, a
 * well-formed request) and the proof strictly (groth16's parseProof: exactly snarkjs's keys,
 * canonical affine points, no point at infinity). Nothing later reads the raw object.
 */
export function parseStep(presentation: unknown): ParsedInput {
  // A presentation without a proof is refused as MALFORMED_PROOF (its code since 0.1), once the
  // rest of its envelope has passed the same strict parse.
  const proofless = isPlainObject(presentation) && !Object.hasOwn(presentation, "proof");
  const parsed = parsePresentation(proofless ? { ...presentation, proof: null } : presentation);
  if (!parsed.ok) refuse(parsed.code, parsed.message);
  if (proofless) refuse("MALFORMED_PROOF", "the presentation has no proof");
  const { request, key, proof, publicSignals } = parsed.value;
  return {
    request,
    key,
    proof: parseProof(proof) ?? refuse("MALFORMED_PROOF", "the proof is not a canonical Groth16 proof"),
    publicSignals,
  };
}

// --- request authenticity ------------------------------------------------------------------------

/**
 * Step "request authenticity": the request names this verifier's key and purpose and carries a
 * valid signature by that key (so every field of it, statement, as-of date and response URL
 * included, is the verifier's own choice, and its derived scope is this verifier's), answers the
 * awaited request if the caller names one, and has not expired at `now`. Returns the expiry in ms.
 */
export function checkAuthenticity(
  request: ProofRequest,
  verifier: { publicKey: string; purpose: string | undefined; privateKey: Uint8Array },
  expected: ProofRequest | string | undefined,
  now: Date,
): number {
  // Key and purpose first (cheap); then the signature. Ed25519 signatures are deterministic
  // (RFC 8032 §5.1.6), so the one signature this verifier's key gives the request's other fields
  // is recomputed and compared in constant time: signing costs about a quarter of a strict verify
  // in noble, on every presentation, and any other bytes are not this verifier's signature.
  const { signature, ...unsigned } = request;
  const own = hexToBytes(signRequest(verifier.privateKey, unsigned).signature);
  if (request.verifier !== verifier.publicKey || request.purpose !== verifier.purpose || !equalBytes(own, hexToBytes(signature))) {
    refuse("UNKNOWN_REQUEST", "the request was not issued by this verifier or was altered");
  }
  if (expected !== undefined) {
    const challenge = typeof expected === "string" ? expected : expected?.challenge;
    if (request.challenge !== challenge) refuse("REQUEST_MISMATCH", "the presentation answers a different request");
  }
  // parsePresentation checked the instant's form; the signature that it is the verifier's own.
  const expiresAtMs = tryParseInstant(request.expiresAt) ?? refuse("MALFORMED_PRESENTATION", `"request.expiresAt" is not an instant`);
  if (now.getTime() >= expiresAtMs) refuse("REQUEST_EXPIRED", `the request expired at ${request.expiresAt}`);
  return expiresAtMs;
}

// --- key -----------------------------------------------------------------------------------------

/**
 * Step "key": the circuit and verification key the presentation names are the ones this verifier
 * uses for the (authentic) request, its statement's circuit in the request's issuer mode. The
 * named key is only compared, never used: the key that checks the proof is the verifier's own,
 * so a lie here gains nothing, and telling the two apart (KEY_MISMATCH rather than INVALID_PROOF)
 * is what lets a deployment see that wallet and verifier run different keys (shipped vs production).
 * A v1 presentation names no key and goes on to the pairing check. Returns the circuit.
 */
export function checkKey(request: ProofRequest, named: PresentationKey | undefined, keys: ReadonlyMap<string, { id: string }>): string {
  const circuit = statementDefinition(request.statement.type, request.issuerSet === undefined ? "key" : "set").circuit;
  const own = keys.get(circuit);
  if (!own) refuse("KEY_MISMATCH", `this verifier has no key for circuit ${circuit}`);
  if (named !== undefined) {
    if (named.circuit !== circuit) refuse("KEY_MISMATCH", `the presentation was made for circuit ${named.circuit}, the request needs ${circuit}`);
    if (named.id !== own.id) refuse("KEY_MISMATCH", `the presentation was made with key ${named.id} of ${circuit}, this verifier uses key ${own.id}`);
  }
  return circuit;
}

// --- statement and signals -----------------------------------------------------------------------

/** The statement of an authentic request and the proof's public signals, checked. */
export interface CheckedSignals {
  statement: Statement;
  definition: StatementDefinition;
  schema: SchemaDefinition;
  /** The public signals in circuit order. */
  signals: bigint[];
  /** The same, by signal name ("nullifier", "issuerAx", "disclosed[0]", …). */
  byName: ReadonlyMap<string, bigint>;
  /** The request's as-of day as YYYYMMDD. */
  asOf: number;
}

const MISMATCH_CODES: Record<string, VerifyErrorCode> = {
  issuerSetRoot: "ISSUER_SET_MISMATCH",
  asOfDate: "AS_OF_MISMATCH",
  challenge: "CHALLENGE_MISMATCH",
  scope: "SCOPE_MISMATCH",
};

/**
 * Step "statement and signals": exactly the circuit's number of public signals, each a canonical
 * field element, and every one the verifier can predict (as-of date, challenge, scope, the
 * statement's own parameters, and for a request that hides the issuer the set root it names)
 * equal to the request's value. The circuit is the statement's in the request's issuer mode.
 * Left for later steps: the nullifier, the issuer key and the revocation root or the set's
 * freshness (trust), and disclosed values (the result).
 */
export function checkSignals(request: ProofRequest, publicSignals: readonly unknown[], schemas: SchemaResolver, scopeSignal: bigint): CheckedSignals {
  // The signature vouches for the statement and the set root: the verifier wrote them, so they
  // are not re-validated here.
  const statement = request.statement;
  const definition = statementDefinition(statement.type, request.issuerSet === undefined ? "key" : "set");
  const schema = definition.schema(statement, schemas);
  if (publicSignals.length !== definition.signals.length) {
    refuse("PUBLIC_SIGNAL_COUNT", `expected ${definition.signals.length} public signals, got ${publicSignals.length}`);
  }
  const signals = publicSignals.map((value, i) => {
    const checked = checkFieldElement(value, `publicSignals[${i}]`);
    return checked.ok ? checked.value : refuse("NON_CANONICAL_SIGNAL", `public signal ${i} (${definition.signals[i]}) is not a canonical decimal below the field order`);
  });
  const byName = new Map(definition.signals.map((name, i) => [name, signals[i]!]));
  const asOf = parseDate(request.asOf, "asOf");
  const expected = flattenInputs({
    ...(request.issuerSet === undefined ? {} : { issuerSetRoot: BigInt(request.issuerSet) }),
    asOfDate: BigInt(asOf),
    challenge: BigInt(request.challenge),
    scope: scopeSignal,
    // The statement's relative dates resolve on the verifier's own request's as-of date.
    ...definition.publicInputs(statement, schema, asOf),
  });
  for (const [name, value] of expected) {
    if (byName.get(name) !== value) refuse(MISMATCH_CODES[name] ?? "STATEMENT_MISMATCH", `public signal ${name} differs from the request`);
  }
  return { statement, definition, schema, signals, byName, asOf };
}
