/**
 * Sealed credentials, the holder's side: openCredential and the holder's encryption key, held
 * against an independent implementation (node:crypto's HKDF and X25519) and against every way an
 * envelope can be malformed, altered, truncated, oversized or misaddressed.
 */
import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from "node:crypto";
import { xchacha20poly1305 } from "@noble/ciphers/chacha";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Credential } from "../../../src/core/credential.js";
import { type Envelope, MAX_ENVELOPE_CIPHERTEXT, openBytes, parseEnvelope, sealBytes } from "../../../src/core/envelope.js";
import { MedzkError } from "../../../src/core/errors.js";
import { issueCredential } from "../../../src/issuer/issue-credential.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { sealCredential } from "../../../src/issuer/seal-credential.js";
import { type Holder, createHolder, holderEncryptionKey, holderEncryptionSecret } from "../../../src/prover/holder.js";
import { openCredential } from "../../../src/prover/open-credential.js";
import { codeOf } from "../../helpers/errors.js";

const ENVELOPE_CODES = ["ENVELOPE_INVALID", "ENVELOPE_NOT_FOR_HOLDER", "ENVELOPE_DECRYPTION_FAILED"];
const FIELDS = ["recipient", "ephemeralPublicKey", "nonce", "ciphertext"] as const;
const P25519 = 2n ** 255n - 19n;

/** Little-endian 32-byte hex of a u-coordinate, as RFC 7748 encodes it. */
function uHex(u: bigint): string {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((u >> BigInt(8 * i)) & 0xffn);
  return bytesToHex(bytes);
}

/** X25519 public key of a raw secret key, computed by node:crypto (OpenSSL), not by noble. */
function nodePublicKey(secret: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: Buffer.from(secret).toString("base64url"), x: "" }, format: "jwk" });
  return new Uint8Array(Buffer.from(createPublicKey(key).export({ format: "jwk" }).x!, "base64url"));
}

/** The code of the MedzkError `promise` rejects with, failing on a fulfilment or another error. */
async function rejection(promise: Promise<unknown>): Promise<MedzkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MedzkError);
  return error as MedzkError;
}

function withField(envelope: Envelope, field: keyof Envelope, value: unknown): unknown {
  return { ...envelope, [field]: value };
}

/** `hex` with byte `index` XORed with `mask` (non-zero): a single-byte change. */
function flipByte(hex: string, index: number, mask: number): string {
  const bytes = hexToBytes(hex);
  bytes[index] = bytes[index]! ^ mask;
  return bytesToHex(bytes);
}

let holder: Holder;
let other: Holder;
let credential: Credential;
let envelope: Envelope;

beforeAll(async () => {
  holder = createHolder();
  other = createHolder();
  credential = await issueCredential(generateIssuerKey(), {
    schema: "patient-record/v1",
    holderCommitment: holder.commitment,
    attributes: { dateOfBirth: "1977-03-14" },
    clock: () => new Date("2026-01-05T10:00:00Z"),
  });
  envelope = await sealCredential(credential, holderEncryptionKey(holder));
});

