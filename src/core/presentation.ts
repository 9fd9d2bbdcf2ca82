/**
 * Presentations: what a holder sends back. The request it answers (echoed verbatim, with the
 * verifier's MAC), the Groth16 proof and the public signals. Plain JSON.
 */
import type { Groth16Proof } from "../groth16/verify.js";
import type { ProofRequest } from "./request.js";

export const PRESENTATION_FORMAT = "medzk-presentation/v1";

/**
 * A holder's answer to a request, from `prove`. It reveals only the public signals (nullifier,
 * issuer key, revocation root, the request's values, disclosed attributes), not the credential.
 */
export interface Presentation {
  /** Always "medzk-presentation/v1". */
  format: typeof PRESENTATION_FORMAT;
  /** The request it answers, echoed verbatim: the verifier checks its own MAC on it. */
  request: ProofRequest;
  /** The Groth16 proof (BN254) for the statement's circuit. */
  proof: Groth16Proof;
  /** Canonical decimal strings in circuit order: the statement definition's `signals` in statements.ts. */
  publicSignals: string[];
}
