/**
 * did:key identifiers of Ed25519 public keys (W3C CCG did:key method, §3.1.1 "Ed25519"):
 * "did:key:z" + base58btc(0xed 0x01 ‖ 32-byte key). A medzk verifier's request-signing key is
 * its OpenID4VP client identifier this way (`decentralized_identifier:did:key:…`, OpenID4VP 1.0
 * §5.9.3), so a wallet resolves the key from the client_id alone, with no network.
 *
 * Base58btc is an encoding, not cryptography: the few lines below follow the Bitcoin alphabet
 * (draft-msporny-base58 §3), and the test checks them against the did:key spec's vectors.
 */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import type { Checked } from "../core/validate.js";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** The multicodec prefix of an Ed25519 public key (varint 0xed). */
const ED25519_PUB = [0xed, 0x01];
/** Every Ed25519 did:key has this length: "did:key:z" and 48 base58 digits of 34 bytes. */
const DID_KEY = /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/;

function base58(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

function unbase58(text: string): Uint8Array {
  let n = 0n;
  for (const c of text) n = n * 58n + BigInt(ALPHABET.indexOf(c));
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of text) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** The did:key of an Ed25519 public key (32 bytes, lowercase hex). */
export function didKeyOf(publicKey: string): string {
  return "did:key:z" + base58(Uint8Array.from([...ED25519_PUB, ...hexToBytes(publicKey)]));
}

/** The Ed25519 public key (lowercase hex) a did:key names; refuses any other DID or key type, and non-canonical spellings. */
export function publicKeyOfDidKey(did: string): Checked<string> {
  const no: Checked<string> = { ok: false, message: "must be the did:key of an Ed25519 public key (did:key:z6Mk…)" };
  if (!DID_KEY.test(did)) return no;
  const bytes = unbase58(did.slice("did:key:z".length));
  if (bytes.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1]) return no;
  const publicKey = bytesToHex(bytes.slice(2));
  // One spelling per key: what didKeyOf gives back.
  return didKeyOf(publicKey) === did ? { ok: true, value: publicKey } : no;
}
