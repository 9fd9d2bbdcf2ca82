/**
 * Defaults and limits shared by the verifier, the service config and the CLI, written once here,
 * and the request-key format.
 */
import { hexToBytes } from "@noble/hashes/utils";
import type { MedzkErrorCode } from "./errors.js";
import { assertHex } from "./validate.js";

/** Lifetime of a proof request when the policy gives none, in seconds. */
export const DEFAULT_REQUEST_TTL_SECONDS = 300;
/** Longest request lifetime a policy may set, in seconds (one day). */
export const MAX_REQUEST_TTL_SECONDS = 86_400;
/** How long a replaced revocation root stays acceptable when the policy gives no limit, in seconds. */
export const DEFAULT_MAX_ROOT_AGE_SECONDS = 3600;
/** Fewest bytes of a request key (HMAC-SHA256 key): 256 bits, the MAC's own strength. */
export const REQUEST_KEY_MIN_BYTES = 32;

/**
 * Parses a request key: at least {@link REQUEST_KEY_MIN_BYTES} bytes of lowercase hex. Throws
 * MedzkError(code, default INVALID_ARGUMENT) naming `name`, never echoing the value (a secret).
 */
export function parseRequestKey(key: unknown, name = "requestKey", code?: MedzkErrorCode): Uint8Array {
  return hexToBytes(assertHex(key, name, { min: REQUEST_KEY_MIN_BYTES }, code));
}
