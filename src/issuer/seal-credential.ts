/**
 * Sealing: an issuer encrypts a credential to the holder's public encryption key
 * (`holderEncryptionKey`), so it can be delivered over any channel. The envelope format and its
 * construction are core/envelope.ts (docs/envelope.md).
 */
import { type Credential, checkCredential } from "../core/credential.js";
import { type Envelope, parseEncryptionKey, sealBytes } from "../core/envelope.js";
import { utf8ToBytes } from "@noble/hashes/utils";

/**
 * Seals a credential to a holder's public encryption key (64 hex characters, from
 * `holderEncryptionKey`). The credential is checked first (shape and issuer signature), so an
 * issuer never sends what the holder would refuse. Returns a JSON-safe envelope.
 *
 * NOTE: the envelope proves nothing about who the key belongs to. Take the key from the patient
 * over the same authenticated channel as the holder commitment: a credential sealed to a
 * stranger's key cannot be used by the stranger (it is bound to the commitment), but its
 * attributes can be read.
 *
 * Throws INVALID_CREDENTIAL (or INVALID_ATTRIBUTE) for the credential, INVALID_KEY for a
 * malformed or low-order key, INVALID_ARGUMENT for a credential over the envelope's 64 KiB.
 */
export async function sealCredential(credential: Credential, recipientPublicKey: string): Promise<Envelope> {
  const recipient = parseEncryptionKey(recipientPublicKey, "recipientPublicKey", "INVALID_KEY");
  const checked = await checkCredential(credential);
  return sealBytes(utf8ToBytes(JSON.stringify(checked.credential)), recipient);
}
