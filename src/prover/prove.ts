/**
 * Proving: turns a credential, the holder's secret and a verifier's request into a presentation.
 * Everything is checked before the prover runs (signature, holder binding, schema, expiry, and
 * that the statement is true), so mistakes surface as a MedzkError with a code rather than as a
 * witness-calculator assertion.
 *
 * Platform-neutral: the entries (prover/node.ts for Node, src/browser.ts) only say where the proving
 * artifacts come from, so the browser bundle never pulls in node:fs.
 */
import type { WitnessCalculator } from "circom_runtime";
import { type CheckedCredential, checkCredential } from "../core/credential.js";
import { parseDate, utcDate } from "../core/dates.js";
import { MedzkError } from "../core/errors.js";
import { parseHolder, holderCommitment, type Holder } from "./holder.js";
import { PRESENTATION_FORMAT, type Presentation } from "../core/presentation.js";
import { type ArtifactLocation, loadProvingArtifacts } from "../artifacts/loader.js";
import { type VerificationKey, verificationKeyId } from "../core/verification-key.js";
import { type CheckedKey, type KeySet, checkKeySet, shippedKeyId } from "../artifacts/key-manifest.js";
import { type Curve, threadedCurve, verifierCurve } from "../groth16/curve.js";
import { isNode, threadOptions } from "../groth16/idle-workers.js";
import { type RawProof, groth16ProveResident } from "./groth16-prove.js";
import { type ProvingKey, parseProvingKey, wtnsValues } from "./proving-key.js";
import { type ProofRequest, parseRequest, requestScope, requestSignatureValid, scopeField } from "../core/request.js";
import { EMPTY_REVOCATION_ROOT, type RevocationStatus, parseRevocationStatus, revocationWitness } from "../core/revocation.js";
import { type IssuerSet, issuerSetWitness } from "../core/issuer-set.js";
import { assertArray, assertClock, assertInstant, assertObject, assertString } from "../core/validate.js";
import { schemaIdField } from "../core/schemas.js";
import { builtinSchemas, parseStatement, statementDefinition, toDecimal } from "../statements/registry.js";
import type { Credential } from "../core/credential.js";
import type { Groth16Proof } from "../core/groth16-proof.js";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";

export type ProveStage = "checking" | "loading-artifacts" | "proving" | "done";

export interface ProveProgress {
  stage: ProveStage;
  /** Milliseconds since `prove` was called. */
  elapsedMs: number;
}

export interface ProveOptions {
  credential: Credential;
  holder: Holder;
  /** The verifier's request, as received. */
  request: unknown;
  /**
   * The issuer's published revocation status (RevocationRegistry#publish). The holder rebuilds
   * the tree from it locally, so nobody learns which credential it checks. Omit only for issuers
   * that keep no revocation registry.
   */
  revocation?: RevocationStatus;
  /**
   * The verifier's published trusted issuer set (`Verifier.issuerSet`), needed when the request
   * hides the issuer (its `issuerSet` names this set's root). The holder finds its issuer's
   * member and path in it locally, so the verifier learns only "one of the set".
   */
  issuerSet?: IssuerSet;
  /** Attribute names the holder agrees to disclose. A request asking for others is refused. */
  allowDisclosure?: readonly string[];
  /** Called as proving moves through its stages (for a wallet's progress display). */
  onProgress?: (event: ProveProgress) => void;
  /**
   * Where the circuit artifacts (wasm, zkey) are. Node: a directory path or a file:, http: or
   * https: URL, by default the package's own artifacts/. Browser: the URL of the directory
   * serving them (absolute, or relative to the page); required. Either way each file is
   * checked against the SHA-256 pins bundled into the library before use.
   */
  artifacts?: string | URL;
  /**
   * Production keys (a key set from `loadKeys(manifest)`, see SECURITY.md's phase-2 ceremony)
   * instead of the shipped ones: the proving key and wasm are read from the manifest's directory
   * and checked against its pins. Not together with `artifacts`. The presentation names the key
   * it was made with, so a verifier using other keys refuses it as KEY_MISMATCH.
   */
  keys?: KeySet;
  /** Holder clock, injectable for tests: today's UTC day and the request's expiry are read from it. Default: the system clock. */
  clock?: () => Date;
  /** @deprecated Use `clock: () => date`; removed in the next major release. */
  now?: Date;
}

