/**
 * Sealed envelopes, format medzk-envelope/v1: bytes encrypted to one holder's X25519 public key,
 * so a credential can travel from issuer to holder over any channel (mail, a download, a QR
 * relay) without showing its attributes to whoever carries it. docs/envelope.md is the spec.
 *
 * Construction (an ECIES in the manner of RFC 9180's DHKEM, from audited @noble primitives only):
 *
 *   e, E      = fresh X25519 key pair                       (RFC 7748)
 *   shared    = X25519(e, R)                                 R: the recipient's public key
 *   context   = "medzk-envelope/v1" || E || R                 (17 + 32 + 32 bytes)
 *   key       = HKDF-SHA256(ikm = shared, salt = none, info = context, L = 32)   (RFC 5869)
 *   nonce     = 24 random bytes
 *   ciphertext = XChaCha20-Poly1305(key, nonce, plaintext, aad = context)
 *                (draft-irtf-cfrg-xchacha-03; Poly1305 tag last, 16 bytes)
 *
 * The context goes into both the key derivation and the associated data, so an envelope cannot be
 * re-addressed: changing `recipient` or `ephemeralPublicKey` (or the format) changes the key and
 * fails the tag. The key is fresh for every envelope (a new `e` each time); the random 192-bit
 * nonce is the standard XChaCha20-Poly1305 usage on top of that, not what uniqueness rests on.
 *
 * NOTE: the envelope authenticates nothing about the sender. Anyone who knows a holder's public
 * encryption key can seal to it; what makes an opened credential trustworthy is its issuer
 * signature, which the holder checks after opening (prover/open-credential.ts).
 *
 * Hex everywhere (lowercase, as every other key and byte string in medzk), so one strict asserter
 * parses every field and no byte string has two spellings.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha";
import { x25519 } from "@noble/curves/ed25519";
import { hkdf } from "@noble/hashes/hkdf";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils";
import { MedzkError, type MedzkErrorCode } from "./errors.js";
import { leBytesToBigInt } from "./public-key.js";
import { assertHex, assertObject } from "./validate.js";

export const ENVELOPE_FORMAT = "medzk-envelope/v1";
/**
 * Largest ciphertext (plaintext + 16-byte tag) an envelope may carry: 64 KiB. A credential is a
 * few KiB; the bound keeps an opener from decoding and decrypting whatever size it is handed.
 */
export const MAX_ENVELOPE_CIPHERTEXT = 64 * 1024;

const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
// 2^255 - 19, the field of Curve25519 (RFC 7748 section 4.1).
const P25519 = 2n ** 255n - 19n;

/** A sealed envelope: JSON, every byte string lowercase hex. */
export interface Envelope {
  /** Always "medzk-envelope/v1". */
  format: typeof ENVELOPE_FORMAT;
  /** The recipient's X25519 public key (32 bytes): what the holder handed the issuer. */
  recipient: string;
  /** The sender's one-time X25519 public key (32 bytes). */
  ephemeralPublicKey: string;
  /** XChaCha20-Poly1305 nonce (24 bytes). */
  nonce: string;
  /** The encrypted payload followed by its 16-byte Poly1305 tag (17 bytes to 64 KiB). */
  ciphertext: string;
}

