/**
 * Proving: turns a credential, the holder's secret and a verifier's request into a presentation.
 * Everything is checked before the prover runs (signature, holder binding, schema, expiry, and
 * that the statement is true), so mistakes surface as a MedzkError with a code rather than as a
 * witness-calculator assertion.
 */
import * as snarkjs from "snarkjs";
import { checkCredential } from "./credential.js";
import { parseDate } from "./dates.js";
import { MedzkError } from "./errors.js";
import { parseHolder, holderCommitment, type Holder } from "./holder.js";
import { PRESENTATION_FORMAT, type Presentation } from "./presentation.js";
import { type ArtifactSource, provingArtifacts } from "./prover-artifacts.js";
import { proverOptions } from "./prover-curve.js";
import { type ProofRequest, scopeField, tryParseRequest } from "./request.js";
import { PARAMETER_INPUT, statementDefinition } from "./statements.js";
import type { Credential } from "./credential.js";
import type { Groth16Proof } from "./groth16.js";

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
  /** Called as proving moves through its stages (for a wallet's progress display). */
  onProgress?: (event: ProveProgress) => void;
  /** Directory (or file: URL) of the artifacts; defaults to the ones shipped in this package. */
  artifacts?: ArtifactSource;
  /** Holder clock, injectable for tests. */
  now?: Date;
}

/** What a circuit needs to prove a request: the circuit name and its input signals (decimal strings). */
export interface CircuitInput {
  circuit: string;
  request: ProofRequest;
  input: Record<string, string>;
}

/**
 * Runs every check `prove` makes and returns the circuit input, without proving. For wallets
 * that run the Groth16 prover elsewhere (a worker, a native prover) on the shipped artifacts.
 */
export async function buildCircuitInput(options: Omit<ProveOptions, "onProgress" | "artifacts">): Promise<CircuitInput> {
  const request = tryParseRequest(options?.request);
  if (!request) throw new MedzkError("INVALID_ARGUMENT", `"request" is not a well-formed medzk request`);
  const def = statementDefinition(request.statement.type);
  const now = options.now ?? new Date();
  if (Date.parse(request.expiresAt) <= now.getTime()) {
    throw new MedzkError("REQUEST_EXPIRED", `the request expired at ${request.expiresAt}; ask the verifier for a new one`);
  }
  const secret = parseHolder(options.holder);
  const credential = await checkCredential(options.credential);
  if (credential.schema.id !== def.schema) {
    throw new MedzkError(
      "INVALID_ARGUMENT",
      `statement ${request.statement.type} needs a ${def.schema} credential, got ${credential.schema.id}`,
    );
  }
  if (holderCommitment(secret) !== credential.holder) {
    throw new MedzkError("HOLDER_MISMATCH", `the credential is bound to another holder`);
  }
  const asOf = parseDate(request.asOf, "request.asOf");
  if (!def.holds(request.statement, credential, asOf)) {
    throw new MedzkError("STATEMENT_NOT_SATISFIED", `the credential does not satisfy ${request.statement.type} on ${request.asOf}`);
  }

  const input: Record<string, string> = {
    issuerAx: credential.issuer.x.toString(),
    issuerAy: credential.issuer.y.toString(),
    asOfDate: asOf.toString(),
    [PARAMETER_INPUT[request.statement.type]]: def.parameter(request.statement).toString(),
    challenge: request.challenge,
    scope: scopeField(request.scope).toString(),
    holderSecret: secret.toString(),
    salt: credential.salt.toString(),
    sigR8x: credential.signature.R8x.toString(),
    sigR8y: credential.signature.R8y.toString(),
    sigS: credential.signature.S.toString(),
  };
  for (const [name, value] of Object.entries(def.attributeInputs(credential))) input[name] = value.toString();
  return { circuit: def.circuit, request, input };
}

/** Proves a verifier's request with a credential; returns a JSON-safe presentation. */
export async function prove(options: ProveOptions): Promise<Presentation> {
  const started = Date.now();
  const progress = (stage: ProveStage) => options?.onProgress?.({ stage, elapsedMs: Date.now() - started });
  progress("checking");
  const { circuit, request, input } = await buildCircuitInput(options);
  progress("loading-artifacts");
  const artifacts = await provingArtifacts(circuit, options.artifacts);
  progress("proving");
  let result: { proof: snarkjs.SnarkjsProof; publicSignals: string[] };
  try {
    result = await snarkjs.groth16.fullProve(input, artifacts.wasm, artifacts.zkey, undefined, undefined, await proverOptions());
  } catch (cause) {
    throw new MedzkError("PROVING_FAILED", `proving ${request.statement.type} failed`, { cause });
  }
  progress("done");
  const { pi_a, pi_b, pi_c } = result.proof;
  return {
    format: PRESENTATION_FORMAT,
    request,
    proof: { pi_a, pi_b, pi_c, protocol: "groth16", curve: "bn128" } as Groth16Proof,
    publicSignals: result.publicSignals,
  };
}