/** What a circuit needs to prove a request: the circuit name and its input signals (decimal strings). */
export interface CircuitInput {
  circuit: string;
  request: ProofRequest;
  /** snarkjs input: decimal strings and (nested) arrays of them. */
  input: Record<string, unknown>;
}

/**
 * Runs every check `prove` makes and returns the circuit input, without proving. For wallets
 * that run the Groth16 prover elsewhere (a worker, a native prover) on the shipped artifacts.
 */
export async function buildCircuitInput(options: Omit<ProveOptions, "onProgress" | "artifacts" | "keys">): Promise<CircuitInput> {
  const o = assertObject(options, "options", PROVE_OPTION_KEYS);
  const request = parseRequest(o.request);
  // Who asks, before anything else: the signature binds every field to the verifier's key, and
  // the scope is derived from that key and the signed purpose, never read from the request's
  // text, so a request forged in another verifier's name cannot yield that verifier's nullifier.
  if (!requestSignatureValid(request)) {
    throw new MedzkError("REQUEST_SIGNATURE_INVALID", `the request's signature is not a valid signature by its verifier ${request.verifier}; refusing to prove`);
  }
  const asOf = checkRequestTiming(request, holderClock(o)());
  const secret = parseHolder(o.holder);
  const credential = await checkedCredential(o.credential);
  const allowDisclosure = assertArray(o.allowDisclosure ?? [], "allowDisclosure").map((name, i) => assertString(name, `allowDisclosure[${i}]`));
  const wanted = (request.statement as { schema?: unknown }).schema;
  if (request.statement.type === "query" && wanted !== credential.schema.id) {
    throw new MedzkError("INVALID_ARGUMENT", `the query is over ${JSON.stringify(wanted)} credentials, this one is ${credential.schema.id}`);
  }
  const schemas = (id: string) => (id === credential.schema.id ? credential.schema : builtinSchemas(id));
  const statement = parseStatement(request.statement, schemas);
  const def = statementDefinition(statement.type, request.issuerSet === undefined ? "key" : "set");
  const schema = def.schema(statement, schemas);
  if (schemaIdField(credential.schema) !== schemaIdField(schema)) {
    throw new MedzkError("INVALID_ARGUMENT", `statement ${statement.type} needs a ${schema.id} credential, got ${credential.schema.id}`);
  }
  if (statement.type === "query") {
    const refused = (statement.disclose ?? []).filter((name) => !allowDisclosure.includes(name));
    if (refused.length > 0) {
      throw new MedzkError("REQUEST_REFUSED", `the request asks to disclose ${refused.join(", ")}, which the holder did not allow`);
    }
  }
  if (holderCommitment(secret) !== credential.holderCommitment) {
    throw new MedzkError("HOLDER_MISMATCH", `the credential is bound to another holder`);
  }
  if (asOf > credential.expiresOn) {
    throw new MedzkError("STATEMENT_NOT_SATISFIED", `the credential expired on ${credential.credential.expiresAt}`);
  }
  if (!def.holds(statement, schema, credential.fields, asOf)) {
    throw new MedzkError("STATEMENT_NOT_SATISFIED", `the credential does not satisfy ${statement.type} on ${request.asOf}`);
  }
  const status = o.revocation === undefined ? undefined : parseRevocationStatus(o.revocation, "revocation");
  const revocation = revocationWitness(
    status ?? {
      format: "medzk-revocation/v1",
      issuer: credential.credential.issuer,
      root: EMPTY_REVOCATION_ROOT,
      revoked: [],
      updatedAt: new Date(0).toISOString(),
      nextSlot: credential.credential.revocationSlot + 1,
    },
    credential.credential.revocationSlot,
  );

  const revocationRoot = status?.root ?? EMPTY_REVOCATION_ROOT;
  const input: Record<string, unknown> = {
    // In issuer mode "set" these three are private inputs: the set membership below binds them.
    issuerAx: credential.issuer.x.toString(),
    issuerAy: credential.issuer.y.toString(),
    revocationRoot,
    asOfDate: asOf.toString(),
    challenge: request.challenge,
    scope: scopeField(requestScope(request)).toString(),
    holderSecret: secret.toString(),
    salt: credential.salt.toString(),
    revocationSlot: credential.credential.revocationSlot.toString(),
    expiresOn: credential.expiresOn.toString(),
    sigR8x: credential.signature.R8x.toString(),
    sigR8y: credential.signature.R8y.toString(),
    sigS: credential.signature.S.toString(),
    ...revocation,
  };
  if (request.issuerSet !== undefined) {
    if (o.issuerSet === undefined) {
      throw new MedzkError("INVALID_ARGUMENT", `the request hides the issuer among the verifier's trusted set ${request.issuerSet}: give that set as "issuerSet"`);
    }
    // The strict parse (and the check that the root is its members') is issuerSetWitness's.
    const root = (o.issuerSet as { root?: unknown } | null)?.root;
    if (root !== request.issuerSet) {
      throw new MedzkError("INVALID_ARGUMENT", `"issuerSet" has root ${JSON.stringify(root)}, the request names ${request.issuerSet}: fetch the verifier's current set`);
    }
    const member = { publicKey: credential.credential.issuer, schemaId: schemaIdField(credential.schema).toString(), revocationRoot, asOf };
    Object.assign(input, { issuerSetRoot: request.issuerSet }, issuerSetWitness(o.issuerSet, member));
  }
  const statementInputs = { ...def.publicInputs(statement, schema, asOf), ...def.privateInputs(statement, schema, asOf) };
  for (const [name, value] of Object.entries({ ...statementInputs, ...def.attributeInputs(credential.fields) })) {
    input[name] = toDecimal(value);
  }
  return { circuit: def.circuit, request, input };
}

