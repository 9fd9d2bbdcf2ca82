/**
 * Verifying presentations on chain, from a registered verifier's account: one at a time
 * (MedzkRegistry.verifyPresentation, through the circuit's snarkjs verifier) or many of one
 * statement with one pairing check (verifyPresentations). The statement parameters come from the
 * signed request's statement, never from the presentation's own signals.
 *
 * The contract checks what it can see: proof, issuer key or set root, root freshness, statement
 * parameters, scope, as-of day, single use of the challenge. It cannot check the request's Ed25519
 * signature or expiry (no Ed25519 precompile): the calling verifier vouches for the request by
 * sending it from its registered account, exactly as its off-chain verifier does by signing it.
 */
import type { Abi } from "viem";
import { MedzkError } from "../core/errors.js";
import type { Presentation } from "../core/presentation.js";
import { type ChainWriter, loadViem, send } from "./client.js";
import { type Hex, presentationCall } from "./codec.js";
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

/** One PresentationChecked event. */
export interface ChainVerification {
  result: ChainResult;
  nullifier: string;
  statementId: Hex;
  txHash: Hex;
}

async function checkedEvents(logs: Parameters<typeof import("viem").parseEventLogs>[0]["logs"], txHash: Hex): Promise<ChainVerification[]> {
  const { parseEventLogs } = await loadViem();
  return parseEventLogs({ abi: medzkRegistryAbi as Abi, logs, eventName: "PresentationChecked" }).map((log) => {
    const args = (log as unknown as { args: { result: number; nullifier: bigint; statementId: Hex } }).args;
    return { result: CHAIN_RESULTS[args.result] ?? "ProofInvalid", nullifier: args.nullifier.toString(), statementId: args.statementId, txHash };
  });
}

/**
 * Verifies one presentation on chain from the writer's (a registered verifier's) account. Resolves
 * with the contract's result; only "Accepted" spends the challenge. `hidden`: the presentation uses
 * the hidden-issuer circuit. Throws CHAIN_TRANSACTION_FAILED for a caller error the contract
 * refuses (not a registered verifier, unknown circuit, wrong signal count).
 */
export async function verifyOnChain(writer: ChainWriter, presentation: Presentation, options: { hidden?: boolean } = {}): Promise<ChainVerification> {
  const call = presentationCall(presentation, options);
  const receipt = await send(writer, "verifyPresentation", [call.circuitId, call.params, call.proof, call.signals]);
  const [event] = await checkedEvents(receipt.logs as never, receipt.hash);
  if (!event) throw new MedzkError("CHAIN_TRANSACTION_FAILED", `verifyPresentation (${receipt.hash}) emitted no PresentationChecked event`);
  return event;
}

/**
 * Verifies presentations of one statement (the first one's request statement; all must ask the
 * same) with one pairing check. All are accepted, or the call throws CHAIN_TRANSACTION_FAILED:
 * "BatchItemRefused(i, code)" names the first refused item, "BatchProofInvalid" says some proof
 * is false (verify them one by one to find which).
 */
export async function verifyBatchOnChain(writer: ChainWriter, presentations: readonly Presentation[], options: { hidden?: boolean } = {}): Promise<ChainVerification[]> {
  if (presentations.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"presentations" must not be empty`);
  const calls = presentations.map((p) => presentationCall(p, options));
  const first = calls[0]!;
  calls.forEach((c, i) => {
    if (c.circuitId !== first.circuitId || c.params.join() !== first.params.join()) {
      throw new MedzkError("INVALID_ARGUMENT", `"presentations[${i}]" answers another statement than presentations[0]`);
    }
  });
  const receipt = await send(writer, "verifyPresentations", [first.circuitId, first.params, calls.map((c) => c.proof), calls.flatMap((c) => c.signals)]);
  return checkedEvents(receipt.logs as never, receipt.hash);
}
