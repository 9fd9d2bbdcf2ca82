/**
 * Verifying presentations on chain, from a registered verifier's account: one at a time
 * (MedzkRegistry.verifyPresentation, through the circuit's snarkjs verifier) or many of one
 * statement with one pairing check (verifyPresentations).
 *
 * The contract checks what it can see: proof, issuer key or set root, root freshness, the
 * statement parameters it is sent, scope (one of the caller's purposes), as-of day (the block's
 * day ± 1), single use of the challenge. It cannot check a request's Ed25519 signature or expiry
 * (no Ed25519 precompile), nor know which statement the caller asked: the calling verifier vouches
 * for that by sending from its registered account. So it must vouch only for what it asked: each
 * call takes the caller's own request (`expected`, the one it issued and kept, never the copy the
 * holder echoes) and, before any transaction, runs the off-chain verifier's own checks
 * (src/verifier/steps.ts, src/core/request.ts) against it: its signature by the writer's registered
 * verifier key, the presentation echoing exactly that request, its expiry, the circuit and key,
 * and every predictable public signal (statement parameters, as-of day, challenge, scope, issuer
 * set) equal to the request's. The statement parameters sent to the contract come from that
 * request. A presentation that fails is refused with the verifier's code and nothing is sent.
 */
import { equalBytes } from "@noble/curves/abstract/utils";
import type { Abi } from "viem";
import { type KeySet, checkKeySet, shippedKeyId } from "../artifacts/key-manifest.js";
import { MedzkError, type VerifyError, type VerifyErrorCode } from "../core/errors.js";
import { type ProofRequest, parseRequest, requestScope, requestSignatureValid, requestSigningInput, scopeField } from "../core/request.js";
import { BUILTIN_SCHEMAS } from "../core/schemas.js";
import { assertClock, tryParseInstant } from "../core/validate.js";
import { ISSUER_MODES, STATEMENT_TYPES, parseStatement, statementDefinition } from "../statements/registry.js";
import { Refusal, refuse } from "../verifier/refusal.js";
import { checkKey, checkSignals, parseStep } from "../verifier/steps.js";
import { type ChainWriter, loadViem, read, revertError, send } from "./client.js";
import { type Hex, type PresentationCall, circuitFor, circuitId, proofWords, statementParams } from "./codec.js";
import { medzkRegistryAbi } from "./generated/abi.js";

/** MedzkRegistry.Result, by number: 0 is "Accepted". */
export const CHAIN_RESULTS = [
  "Accepted",
  "SignalOutOfField",
  "ScopeMismatch",
  "StatementMismatch",
  "AsOfNotCurrent",
  "IssuerUnknown",
  "IssuerKeyRetired",
  "IssuerKeyCompromised",
  "IssuerKeyNotValid",
  "SchemaNotAllowed",
  "RevocationRootNotAccepted",
  "IssuerSetRootNotAccepted",
  "Replayed",
  "ProofMalformed",
  "ProofInvalid",
] as const;
export type ChainResult = (typeof CHAIN_RESULTS)[number];

/**
 * The one mapping from the contract's results to audit result codes (an audit entry's `result`:
 * "OK" or the code the off-chain verifier gives the same refusal, src/core/errors.ts
 * VerifyErrorCode), so a verifier's audit log reads the same whether it verified on or off chain.
 * Where the contract cannot tell two off-chain cases apart it names the nearer one: a revocation
 * root it does not accept is STALE_REVOCATION_ROOT (never published and replaced too long ago
 * look the same on chain), a set root it does not accept is STALE_ISSUER_SET.
 */
