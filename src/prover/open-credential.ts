/**
 * Opening: the holder decrypts a sealed credential (core/envelope.ts, docs/envelope.md) with the
 * key derived from its secret, then holds what comes out to the same checks as any credential.
 * Platform-neutral (the browser bundle exports it): no Node built-ins.
 */
import { type Credential, checkCredential } from "../core/credential.js";
import { openBytes, parseEnvelope } from "../core/envelope.js";
import { MedzkError } from "../core/errors.js";
import { equalBytes } from "@noble/curves/abstract/utils";
import { x25519 } from "@noble/curves/ed25519";
import { type Holder, holderCommitment, holderEncryptionSecret, parseHolder } from "./holder.js";

const SIGNATURE_REFUSED = "credential: the issuer signature does not verify";

/**
 * Opens an envelope sealed to this holder and returns the credential inside, after checking it:
 * strictly parsed, its issuer signature valid, bound to this holder's commitment.
 *
 * Throws MedzkError, each code for one reason and no message quoting the envelope's content:
 * - ENVELOPE_INVALID: not a well-formed medzk-envelope/v1 (unknown or missing keys, bad hex or
 *   lengths, over 64 KiB);
 * - ENVELOPE_NOT_FOR_HOLDER: addressed to another encryption key;
 * - ENVELOPE_DECRYPTION_FAILED: altered or truncated in any way (one code for all: nothing to
 *   tell a probe which byte was wrong);
 * - INVALID_CREDENTIAL (INVALID_ATTRIBUTE, INVALID_DATE for an attribute value): decrypted, but not a valid
 *   credential, its issuer signature included;
 * - HOLDER_MISMATCH: a valid credential bound to another holder's commitment;
 * - INVALID_ARGUMENT: a malformed holder.
 */
export async function openCredential(envelope: unknown, holder: Holder): Promise<Credential> {
  const secret = parseHolder(holder);
  const parsed = parseEnvelope(envelope);
  const ownSecret = holderEncryptionSecret(secret);
  if (!equalBytes(parsed.recipient, x25519.getPublicKey(ownSecret))) {
    throw new MedzkError("ENVELOPE_NOT_FOR_HOLDER", "the envelope is sealed to another holder's encryption key");
  }
  const plaintext = openBytes(parsed, ownSecret);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    // Never the parser's message: it quotes the decrypted text.
    throw new MedzkError("INVALID_CREDENTIAL", "the sealed content is not JSON: the issuer sealed something other than a credential");
  }
  let credential: Credential;
  try {
    credential = (await checkCredential(value)).credential;
  } catch (error) {
    if (!(error instanceof MedzkError)) throw error;
    // checkCredential's messages may quote a refused value ("got …"): here that is decrypted
    // health data, so only the property it names (its leading quoted name) is kept, no cause.
    const where = /^(?:attribute )?"([\w.[\]-]+)"/.exec(error.message)?.[1];
    const what = error.message === SIGNATURE_REFUSED ? "its issuer signature does not verify" : where ? `at "${where}"` : "malformed";
    throw new MedzkError(error.code, `the sealed credential is invalid: ${what}`);
  }
  if (credential.holder !== holderCommitment(secret).toString()) {
    throw new MedzkError("HOLDER_MISMATCH", "the sealed credential is bound to another holder's commitment");
  }
  return credential;
}
