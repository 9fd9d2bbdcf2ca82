/**
 * Presentations: what a holder sends back. The request it answers (echoed verbatim, with the
 * verifier's MAC), the Groth16 proof and the public signals. Plain JSON.
 */
import type { Groth16Proof } from "./groth16.js";
import type { ProofRequest } from "./request.js";

export const PRESENTATION_FORMAT = "medzk-presentation/v1";

export interface Presentation {
  format: typeof PRESENTATION_FORMAT;
  request: ProofRequest;
  proof: Groth16Proof;
  /** Decimal strings in circuit order: see PUBLIC_SIGNALS in statements.ts. */
  publicSignals: string[];
}
