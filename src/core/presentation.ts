/**
 * Presentations: what a holder sends back. The request it answers (echoed verbatim, with the
 * verifier's signature), the Groth16 proof and the public signals. Plain JSON.
 *
 * {@link parsePresentation} is the one parser of the envelope, used by every reader. It never
 * throws: untrusted input reaching a verifier gets a result, not an exception.
 */
import type { VerifyErrorCode } from "./errors.js";
import type { Groth16Proof } from "./groth16-proof.js";
import { type ProofRequest, checkRequest } from "./request.js";
import { checkArray, checkObject } from "./validate.js";

export type { Groth16Proof } from "./groth16-proof.js";

export const PRESENTATION_FORMAT = "medzk-presentation/v1";
/**
 * Most public signals a presentation may carry. medzk's circuits have at most a few dozen; the
 * bound keeps a hostile array from costing more than its parse before the count is checked.
 */
export const MAX_PUBLIC_SIGNALS = 256;

/**
 * A holder's answer to a request, from `prove`. It reveals only the public signals (nullifier,
 * issuer key, revocation root, the request's values, disclosed attributes), not the credential.
 */
export interface Presentation {
  /** Always "medzk-presentation/v1". */
  format: typeof PRESENTATION_FORMAT;
  /** The request it answers, echoed verbatim: the verifier checks its own signature on it. */
  request: ProofRequest;
  /** The Groth16 proof (BN254) for the statement's circuit. */
  proof: Groth16Proof;
  /** Canonical decimal strings in circuit order: the circuit registry's public signals for the statement's circuit. */
  publicSignals: string[];
}

/**
 * A presentation whose envelope parsed: exactly the four keys, the format right, the request
 * well-formed ({@link checkRequest}). `proof` is passed through unparsed (groth16/ parses it, with
 * its own code, MALFORMED_PROOF) and `publicSignals` is an array whose items the verifier checks
 * (PUBLIC_SIGNAL_COUNT, NON_CANONICAL_SIGNAL).
 */
export interface ParsedPresentation {
  format: typeof PRESENTATION_FORMAT;
  request: ProofRequest;
  proof: unknown;
  publicSignals: readonly unknown[];
}

/**
 * The result of {@link parsePresentation}: the parsed envelope, or why it was refused with the
 * verifier's code (always MALFORMED_PRESENTATION) and a message naming the key. Switch on `ok`.
 */
export type PresentationParse =
  | { ok: true; value: ParsedPresentation }
  | { ok: false; code: Extract<VerifyErrorCode, "MALFORMED_PRESENTATION">; message: string };

const PRESENTATION_SHAPE = { required: ["format", "request", "proof", "publicSignals"] } as const;

/** Parses a presentation's envelope strictly (see {@link ParsedPresentation}); never throws. */
export function parsePresentation(value: unknown): PresentationParse {
  const refuse = (message: string): PresentationParse => ({ ok: false, code: "MALFORMED_PRESENTATION", message });
  const shaped = checkObject(value, "presentation", PRESENTATION_SHAPE);
  if (!shaped.ok) return refuse(shaped.message);
  const p = shaped.value;
  if (p.format !== PRESENTATION_FORMAT) {
    return refuse(`"presentation.format" must be "${PRESENTATION_FORMAT}", got ${JSON.stringify(p.format)}`);
  }
  const request = checkRequest(p.request, "presentation.request");
  if (!request.ok) return refuse(request.message);
  const publicSignals = checkArray(p.publicSignals, "presentation.publicSignals", MAX_PUBLIC_SIGNALS);
  if (!publicSignals.ok) return refuse(publicSignals.message);
  return { ok: true, value: { format: PRESENTATION_FORMAT, request: request.value, proof: p.proof, publicSignals: publicSignals.value } };
}
