/**
 * The wallet's trust list: the verifiers its holder knows, each an Ed25519 public key with the
 * name the holder knows it by. The wallet names a verifier only from here, never from a
 * request's text, so a request cannot introduce itself as someone else.
 */
import { MedzkError } from "../core/errors.js";
import { assertArray, assertHex, assertObject, assertString } from "../core/validate.js";

/** A verifier the holder trusts: its request-signing public key and the name to show for it. */
export interface TrustedVerifier {
  /** The verifier's Ed25519 public key (32 bytes, lowercase hex), as in its requests' `verifier`. */
  publicKey: string;
  /** The name the holder knows the verifier by (1 to 128 characters). */
  name: string;
}

/** Validates a trust list strictly; one key listed twice is refused (which name would be shown?). */
export function parseTrustList(value: unknown, name = "trustedVerifiers"): ReadonlyMap<string, TrustedVerifier> {
  const list = assertArray(value, name);
  const byKey = new Map<string, TrustedVerifier>();
  list.forEach((item, i) => {
    const at = `${name}[${i}]`;
    const v = assertObject(item, at, { required: ["publicKey", "name"] });
    const publicKey = assertHex(v.publicKey, `${at}.publicKey`, 32);
    if (byKey.has(publicKey)) throw new MedzkError("INVALID_ARGUMENT", `"${at}.publicKey" is listed twice`);
    byKey.set(publicKey, { publicKey, name: assertString(v.name, `${at}.name`, { max: 128 }) });
  });
  return byKey;
}