/** Plain JSON data (what JSON.stringify maps one-to-one): no undefined, toJSON, class instances, or non-finite numbers. */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 16) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => isPlainJson(v, depth + 1));
}

const CHECKED_MAX = 32;
const checkedCredentials = new Map<string, CheckedCredential>();

/**
 * checkCredential, kept by content: its issuer signature check (EdDSA on BabyJubJub in BigInt
 * arithmetic) is ~45 ms of a proof's holder checks, on the critical path before the witness, and
 * a wallet proves again and again with the same credentials. Only plain JSON is kept, and the
 * check runs on a private copy parsed from the serialisation, so the result is a function of the
 * key alone and no caller can change what a later hit returns; anything else is checked as given.
 */
async function checkedCredential(credential: unknown): Promise<CheckedCredential> {
  if (!isPlainJson(credential)) return checkCredential(credential);
  const json = JSON.stringify(credential);
  // Keyed by the serialisation's SHA-256, not the serialisation: the map keeps no second copy
  // of the record's text (its attributes are health data).
  const key = bytesToHex(sha256(utf8ToBytes(json)));
  const hit = checkedCredentials.get(key);
  if (hit) return hit;
  // Frozen: every later proof with this credential shares the object.
  const result = Object.freeze(await checkCredential(JSON.parse(json)));
  Object.freeze(result.fields);
  if (checkedCredentials.size >= CHECKED_MAX) checkedCredentials.delete(checkedCredentials.keys().next().value!);
  checkedCredentials.set(key, result);
  return result;
}

/**
 * The request's timing from the holder's side: not expired (REQUEST_EXPIRED) and its as-of date
 * the holder's own UTC day, give or take one (REQUEST_REFUSED). Returns the as-of date. A wallet
 * runs it before its probing guard too, so a stale request never spends the verifier's budget.
 */