export const CHAIN_AUDIT_RESULTS: Readonly<Record<ChainResult, "OK" | VerifyErrorCode>> = Object.freeze({
  Accepted: "OK",
  SignalOutOfField: "NON_CANONICAL_SIGNAL",
  ScopeMismatch: "SCOPE_MISMATCH",
  StatementMismatch: "STATEMENT_MISMATCH",
  AsOfNotCurrent: "AS_OF_MISMATCH",
  IssuerUnknown: "UNTRUSTED_ISSUER",
  IssuerKeyRetired: "ISSUER_KEY_RETIRED",
  IssuerKeyCompromised: "ISSUER_KEY_COMPROMISED",
  IssuerKeyNotValid: "ISSUER_KEY_NOT_VALID",
  SchemaNotAllowed: "SCHEMA_NOT_ALLOWED",
  RevocationRootNotAccepted: "STALE_REVOCATION_ROOT",
  IssuerSetRootNotAccepted: "STALE_ISSUER_SET",
  Replayed: "REQUEST_REPLAYED",
  ProofMalformed: "MALFORMED_PROOF",
  ProofInvalid: "INVALID_PROOF",
});

/** One PresentationChecked event: the contract's verdict. */
export interface ChainVerification {
  result: ChainResult;
  nullifier: string;
  statementId: Hex;
  txHash: Hex;
}

/** A presentation refused before any transaction: it does not answer the caller's own request. Nothing was sent. */
export interface ChainRefusal {
  /** Always "NotSent". */
  result: "NotSent";
  /** The off-chain verifier's code for the same refusal (REQUEST_MISMATCH, STATEMENT_MISMATCH, REQUEST_EXPIRED, …). */
  error: VerifyError;
}

/** What {@link verifyOnChain} resolves with: the contract's verdict, or a refusal before sending. */
export type ChainOutcome = ChainVerification | ChainRefusal;

/** The audit result code of an outcome: "OK" for "Accepted", else the refusal's code ({@link CHAIN_AUDIT_RESULTS}). */
export function chainAuditResult(outcome: ChainOutcome): "OK" | VerifyErrorCode {
  if (outcome.result === "NotSent") return outcome.error.code;
  const code = CHAIN_AUDIT_RESULTS[outcome.result];
  if (code === undefined) throw new MedzkError("INVALID_ARGUMENT", `unknown chain result ${JSON.stringify(outcome.result)}`);
  return code;
}

/** Options of {@link verifyOnChain}. */
export interface ChainVerifyOptions {
  /**
   * The request the calling verifier issued and is waiting for: its own copy (as createRequest
   * returned it), never the one inside the presentation. Required.
   */
  expected: ProofRequest;
  /**
   * The verifier's clock, which decides the request's expiry as the off-chain verifier's `clock`
   * does (expired from `expiresAt` on); the system clock when absent. Give the one the requests
   * were made with (createVerifier's `clock`), or a verifier on an injected clock would judge
   * expiry on chain by another time than off chain.
   */
  clock?: () => Date;
  /**
   * The verification keys the registry's circuits were set with (`setCircuit`), as createVerifier's
   * `keys` (a production key set from `loadKeys`); the shipped keys, which `deployMedzk` deploys,
   * when absent. A presentation naming another key is refused (`KEY_MISMATCH`) before sending.
   */
  keys?: KeySet;
}

/** Options of {@link verifyBatchOnChain}. */
export interface ChainVerifyBatchOptions {
  /** One request per presentation, in the same order: the caller's own copies, all asking one statement in one issuer mode. */
  expected: readonly ProofRequest[];
  /** As in {@link ChainVerifyOptions.clock}: read once for the whole batch. */
  clock?: () => Date;
  /** As in {@link ChainVerifyOptions.keys}. */
  keys?: KeySet;
}

async function checkedEvents(logs: Parameters<typeof import("viem").parseEventLogs>[0]["logs"], txHash: Hex): Promise<ChainVerification[]> {
  const { parseEventLogs } = await loadViem();
  return parseEventLogs({ abi: medzkRegistryAbi as Abi, logs, eventName: "PresentationChecked" }).map((log) => {
    const args = (log as unknown as { args: { result: number; nullifier: bigint; statementId: Hex } }).args;
    const result = CHAIN_RESULTS[args.result];
    if (result === undefined) throw new MedzkError("CHAIN_UNAVAILABLE", `PresentationChecked in ${txHash} carries an unknown result ${args.result}`);
    return { result, nullifier: args.nullifier.toString(), statementId: args.statementId, txHash };
  });
}

