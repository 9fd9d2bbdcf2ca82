/**
 * BN254 scalar-field helpers: canonical encoding of signals, randomness and domain-separated
 * hashing of strings to field elements.
 */
import { sha256 } from "@noble/hashes/sha2";
import { randomBytes, utf8ToBytes } from "@noble/hashes/utils";

/** Order of the BN254 scalar field: every circuit signal lives below it. */
export const FIELD_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Order of the BN254 base field: proof point coordinates live below it. */
export const BASE_FIELD_ORDER = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

// At most 77 digits (the field has 77), no sign, no leading zeros, no whitespace.
const CANONICAL_DECIMAL = /^(0|[1-9][0-9]{0,76})$/;

/**
 * Parses a canonical decimal string below `modulus`. Anything else (hex, leading zeros, signs,
 * `value + r` aliases, non-strings) gives undefined: the verifier must not let two different
 * strings denote the same signal.
 */
export function parseCanonical(value: unknown, modulus: bigint = FIELD_ORDER): bigint | undefined {
  if (typeof value !== "string" || !CANONICAL_DECIMAL.test(value)) return undefined;
  const n = BigInt(value);
  return n < modulus ? n : undefined;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/** A uniformly random 248-bit field element (31 bytes from a CSPRNG), as a bigint. */
export function randomFieldElement(): bigint {
  return bytesToBigInt(randomBytes(31));
}

/**
 * Maps a string to a field element under a domain tag: the first 248 bits of
 * SHA-256("medzk/" + domain + "\0" + value). Truncating to 31 bytes keeps the result below the
 * field order without modular bias. Domains keep, e.g., a scope string from ever encoding to the
 * same element as an attribute string.
 */
export function hashToField(domain: string, value: string): bigint {
  return bytesToBigInt(sha256(utf8ToBytes(`medzk/${domain}\0${value}`)).subarray(0, 31));
}
