/**
 * Holder-only reading of the audit trail: a holder reads the entries under a nullifier only by
 * proving, to this verifier, that it holds that nullifier.
 *
 * Every presentation carries its nullifier, so a nullifier is no secret: whoever saw one
 * presentation could read the holder's trail if knowing it were enough. The nullifier is
 * Poseidon(secret, scope) in every statement's circuit, so a proof the verifier accepts under its
 * own scope shows the prover holds that nullifier's secret. The service therefore:
 *
 * 1. `POST /v1/audit/challenges { preset }`: signs a request for one of its presets (the verifier's
 *    own createRequest: a fresh challenge, expiry `requestTtlSeconds` ahead) and a ticket, an
 *    Ed25519 signature by the same key over "medzk-audit-challenge/v1\0" and the challenge, which
 *    marks that request as an audit challenge (a request signs another domain, so neither passes
 *    for the other);
 * 2. `POST /v1/audit/entries { presentation, ticket }`: checks the ticket against the
 *    presentation's challenge, then verifies the presentation with the verifier's own checks
 *    (Verifier.verify, expecting that challenge: its signature, expiry, statement, scope, trust,
 *    proof, and the challenge used up, so each answer reads once), and serves the entries of the
 *    nullifier the proof proved, never one the caller names.
 *
 * NOTE: the ticket is what keeps an ordinary presentation (one a relying party relays to
 * /v1/verify) from reading its holder's trail. An audit read is a verification (its answer says
 * the statement holds), so the service records it as an entry like any other before serving.
 * Residual: to a wallet an audit challenge is an ordinary request of this verifier; whoever gets
 * a holder to answer one and keeps the presentation reads the trail (docs/audit.md).
 */
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import { parsePresentation } from "../core/presentation.js";
import { checkHex } from "../core/validate.js";
import type { VerifierKey } from "../verifier/verifier-key.js";

/** The signing domain of an audit ticket; a request's is "medzk-request/v2\0" (core/request.ts). */
const TICKET_DOMAIN = "medzk-audit-challenge/v1\0";

/** The ticket of an audit challenge: Ed25519 by the verifier's key over the domain and the challenge (128 hex digits). */
export function auditTicket(key: VerifierKey, challenge: string): string {
  return bytesToHex(ed25519.sign(utf8ToBytes(TICKET_DOMAIN + challenge), hexToBytes(key.privateKey)));
}

/**
 * The challenge of `presentation` when `ticket` marks it as an audit challenge of the verifier
 * `publicKey`; undefined otherwise (a presentation that does not parse, a malformed or foreign
 * ticket, a ticket of another challenge). Strict RFC 8032 verification, as for requests. Never throws.
 */
export function auditChallengeOf(presentation: unknown, ticket: unknown, publicKey: string): string | undefined {
  if (!checkHex(ticket, "ticket", 64).ok) return undefined;
  const parsed = parsePresentation(presentation);
  if (!parsed.ok) return undefined;
  const { challenge } = parsed.value.request;
  try {
    return ed25519.verify(hexToBytes(ticket as string), utf8ToBytes(TICKET_DOMAIN + challenge), hexToBytes(publicKey), { zip215: false }) ? challenge : undefined;
  } catch {
    return undefined;
  }
}
