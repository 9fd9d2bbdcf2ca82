/**
 * At-rest encryption of a wallet's document (holder secret, credentials, receipts, the probing
 * guard's memory) under a passphrase: format medzk-wallet-vault/v1.
 *
 *   key        = scrypt(passphrase (UTF-8, NFKC), salt, N = 2^logN, r = 8, p = 1, dkLen = 32)
 *                (RFC 7914; @noble/hashes; default logN 17: 128 MiB and about a second, the
 *                OWASP password-storage minimum for scrypt)
 *   header     = "medzk-wallet-vault/v1" || logN || r || p || salt     (as JSON, see `aad`)
 *   nonce      = 24 random bytes, new for every write
 *   ciphertext = XChaCha20-Poly1305(key, nonce, document JSON, aad = header)
 *                (draft-irtf-cfrg-xchacha-03; @noble/ciphers)
 *
 * The salt (16 random bytes) is chosen when the vault is created and kept, so the key is derived
 * once per unlock, not per write; the nonce is random per write, which is what XChaCha's 192-bit
 * nonce is for. The KDF parameters are in the associated data: a file edited to a cheaper cost
 * derives another key and fails authentication, it does not weaken the key.
 *
 * NOTE: a wrong passphrase and a tampered file are indistinguishable (the tag fails either way):
 * one code, WALLET_DECRYPTION_FAILED. Parameters read from a file are bounded (logN 14..20, r 8,
 * p 1) before any work, so a hostile file cannot make the wallet allocate gigabytes.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha";
import { scryptAsync } from "@noble/hashes/scrypt";
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils";
import { MedzkError } from "../core/errors.js";
import { assertHex, assertInteger, assertObject } from "../core/validate.js";

export const VAULT_FORMAT = "medzk-wallet-vault/v1";
export const DEFAULT_VAULT_LOG_N = 17;
/** Bounds on logN: 2^14 (16 MiB, tests and weak devices) to 2^20 (1 GiB). */
export const MIN_VAULT_LOG_N = 14;
export const MAX_VAULT_LOG_N = 20;
/** Largest ciphertext a vault may hold: 16 MiB (years of receipts are a few MiB). */
const MAX_CIPHERTEXT_BYTES = 16 * 1024 * 1024;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

/** The stored form: JSON, byte strings as lowercase hex. */
export interface VaultDocument {
  format: typeof VAULT_FORMAT;
  kdf: { name: "scrypt"; logN: number; r: 8; p: 1; salt: string };
  nonce: string;
  ciphertext: string;
}