export function checkRequestTiming(request: ProofRequest, now: Date): number {
  if (assertInstant(request.expiresAt, "request.expiresAt", "INVALID_REQUEST") <= now.getTime()) {
    throw new MedzkError("REQUEST_EXPIRED", `the request expired at ${request.expiresAt}; ask the verifier for a new one`);
  }
  // Holder protection: a verifier must not probe the record with as-of dates of its choosing
  // (for example stepping a date to find a birthday), so the as-of date must be the holder's
  // own UTC day, give or take one day for time zones and requests made around midnight.
  const asOf = parseDate(request.asOf, "request.asOf");
  const today = parseDate(utcDate(now), "now");
  const dayMs = 86_400_000;
  const near = [-dayMs, 0, dayMs].map((d) => parseDate(utcDate(new Date(now.getTime() + d)), "now"));
  if (!near.includes(asOf)) {
    throw new MedzkError("REQUEST_REFUSED", `the request's as-of date ${request.asOf} is not within a day of today (${today}); refusing to prove`);
  }
  return asOf;
}

const PROVE_OPTION_KEYS = {
  required: ["credential", "holder", "request"],
  optional: ["revocation", "issuerSet", "allowDisclosure", "onProgress", "artifacts", "keys", "clock", "now"],
} as const;

/** The holder's clock from `clock` or the deprecated `now`; both at once is a mistake. */
function holderClock(o: { clock?: unknown; now?: unknown }): () => Date {
  if (o.clock !== undefined && o.now !== undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `give "clock" or its deprecated alias "now", not both`);
  }
  if (o.now === undefined) return assertClock(o.clock);
  const fixed = o.now;
  if (!(fixed instanceof Date) || Number.isNaN(fixed.getTime())) throw new MedzkError("INVALID_ARGUMENT", `"now" must be a valid Date`);
  return () => fixed;
}

const matched = new WeakMap<Uint8Array, Promise<string>>();

/**
 * A production proving key must be the verification key's pair: snarkjs exports the key from the
 * zkey and its id must be the manifest's. Otherwise every proof would fail at the verifier as
 * INVALID_PROOF, while here the manifest is refused at once (ARTIFACT_INTEGRITY). The shipped
 * keys are paired by the build (scripts/build-circuits.mjs) and pinned together.
 */
async function assertZkeyMatches(zkey: Uint8Array, circuit: string, keyId: string): Promise<void> {
  let id = matched.get(zkey);
  if (!id) {
    id = import("snarkjs").then(async (s) => verificationKeyId((await s.zKey.exportVerificationKey({ type: "mem", data: zkey })) as unknown as VerificationKey));
    id.catch(() => matched.delete(zkey));
    matched.set(zkey, id);
  }
  let actual: string;
  try {
    actual = await id;
  } catch (cause) {
    throw new MedzkError("ARTIFACT_INTEGRITY", `the proving key of "${circuit}" in the keys manifest is not a readable zkey`, { cause });
  }
  if (actual !== keyId) throw new MedzkError("ARTIFACT_INTEGRITY", `the proving key of "${circuit}" in the keys manifest belongs to verification key ${actual}, not to the manifest's ${keyId}`);
}

const keys = new WeakMap<Uint8Array, ProvingKey>();

/** The proving key of a (cached, hash-checked) zkey artifact, parsed once and kept with it. */
function provingKey(zkey: Uint8Array): ProvingKey {
  let key = keys.get(zkey);
  if (!key) {
    key = parseProvingKey(zkey);
    keys.set(zkey, key);
  }
  return key;
}

/**
 * The curve to prove on: the shared multi-threaded one (one worker per core), or, where workers
 * cannot start (a browser page whose Content-Security-Policy forbids blob: workers, where building
 * a threaded curve would wait forever), the single-threaded one: the same tasks then run in this
 * thread. In Node, prover/node.ts has loaded snarkjs first (see groth16/curve.ts's NOTE).
 */
async function provingCurve(): Promise<Curve> {
  if (!isNode() && (await threadOptions(undefined)).singleThread) return verifierCurve();
  return (await threadedCurve()) ?? verifierCurve();
}

const calculators = new WeakMap<Uint8Array, Promise<WitnessCalculator>>();