let shipped: ReadonlyMap<string, { id: string }> | undefined;
/** The shipped verification keys' ids by circuit (hashed on first use): the keys deployMedzk builds the chain's verifiers from. */
function shippedKeys(): ReadonlyMap<string, { id: string }> {
  shipped ??= new Map(STATEMENT_TYPES.flatMap((t) => ISSUER_MODES.map((mode) => statementDefinition(t, mode).circuit)).map((c) => [c, { id: shippedKeyId(c) }]));
  return shipped;
}

/**
 * The caller's own request, checked as a caller mistake (it is the caller's, not the holder's):
 * well-formed (INVALID_REQUEST), validly signed (REQUEST_SIGNATURE_INVALID), by the verifier key
 * the writer's account acts for on chain (INVALID_ARGUMENT), asking a statement the chain can
 * check (INVALID_STATEMENT, UNKNOWN_STATEMENT, UNKNOWN_SCHEMA).
 */
function ownRequest(expected: unknown, name: string, verifierKey: string): ProofRequest {
  const request = parseRequest(expected, name);
  if (!requestSignatureValid(request)) throw new MedzkError("REQUEST_SIGNATURE_INVALID", `"${name}" is not validly signed by the verifier key it names`);
  if (request.verifier !== verifierKey) {
    throw new MedzkError("INVALID_ARGUMENT", `"${name}" was issued by verifier key ${request.verifier}, but the writer's account acts for ${verifierKey}`);
  }
  // Its statement too: one the chain cannot check (malformed, of an unknown type, or a query of a
  // schema that is not built in: the deployed circuits and statementParams know only those) is
  // the caller's mistake, thrown whatever the presentation, never a crash later in the checks.
  parseStatement(request.statement, (id) => BUILTIN_SCHEMAS[id]);
  return request;
}

/** The key ids by circuit: the caller's key set (checked against its pins, as createVerifier does) or the shipped keys. */
function keyIds(keys: KeySet | undefined): ReadonlyMap<string, { id: string }> {
  return keys === undefined ? shippedKeys() : checkKeySet(keys);
}

/** The verifier key (hex) the writer's account acts for; INVALID_ARGUMENT if it acts for none. */
async function writerVerifierKey(writer: ChainWriter): Promise<string> {
  const key = await read<Hex>(writer, "verifierOfAccount", [writer.wallet.account.address]);
  if (/^0x0{64}$/.test(key)) throw new MedzkError("INVALID_ARGUMENT", `the writer's account ${writer.wallet.account.address} is not a registered verifier's account`);
  return key.slice(2).toLowerCase();
}

/**
 * The off-chain verifier's checks of a presentation against the caller's own request, before any
 * transaction (src/verifier/steps.ts): parse, the echoed request identical to the caller's,
 * expiry, circuit and key, every predictable signal. Returns the call, built from the caller's
 * request, or the refusal.
 */
function precheck(presentation: unknown, own: ProofRequest, now: number, keys: ReadonlyMap<string, { id: string }>): PresentationCall | ChainRefusal {
  try {
    // parseStep checks the proof strictly; the contract takes it in snarkjs's calldata order (proofWords).
    const { request, key, publicSignals } = parseStep(presentation);
    if (request.signature !== own.signature || !equalBytes(requestSigningInput(request), requestSigningInput(own))) {
      refuse("REQUEST_MISMATCH", "the presentation answers a different request than the one expected");
    }
    if (now >= tryParseInstant(own.expiresAt)!) refuse("REQUEST_EXPIRED", `the request expired at ${own.expiresAt}`);
    const circuit = checkKey(own, key, keys);
    const checked = checkSignals(own, publicSignals, (id) => BUILTIN_SCHEMAS[id], scopeField(requestScope(own)));
    return {
      circuit,
      circuitId: circuitId(circuit),
      params: statementParams(circuit, own.statement, own.asOf),
      proof: proofWords((presentation as { proof: Parameters<typeof proofWords>[0] }).proof),
      signals: checked.signals,
    };
  } catch (error) {
    if (error instanceof Refusal) return { result: "NotSent", error: { code: error.code, message: error.message } };
    throw error;
  }
}