describe("the holder's encryption key", () => {
  it("is HKDF-SHA256(secret, info) as an X25519 secret key, as node:crypto computes it", () => {
    for (const h of [holder, other, { secret: "1" }, { secret: "21888242871839275222246405745257275088548364400416034343698204186575808495616" }]) {
      const ikm = hexToBytes(BigInt(h.secret).toString(16).padStart(64, "0"));
      const secret = new Uint8Array(hkdfSync("sha256", ikm, new Uint8Array(0), "medzk-holder-encryption-key/v1", 32));
      expect(bytesToHex(holderEncryptionSecret(BigInt(h.secret)))).toBe(bytesToHex(secret));
      expect(holderEncryptionKey(h)).toBe(bytesToHex(nodePublicKey(secret)));
    }
  });

  it("is deterministic, one per holder, and refuses malformed holders without echoing them", () => {
    expect(holderEncryptionKey(holder)).toBe(holderEncryptionKey({ secret: holder.secret }));
    expect(holderEncryptionKey(holder)).not.toBe(holderEncryptionKey(other));
    expect(holderEncryptionKey(holder)).toMatch(/^[0-9a-f]{64}$/);
    for (const bad of [{ secret: "0" }, { secret: "01" }, { secret: holder.secret, commitment: other.commitment }, { secret: holder.secret, extra: 1 }, null, holder.secret]) {
      let error: unknown;
      try {
        holderEncryptionKey(bad as Holder);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect((error as Error).message).not.toContain(holder.secret);
    }
  });
});

describe("openCredential", () => {
  it("opens what sealCredential sealed: the same credential", async () => {
    expect(await openCredential(envelope, holder)).toEqual(credential);
    expect(Object.keys(envelope)).toEqual(["format", "recipient", "ephemeralPublicKey", "nonce", "ciphertext"]);
    expect(envelope).toMatchObject({ format: "medzk-envelope/v1", recipient: holderEncryptionKey(holder) });
    // Fresh ephemeral key and nonce every time.
    const again = await sealCredential(credential, holderEncryptionKey(holder));
    expect(again.ephemeralPublicKey).not.toBe(envelope.ephemeralPublicKey);
    expect(again.nonce).not.toBe(envelope.nonce);
    expect(again.ciphertext).not.toBe(envelope.ciphertext);
  });

  it("follows the documented construction (checked with node:crypto's X25519 and HKDF)", () => {
    const secret = holderEncryptionSecret(BigInt(holder.secret));
    const priv = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: Buffer.from(secret).toString("base64url"), x: "" }, format: "jwk" });
    const pub = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(envelope.ephemeralPublicKey, "hex").toString("base64url") }, format: "jwk" });
    const shared = diffieHellman({ privateKey: priv, publicKey: pub });
    const info = Buffer.concat([Buffer.from("medzk-envelope/v1"), Buffer.from(envelope.ephemeralPublicKey, "hex"), Buffer.from(envelope.recipient, "hex")]);
    const key = new Uint8Array(hkdfSync("sha256", shared, new Uint8Array(0), info, 32));
    const plaintext = xchacha20poly1305(key, hexToBytes(envelope.nonce), info).decrypt(hexToBytes(envelope.ciphertext));
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(credential);
  });

  it("refuses an envelope for another holder, and one re-addressed to it", async () => {
    expect((await rejection(openCredential(envelope, other))).code).toBe("ENVELOPE_NOT_FOR_HOLDER");
    // Re-addressed: the recipient field changed to the other holder's key. The key derivation and
    // the associated data both cover it, so the other holder cannot open it either.
    const readdressed = withField(envelope, "recipient", holderEncryptionKey(other));
    expect((await rejection(openCredential(readdressed, other))).code).toBe("ENVELOPE_DECRYPTION_FAILED");
    expect((await rejection(openCredential(readdressed, holder))).code).toBe("ENVELOPE_NOT_FOR_HOLDER");
    // Below the up-front check: the right secret key does not decrypt under another recipient
    // field, because the recipient is in the key derivation and the associated data.
    const key = holderEncryptionSecret(BigInt(holder.secret));
    expect(openBytes(parseEnvelope(envelope), key)).toBeInstanceOf(Uint8Array);
    expect(codeOf(() => openBytes({ ...parseEnvelope(envelope), recipient: hexToBytes(holderEncryptionKey(other)) }, key))).toBe("ENVELOPE_DECRYPTION_FAILED");
  });

  it("refuses a flipped byte at the start, middle and end of every field", async () => {
    for (const field of FIELDS) {
      const length = envelope[field].length / 2;
      for (const index of [0, length >> 1, length - 1]) {
        const tampered = withField(envelope, field, flipByte(envelope[field], index, 0x01));
        const error = await rejection(openCredential(tampered, holder));
        // The recipient is checked up front; every other change fails the AEAD.
        expect(error.code, `${field}[${index}]`).toBe(field === "recipient" ? "ENVELOPE_NOT_FOR_HOLDER" : "ENVELOPE_DECRYPTION_FAILED");
      }
    }
    // Or with every key an attacker can pick: every decryption failure has the one message.
    const messages = new Set<string>();
    for (const field of ["ephemeralPublicKey", "nonce", "ciphertext"] as const) {
      messages.add((await rejection(openCredential(withField(envelope, field, flipByte(envelope[field], 3, 0x80)), holder))).message);
    }
    expect(messages.size).toBe(1);
  });

  it("refuses truncated and oversized envelopes", async () => {
    const drop = (bytes: number) => withField(envelope, "ciphertext", envelope.ciphertext.slice(0, -2 * bytes));
    expect((await rejection(openCredential(drop(1), holder))).code).toBe("ENVELOPE_DECRYPTION_FAILED");
    // Shorter than a tag and one byte: malformed before any decryption.
    expect((await rejection(openCredential(withField(envelope, "ciphertext", envelope.ciphertext.slice(0, 32)), holder))).code).toBe("ENVELOPE_INVALID");
    expect((await rejection(openCredential(withField(envelope, "nonce", envelope.nonce.slice(0, -2)), holder))).code).toBe("ENVELOPE_INVALID");
    expect((await rejection(openCredential(withField(envelope, "ephemeralPublicKey", envelope.ephemeralPublicKey.slice(2)), holder))).code).toBe("ENVELOPE_INVALID");
    const oversized = withField(envelope, "ciphertext", "00".repeat(MAX_ENVELOPE_CIPHERTEXT + 1));
    const error = await rejection(openCredential(oversized, holder));
    expect(error.code).toBe("ENVELOPE_INVALID");
    expect(error.message).toContain("larger than 65536 bytes");
    // A string far over the bound is refused by its length, also when it is not hex.
    expect((await rejection(openCredential(withField(envelope, "ciphertext", "z".repeat(50_000_000)), holder))).code).toBe("ENVELOPE_INVALID");
    // Exactly at the bound is well-formed (and then fails the tag).
    expect((await rejection(openCredential(withField(envelope, "ciphertext", "00".repeat(MAX_ENVELOPE_CIPHERTEXT)), holder))).code).toBe("ENVELOPE_DECRYPTION_FAILED");
  });

  it("parses strictly: keys, format, hex spelling, canonical keys", async () => {
    const { ciphertext: _ciphertext, ...missing } = envelope;
    const cases: unknown[] = [
      null,
      "envelope",
      [envelope],
      missing,
      { ...envelope, sender: "st-mary" },
      withField(envelope, "format", "medzk-envelope/v2"),
      withField(envelope, "format", undefined),
      withField(envelope, "nonce", envelope.nonce.toUpperCase()),
      withField(envelope, "ciphertext", `0x${envelope.ciphertext}`),
      withField(envelope, "ciphertext", `${envelope.ciphertext}0`),
      withField(envelope, "ciphertext", hexToBytes(envelope.ciphertext)),
      withField(envelope, "recipient", 42),
      // Non-canonical u-coordinates: p itself (an alias of 0), p + 1, and the top bit set.
      withField(envelope, "ephemeralPublicKey", uHex(P25519)),
      withField(envelope, "ephemeralPublicKey", uHex(P25519 + 1n)),
      withField(envelope, "recipient", flipByte(envelope.recipient, 31, 0x80)),
    ];
    for (const bad of cases) {
      const error = await rejection(openCredential(bad, holder));
      expect(error.code, JSON.stringify(bad)?.slice(0, 80)).toBe("ENVELOPE_INVALID");
      expect(error.message).not.toContain(envelope.ciphertext.slice(0, 16));
    }
  });

  it("refuses low-order ephemeral keys as undecryptable", async () => {
    // The canonical u-coordinates of small-order points (https://cr.yp.to/ecdh.html#validate):
    // X25519 with any clamped scalar gives the all-zero secret.
    const lowOrder = [0n, 1n, 325606250916557431795983626356110631294008115727848805560023387167927233504n, 39382357235489614581723060781553021112529911719440698176882885853963445705823n, P25519 - 1n];
    for (const u of lowOrder) {
      expect((await rejection(openCredential(withField(envelope, "ephemeralPublicKey", uHex(u)), holder))).code, String(u)).toBe("ENVELOPE_DECRYPTION_FAILED");
    }
  });

  it("checks what it decrypted: a credential, signed by its issuer, bound to this holder; never quoting it", async () => {
    const recipient = hexToBytes(holderEncryptionKey(holder));
    const seal = (value: unknown) => sealBytes(utf8ToBytes(typeof value === "string" ? value : JSON.stringify(value)), recipient);
    const forged = { ...credential, attributes: { dateOfBirth: "1960-01-01" } };
    const badDate = { ...credential, attributes: { dateOfBirth: "1977-02-30" } };
    const extra = { ...credential, note: "1977-03-14" };
    const cases: [unknown, string, string][] = [
      [forged, "INVALID_CREDENTIAL", "its issuer signature does not verify"],
      [badDate, "INVALID_DATE", 'at "dateOfBirth"'],
      [extra, "INVALID_CREDENTIAL", 'at "credential"'],
      [`{"dateOfBirth": '1977-03-14'}`, "INVALID_CREDENTIAL", "not JSON"],
      [[credential], "INVALID_CREDENTIAL", "invalid"],
    ];
    for (const [content, code, says] of cases) {
      const error = await rejection(openCredential(seal(content), holder));
      expect(error.code).toBe(code);
      expect(error.message).toContain(says);
      for (const secret of ["1960", "1977", credential.salt, credential.signature.S, holder.secret]) expect(error.message).not.toContain(secret);
      expect(error.cause).toBeUndefined();
    }
    // A valid credential for someone else, sealed to this holder.
    const theirs = await issueCredential(generateIssuerKey(), { schema: "patient-record/v1", holderCommitment: other.commitment, attributes: { dateOfBirth: "1980-01-01" } });
    expect((await rejection(openCredential(seal(theirs), holder))).code).toBe("HOLDER_MISMATCH");
  });
});

describe("properties", () => {
  it("sealBytes then openBytes gives back any payload; parseEnvelope accepts every sealed envelope", () => {
    const key = holderEncryptionSecret(BigInt(holder.secret));
    const recipient = hexToBytes(holderEncryptionKey(holder));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (payload) => {
        expect(openBytes(parseEnvelope(sealBytes(payload, recipient)), key)).toEqual(payload);
      }),
      { numRuns: 100 },
    );
  });

  it("any single-byte change of a sealed credential is refused with an envelope code, never opened", async () => {
    const field = fc.constantFrom(...FIELDS);
    await fc.assert(
      fc.asyncProperty(field, fc.nat(), fc.integer({ min: 1, max: 255 }), async (name, at, mask) => {
        const index = at % (envelope[name].length / 2);
        const tampered = withField(envelope, name, flipByte(envelope[name], index, mask));
        const error = await rejection(openCredential(tampered, holder));
        expect(ENVELOPE_CODES).toContain(error.code);
      }),
      { numRuns: 300 },
    );
  });
});