/**
 * The circuit's witness calculator, compiled once per (cached, hash-checked) wasm artifact.
 * NOTE: one wasm instance holds one witness at a time, and circom_runtime's calculateWTNSBin
 * awaits between writing the inputs and reading the witness out: two proofs interleaved there
 * would read each other's witness (one holder's challenge, nullifier and disclosed attributes in
 * another's proof). {@link calculateWitness} runs them one after the other.
 */
function witnessCalculator(wasm: Uint8Array): Promise<WitnessCalculator> {
  let calculator = calculators.get(wasm);
  if (!calculator) {
    calculator = import("circom_runtime").then((m) => m.WitnessCalculatorBuilder(wasm));
    calculator.catch(() => calculators.delete(wasm));
    calculators.set(wasm, calculator);
  }
  return calculator;
}

const witnessQueues = new WeakMap<WitnessCalculator, Promise<unknown>>();

/** calculateWTNSBin on `calculator`, after every earlier call on it has finished (see above). */
function calculateWitness(calculator: WitnessCalculator, input: Record<string, unknown>): Promise<Uint8Array> {
  const previous = witnessQueues.get(calculator) ?? Promise.resolve();
  const run = previous.then(
    () => calculator.calculateWTNSBin(input),
    () => calculator.calculateWTNSBin(input),
  );
  witnessQueues.set(calculator, run.catch(() => undefined));
  return run;
}

/**
 * Proves a verifier's request with a credential, reading artifacts from the location `locate`
 * gives for `options.artifacts`; returns a JSON-safe presentation.
 */
export async function proveWith(
  options: ProveOptions,
  locate: (source: string | URL | undefined) => ArtifactLocation,
): Promise<Presentation> {
  const started = Date.now();
  const progress = (stage: ProveStage) => options?.onProgress?.({ stage, elapsedMs: Date.now() - started });
  // Before the checks: a misplaced artifact directory or a bad key manifest is a configuration
  // error, reported at once.
  const keys = options?.keys === undefined ? undefined : checkKeySet(options.keys);
  if (keys && options.artifacts !== undefined) throw new MedzkError("INVALID_ARGUMENT", `give "keys" (production keys) or "artifacts", not both`);
  const location = locate(keys ? (options.keys as KeySet).base : options?.artifacts);
  progress("checking");
  const { circuit, request, input } = await buildCircuitInput(options);
  let pinned: CheckedKey["prover"];
  let keyId: string;
  if (keys) {
    const key = keys.get(circuit);
    if (!key?.prover) throw new MedzkError("INVALID_ARGUMENT", `the keys manifest has no proving key for circuit "${circuit}" (the request's ${request.statement.type} statement)`);
    pinned = key.prover;
    keyId = key.id;
  } else {
    keyId = shippedKeyId(circuit);
  }
  progress("loading-artifacts");
  const artifacts = await loadProvingArtifacts(circuit, location, pinned);
  if (pinned) await assertZkeyMatches(artifacts.zkey, circuit, keyId);
  progress("proving");
  let result: RawProof;
  try {
    // Everything per circuit is kept: the compiled witness calculator, the parsed proving key
    // (its sections as compact buffers, ./proving-key.ts), and the curve with its workers.
    const key = provingKey(artifacts.zkey);
    const [calculator, curve] = await Promise.all([witnessCalculator(artifacts.wasm), provingCurve()]);
    const witness = wtnsValues(await calculateWitness(calculator, input), key.nVars);
    result = await groth16ProveResident(curve, key, witness);
  } catch (cause) {
    if (cause instanceof MedzkError && cause.code === "ARTIFACT_INTEGRITY") throw cause;
    throw new MedzkError("PROVING_FAILED", `proving ${request.statement.type} failed`, { cause });
  }
  progress("done");
  const { pi_a, pi_b, pi_c } = result.proof;
  return {
    format: PRESENTATION_FORMAT,
    request,
    key: { circuit, id: keyId },
    proof: { pi_a, pi_b, pi_c, protocol: "groth16", curve: "bn128" } as Groth16Proof,
    publicSignals: result.publicSignals,
  };
}