function isRefusal(value: PresentationCall | ChainRefusal): value is ChainRefusal {
  return (value as ChainRefusal).result === "NotSent";
}

/**
 * Verifies one presentation (untrusted input) on chain from the writer's (a registered verifier's)
 * account, against the caller's own request `options.expected`. A presentation that does not
 * answer that request is refused before any transaction ({@link ChainRefusal}, with the off-chain
 * verifier's code); otherwise resolves with the contract's result; only "Accepted" spends the
 * challenge. Throws for caller mistakes: INVALID_REQUEST, REQUEST_SIGNATURE_INVALID,
 * INVALID_ARGUMENT (the request is another verifier's, or the writer acts for none),
 * INVALID_STATEMENT, UNKNOWN_STATEMENT or UNKNOWN_SCHEMA (the request asks a statement the chain
 * cannot check: a query of a schema that is not built in), INVALID_ARGUMENT for a `clock` that is
 * not one; CHAIN_TRANSACTION_FAILED when the
 * contract reverts (not a registered or an active verifier, too little gas to judge the proof:
 * InsufficientGasForProof); CHAIN_UNAVAILABLE.
 */
export async function verifyOnChain(writer: ChainWriter, presentation: unknown, options: ChainVerifyOptions): Promise<ChainOutcome> {
  const clock = assertClock((options as ChainVerifyOptions | undefined)?.clock);
  const keys = keyIds((options as ChainVerifyOptions | undefined)?.keys);
  const verifierKey = await writerVerifierKey(writer);
  const own = ownRequest((options as ChainVerifyOptions | undefined)?.expected, "expected", verifierKey);
  const call = precheck(presentation, own, clock().getTime(), keys);
  if (isRefusal(call)) return call;
  const receipt = await send(writer, "verifyPresentation", [call.circuitId, call.params, call.proof, call.signals]);
  const [event] = await checkedEvents(receipt.logs as never, receipt.hash);
  if (!event) throw new MedzkError("CHAIN_TRANSACTION_FAILED", `verifyPresentation (${receipt.hash}) emitted no PresentationChecked event`);
  return event;
}

/**
 * The contract numbers a batch's items as they were sent, the caller its presentations: once some
 * were refused before sending the two differ, and a caller dropping "item i" would drop the wrong
 * one. So BatchItemRefused(i, code) reaches the caller with i its own index into `presentations`
 * (the contract's error stays the cause).
 */
function renumbered(error: unknown, sent: readonly number[]): unknown {
  const reverted = revertError(error);
  if (!(error instanceof MedzkError) || reverted?.errorName !== "BatchItemRefused") return error;
  const [item, code] = reverted.args.map(Number);
  const index = sent[item!];
  if (index === undefined) return error;
  const result = CHAIN_RESULTS[code!] ?? `result ${code}`;
  return new MedzkError("CHAIN_TRANSACTION_FAILED", `verifyPresentations reverted: BatchItemRefused(${index}, ${code}): presentations[${index}] was refused on chain (${result})`, { cause: error });
}

/**
 * The statement parameters a batch of the caller's own requests sends, one set for all items:
 * verifyPresentations takes one `params` and checks every item's signals against it
 * (MedzkRegistry._checkItem), all in one transaction that accepts every item or none. So every
 * request must ask the same statement in the same issuer mode AND resolve to the same
 * parameters: a query with a relative date ("daysBeforeAsOf", src/statements/query.ts) resolves
 * on each request's own as-of day, so the same statement asked on either side of UTC midnight
 * gives two queryHash values, and sending one of them would make the contract refuse the other
 * items (and with them the whole batch) although each answers its own request. They cannot share
 * one call, and splitting them into several transactions would break the batch's all-or-nothing
 * outcome (a later transaction reverting after an earlier one spent its challenges), so they are
 * the caller's mistake: INVALID_ARGUMENT naming the items of each set of parameters, to be sent
 * as separate batches. Internal (exported for its unit test).
 */