/** An envelope after {@link parseEnvelope}: the same fields as bytes. */
export interface ParsedEnvelope {
  recipient: Uint8Array;
  ephemeralPublicKey: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

const ENVELOPE_KEYS = { required: ["format", "recipient", "ephemeralPublicKey", "nonce", "ciphertext"] } as const;

/**
 * An X25519 public key in its one canonical spelling: 32 bytes of lowercase hex, the
 * little-endian u-coordinate below 2^255 - 19 (RFC 7748 section 5 lets a receiver reduce larger
 * values; medzk refuses them so that one key has one string). Throws `code` without echoing it.
 */
export function parseEncryptionKey(value: unknown, name: string, code: MedzkErrorCode): Uint8Array {
  const bytes = hexToBytes(assertHex(value, name, KEY_BYTES, code));
  if (leBytesToBigInt(bytes) >= P25519) throw new MedzkError(code, `"${name}" is not a canonical X25519 public key (u-coordinate at or above 2^255 - 19)`);
  return bytes;
}

/**
 * Parses an envelope strictly: exactly the keys of {@link Envelope}, the format, each field's
 * length, lowercase hex, canonical keys, the size bound (checked on the string before decoding).
 * Throws ENVELOPE_INVALID naming the field, never echoing a value.
 */
export function parseEnvelope(value: unknown): ParsedEnvelope {
  const code = "ENVELOPE_INVALID";
  const e = assertObject(value, "envelope", ENVELOPE_KEYS, code);
  if (e.format !== ENVELOPE_FORMAT) throw new MedzkError(code, `"envelope.format" must be "${ENVELOPE_FORMAT}"`);
  if (typeof e.ciphertext === "string" && e.ciphertext.length > 2 * MAX_ENVELOPE_CIPHERTEXT) {
    throw new MedzkError(code, `"envelope.ciphertext" is larger than ${MAX_ENVELOPE_CIPHERTEXT} bytes`);
  }
  return {
    recipient: parseEncryptionKey(e.recipient, "envelope.recipient", code),
    ephemeralPublicKey: parseEncryptionKey(e.ephemeralPublicKey, "envelope.ephemeralPublicKey", code),
    nonce: hexToBytes(assertHex(e.nonce, "envelope.nonce", NONCE_BYTES, code)),
    ciphertext: hexToBytes(assertHex(e.ciphertext, "envelope.ciphertext", { min: TAG_BYTES + 1, max: MAX_ENVELOPE_CIPHERTEXT }, code)),
  };
}

/** "medzk-envelope/v1" || E || R: the HKDF info and the AEAD associated data. */
function context(ephemeralPublicKey: Uint8Array, recipient: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(ENVELOPE_FORMAT), ephemeralPublicKey, recipient);
}

function envelopeKey(shared: Uint8Array, info: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, undefined, info, KEY_BYTES);
}

/**
 * Encrypts `plaintext` (1 byte to 64 KiB - 16) to the X25519 public key `recipient` (from
 * {@link parseEncryptionKey}). Throws INVALID_KEY for a low-order recipient key (no shared
 * secret), INVALID_ARGUMENT for a plaintext out of bounds.
 */
export function sealBytes(plaintext: Uint8Array, recipient: Uint8Array): Envelope {
  if (plaintext.length === 0 || plaintext.length > MAX_ENVELOPE_CIPHERTEXT - TAG_BYTES) {
    throw new MedzkError("INVALID_ARGUMENT", `a sealed payload must be 1 to ${MAX_ENVELOPE_CIPHERTEXT - TAG_BYTES} bytes, got ${plaintext.length}`);
  }
  const ephemeralSecret = x25519.utils.randomSecretKey();
  const ephemeralPublicKey = x25519.getPublicKey(ephemeralSecret);
  let shared: Uint8Array;
  try {
    // noble refuses an all-zero result (a low-order public key), as RFC 7748 section 6.1 allows.
    shared = x25519.getSharedSecret(ephemeralSecret, recipient);
  } catch (cause) {
    throw new MedzkError("INVALID_KEY", `the recipient key is a low-order point: nothing can be sealed to it`, { cause });
  }
  const info = context(ephemeralPublicKey, recipient);
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = xchacha20poly1305(envelopeKey(shared, info), nonce, info).encrypt(plaintext);
  return {
    format: ENVELOPE_FORMAT,
    recipient: bytesToHex(recipient),
    ephemeralPublicKey: bytesToHex(ephemeralPublicKey),
    nonce: bytesToHex(nonce),
    ciphertext: bytesToHex(ciphertext),
  };
}

/**
 * Decrypts a parsed envelope with the recipient's X25519 secret key. Every failure past parsing
 * (a low-order ephemeral key, a wrong key, any altered byte) is one ENVELOPE_DECRYPTION_FAILED
 * with one message, and no plaintext is returned: the AEAD checks the tag before decrypting.
 * Checking `recipient` against the holder's own key is the caller's (it names the holder).
 */
export function openBytes(envelope: ParsedEnvelope, recipientSecret: Uint8Array): Uint8Array {
  const info = context(envelope.ephemeralPublicKey, envelope.recipient);
  try {
    const shared = x25519.getSharedSecret(recipientSecret, envelope.ephemeralPublicKey);
    return xchacha20poly1305(envelopeKey(shared, info), envelope.nonce, info).decrypt(envelope.ciphertext);
  } catch {
    // No cause: which step failed is what a padding-oracle-style probe would want to learn.
    throw new MedzkError("ENVELOPE_DECRYPTION_FAILED", "the envelope cannot be decrypted: it was altered, truncated or sealed to another key");
  }
}
