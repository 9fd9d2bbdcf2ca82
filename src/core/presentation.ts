/**
 * Presentations: what a holder sends back. The request it answers (echoed verbatim, with the
 * verifier's signature), the circuit and verification key it was made with, the Groth16 proof
 * and the public signals. Plain JSON.
 *
 * Formats: `medzk-presentation/v2` (written since production keys can be given at run time)
 * names the key as `key: { circuit, id }`, id = verificationKeyId (SHA-256 of the canonical
 * verification key), so a verifier using other keys refuses it as KEY_MISMATCH before any
 * pairing. `medzk-presentation/v1` (older wallets) names no key and is still read: a verifier
 * checks it under its own key, and a key mismatch then shows only as INVALID_PROOF. The key a
 * presentation names is never used to verify it: it is compared with the verifier's own.
 *
 * {@link parsePresentation} is the one parser of the envelope, used by every reader. It never
 * throws: untrusted input reaching a verifier gets a result, not an exception.
 */
import type { VerifyErrorCode } from "./errors.js";
import type { Groth16Proof } from "./groth16-proof.js";
import { type ProofRequest, checkRequest } from "./request.js";
import { checkArray, checkHex, checkObject, describe, isPlainObject } from "./validate.js";

export type { Groth16Proof } from "./groth16-proof.js";

export const PRESENTATION_FORMAT = "medzk-presentation/v2";
/** The format before presentations named their key; still accepted by verifiers (see above). */
export const PRESENTATION_FORMAT_V1 = "medzk-presentation/v1";
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
  /** Always "medzk-presentation/v2". */
  format: typeof PRESENTATION_FORMAT;
  /** The request it answers, echoed verbatim: the verifier checks its own signature on it. */
  request: ProofRequest;
  /** The circuit and verification key the proof was made for (the shipped keys or production keys). */
  key: PresentationKey;
  /** The Groth16 proof (BN254) for the statement's circuit. */
  proof: Groth16Proof;
  /** Canonical decimal strings in circuit order: the circuit registry's public signals for the statement's circuit. */
  publicSignals: string[];
}

/** Which key a presentation was made with. */
export interface PresentationKey {
  /** The circuit name (circuits/circuits.json), e.g. "age_at_least". */
  circuit: string;
  /** SHA-256 (64 lowercase hex) of the canonical verification key (core/verification-key.ts). */
  id: string;
}

/**
 * A presentation whose envelope parsed: exactly its keys (v2: five, v1: four), the format right, the request
 * well-formed ({@link checkRequest}). `proof` is passed through unparsed (groth16/ parses it, with
 * its own code, MALFORMED_PROOF) and `publicSignals` is an array whose items the verifier checks
 * (PUBLIC_SIGNAL_COUNT, NON_CANONICAL_SIGNAL).
 */
export interface ParsedPresentation {
  format: typeof PRESENTATION_FORMAT | typeof PRESENTATION_FORMAT_V1;
  request: ProofRequest;
  /** The key it names; absent in a v1 presentation. */
  key?: PresentationKey;
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

const PRESENTATION_SHAPE = { required: ["format", "request", "key", "proof", "publicSignals"] } as const;
const V1_SHAPE = { required: ["format", "request", "proof", "publicSignals"] } as const;
const KEY_SHAPE = { required: ["circuit", "id"] } as const;
const CIRCUIT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Parses a presentation's envelope strictly (see {@link ParsedPresentation}); never throws. */
export function parsePresentation(value: unknown): PresentationParse {
  const refuse = (message: string): PresentationParse => ({ ok: false, code: "MALFORMED_PRESENTATION", message });
  // The format decides the shape, so it is read first (the shape check then names any other key).
  const format = isPlainObject(value) ? value.format : undefined;
  const v1 = format === PRESENTATION_FORMAT_V1;
  if (isPlainObject(value) && !v1 && format !== PRESENTATION_FORMAT) {
    return refuse(`"presentation.format" must be "${PRESENTATION_FORMAT}" (or the older "${PRESENTATION_FORMAT_V1}"), got ${describe(format)}`);
  }
  const shaped = checkObject(value, "presentation", v1 ? V1_SHAPE : PRESENTATION_SHAPE);
  if (!shaped.ok) return refuse(shaped.message);
  const p = shaped.value as Record<string, unknown>;
  let key: PresentationKey | undefined;
  if (!v1) {
    const k = checkObject(p.key, "presentation.key", KEY_SHAPE);
    if (!k.ok) return refuse(k.message);
    if (typeof k.value.circuit !== "string" || !CIRCUIT_NAME.test(k.value.circuit)) return refuse(`"presentation.key.circuit" must be a circuit name`);
    const id = checkHex(k.value.id, "presentation.key.id", 32);
    if (!id.ok) return refuse(id.message);
    key = { circuit: k.value.circuit, id: id.value };
  }
  const request = checkRequest(p.request, "presentation.request");
  if (!request.ok) return refuse(request.message);
  const publicSignals = checkArray(p.publicSignals, "presentation.publicSignals", MAX_PUBLIC_SIGNALS);
  if (!publicSignals.ok) return refuse(publicSignals.message);
  return {
    ok: true,
    value: { format: v1 ? PRESENTATION_FORMAT_V1 : PRESENTATION_FORMAT, request: request.value, ...(key ? { key } : {}), proof: p.proof, publicSignals: publicSignals.value },
  };
}