export function batchParams(own: readonly ProofRequest[]): bigint[] {
  own.forEach((r, i) => {
    if (JSON.stringify(r.statement) !== JSON.stringify(own[0]!.statement) || (r.issuerSet === undefined) !== (own[0]!.issuerSet === undefined)) {
      throw new MedzkError("INVALID_ARGUMENT", `"expected[${i}]" asks another statement or issuer mode than expected[0]: a batch is one statement`);
    }
  });
  const circuit = circuitFor(own[0]!.statement.type, own[0]!.issuerSet !== undefined);
  const groups = new Map<string, { params: bigint[]; items: number[] }>();
  own.forEach((r, i) => {
    const params = statementParams(circuit, r.statement, r.asOf);
    const id = params.join(",");
    const group = groups.get(id) ?? groups.set(id, { params, items: [] }).get(id)!;
    group.items.push(i);
  });
  if (groups.size > 1) {
    const sets = [...groups.values()].map((g) => `expected[${g.items.join(", ")}] (as of ${[...new Set(g.items.map((i) => own[i]!.asOf))].join(", ")})`);
    throw new MedzkError(
      "INVALID_ARGUMENT",
      `the requests resolve the statement to ${groups.size} different sets of parameters (a relative date resolved on different as-of days): ${sets.join("; ")}; the contract checks one set per batch, send each as its own batch`,
    );
  }
  return [...groups.values()][0]!.params;
}

/**
 * Verifies presentations (untrusted input) of one statement with one pairing check, each against
 * the caller's own request `options.expected[i]` (all of one statement and issuer mode, resolving
 * to the same statement parameters, or INVALID_ARGUMENT: a relative date resolved on different days gives different parameters). Resolves with one outcome per presentation, in order: items that do not
 * answer their request are refused before sending ({@link ChainRefusal}); the others go in one
 * transaction and are all accepted, or the call throws CHAIN_TRANSACTION_FAILED:
 * "BatchItemRefused(i, code)" names the first item the contract refused (i is its index in
 * `presentations`, the items refused before sending counted),
 * "BatchProofInvalid" says some proof is false (verify them one by one to find which).
 */
export async function verifyBatchOnChain(writer: ChainWriter, presentations: readonly unknown[], options: ChainVerifyBatchOptions): Promise<ChainOutcome[]> {
  if (!Array.isArray(presentations) || presentations.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"presentations" must be a non-empty array`);
  const expected = (options as ChainVerifyBatchOptions | undefined)?.expected;
  if (!Array.isArray(expected) || expected.length !== presentations.length) {
    throw new MedzkError("INVALID_ARGUMENT", `"expected" must be an array with one request per presentation (${presentations.length})`);
  }
  const clock = assertClock((options as ChainVerifyBatchOptions | undefined)?.clock);
  const keys = keyIds((options as ChainVerifyBatchOptions | undefined)?.keys);
  const verifierKey = await writerVerifierKey(writer);
  const own = expected.map((e, i) => ownRequest(e, `expected[${i}]`, verifierKey));
  const params = batchParams(own);
  const now = clock().getTime();
  const outcomes: Array<PresentationCall | ChainRefusal> = presentations.map((p, i) => precheck(p, own[i]!, now, keys));
  const calls = outcomes.filter((o): o is PresentationCall => !isRefusal(o));
  if (calls.length === 0) return outcomes as ChainRefusal[];
  const first = calls[0]!;
  const sent = outcomes.flatMap((o, i) => (isRefusal(o) ? [] : [i]));
  const receipt = await send(writer, "verifyPresentations", [first.circuitId, params, calls.map((c) => c.proof), calls.flatMap((c) => c.signals)]).catch(
    (error: unknown) => {
      throw renumbered(error, sent);
    },
  );
  const events = await checkedEvents(receipt.logs as never, receipt.hash);
  if (events.length !== calls.length) throw new MedzkError("CHAIN_TRANSACTION_FAILED", `verifyPresentations (${receipt.hash}) emitted ${events.length} events for ${calls.length} items`);
  let k = 0;
  return outcomes.map((o) => (isRefusal(o) ? o : events[k++]!));
}