/** A passphrase, checked: 8 to 1,024 characters. Never echoed. */
export function checkPassphrase(value: unknown, name = "passphrase"): string {
  if (typeof value !== "string" || value.length < 8 || value.length > 1024) {
    throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be a string of 8 to 1,024 characters`);
  }
  return value;
}

/** The associated data: the header as canonical JSON (fixed key order). */
function aad(kdf: VaultDocument["kdf"]): Uint8Array {
  return utf8ToBytes(JSON.stringify([VAULT_FORMAT, kdf.name, kdf.logN, kdf.r, kdf.p, kdf.salt]));
}

async function deriveKey(passphrase: string, kdf: VaultDocument["kdf"]): Promise<Uint8Array> {
  // NFKC: one passphrase typed on two keyboards (composed or decomposed accents) is one key.
  return scryptAsync(utf8ToBytes(passphrase.normalize("NFKC")), hexToBytes(kdf.salt), { N: 2 ** kdf.logN, r: kdf.r, p: kdf.p, dkLen: 32, maxmem: 2 ** (kdf.logN + 7) * kdf.r + 1024 * 1024 });
}

const INVALID = "WALLET_STORE_INVALID" as const;

/** Parses a stored vault strictly (WALLET_STORE_INVALID), bounding the KDF cost first. */
export function parseVault(value: unknown): VaultDocument {
  const v = assertObject(value, "wallet vault", { required: ["format", "kdf", "nonce", "ciphertext"] }, INVALID);
  if (v.format !== VAULT_FORMAT) throw new MedzkError(INVALID, `the wallet vault has format ${JSON.stringify(v.format)}; this version reads "${VAULT_FORMAT}"`);
  const k = assertObject(v.kdf, "wallet vault.kdf", { required: ["name", "logN", "r", "p", "salt"] }, INVALID);
  if (k.name !== "scrypt" || k.r !== 8 || k.p !== 1) throw new MedzkError(INVALID, `the wallet vault's KDF must be scrypt with r = 8 and p = 1`);
  const kdf = {
    name: "scrypt" as const,
    logN: assertInteger(k.logN, "wallet vault.kdf.logN", MIN_VAULT_LOG_N, MAX_VAULT_LOG_N, INVALID),
    r: 8 as const,
    p: 1 as const,
    salt: assertHex(k.salt, "wallet vault.kdf.salt", SALT_BYTES, INVALID),
  };
  const nonce = assertHex(v.nonce, "wallet vault.nonce", NONCE_BYTES, INVALID);
  const ciphertext = assertHex(v.ciphertext, "wallet vault.ciphertext", { min: TAG_BYTES, max: MAX_CIPHERTEXT_BYTES }, INVALID);
  return { format: VAULT_FORMAT, kdf, nonce, ciphertext };
}

/**
 * A passphrase and, once derived, its key for one salt. `seal` creates the salt on first use;
 * `open` adopts the stored one (and re-derives only if it differs, e.g. another vault's file).
 */
export class VaultKey {
  readonly #passphrase: string;
  readonly #logN: number;
  #kdf: VaultDocument["kdf"] | undefined;
  #key: Promise<Uint8Array> | undefined;

  constructor(passphrase: string, logN = DEFAULT_VAULT_LOG_N) {
    this.#passphrase = checkPassphrase(passphrase);
    this.#logN = assertInteger(logN, "logN", MIN_VAULT_LOG_N, MAX_VAULT_LOG_N);
  }

  #use(kdf: VaultDocument["kdf"]): Promise<Uint8Array> {
    if (!this.#key || !this.#kdf || this.#kdf.salt !== kdf.salt || this.#kdf.logN !== kdf.logN) {
      this.#kdf = kdf;
      this.#key = deriveKey(this.#passphrase, kdf);
    }
    return this.#key;
  }

  /** Encrypts `plaintext` (the document's JSON) under a fresh nonce. */
  async seal(plaintext: string): Promise<VaultDocument> {
    const kdf = this.#kdf ?? { name: "scrypt" as const, logN: this.#logN, r: 8 as const, p: 1 as const, salt: bytesToHex(randomBytes(SALT_BYTES)) };
    const key = await this.#use(kdf);
    const nonce = randomBytes(NONCE_BYTES);
    const ciphertext = xchacha20poly1305(key, nonce, aad(kdf)).encrypt(utf8ToBytes(plaintext));
    return { format: VAULT_FORMAT, kdf, nonce: bytesToHex(nonce), ciphertext: bytesToHex(ciphertext) };
  }

  /** Decrypts a parsed vault; WALLET_DECRYPTION_FAILED for a wrong passphrase or any tampering. */
  async open(vault: VaultDocument): Promise<string> {
    const key = await this.#use(vault.kdf);
    let plaintext: Uint8Array;
    try {
      plaintext = xchacha20poly1305(key, hexToBytes(vault.nonce), aad(vault.kdf)).decrypt(hexToBytes(vault.ciphertext));
    } catch {
      throw new MedzkError("WALLET_DECRYPTION_FAILED", "the wallet store cannot be decrypted: wrong passphrase, or the store was altered");
    }
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
    } catch {
      throw new MedzkError(INVALID, "the decrypted wallet store is not UTF-8 text");
    }
  }
}
