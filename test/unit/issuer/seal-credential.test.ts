/** Sealed credentials, the issuer's side: what sealCredential refuses before encrypting. */
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { beforeAll, describe, expect, it } from "vitest";
import type { Credential } from "../../../src/core/credential.js";
import { MAX_ENVELOPE_CIPHERTEXT, openBytes, parseEnvelope, sealBytes } from "../../../src/core/envelope.js";
import { issueCredential } from "../../../src/issuer/issue-credential.js";
import { generateIssuerKey } from "../../../src/issuer/keys.js";
import { sealCredential } from "../../../src/issuer/seal-credential.js";
import { type Holder, createHolder, holderEncryptionKey, holderEncryptionSecret } from "../../../src/prover/holder.js";
import { codeOf } from "../../helpers/errors.js";

let holder: Holder;
let credential: Credential;

beforeAll(async () => {
  holder = createHolder();
  credential = await issueCredential(generateIssuerKey(), {
    schema: "insurance-coverage/v1",
    holderCommitment: holder.commitment,
    attributes: { insurerId: "acme-health", memberId: "M-0042-7731", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
    clock: () => new Date("2026-01-05T10:00:00Z"),
  });
});

describe("sealCredential", () => {
  it("seals to the holder's key: the envelope carries no attribute in the clear", async () => {
    const envelope = await sealCredential(credential, holderEncryptionKey(holder));
    const text = JSON.stringify(envelope);
    for (const clear of ["acme-health", "M-0042-7731", credential.salt, credential.issuer, holder.commitment]) expect(text).not.toContain(clear);
    for (const clear of ["M-0042-7731", "acme-health"]) expect(text).not.toContain(bytesToHex(new TextEncoder().encode(clear)));
  });

  it("refuses a malformed, non-canonical or low-order recipient key with INVALID_KEY, without echoing it", async () => {
    const key = holderEncryptionKey(holder);
    const bad: unknown[] = [key.toUpperCase(), key.slice(2), `${key}00`, `0x${key.slice(2)}`, 42, null, holder.commitment,
      // 2^255 - 19 (an alias of 0), the top bit set, 0 and 1 (small order).
      `ed${"ff".repeat(30)}7f`, `${key.slice(0, 62)}${(parseInt(key.slice(62), 16) | 0x80).toString(16)}`, "00".repeat(32), `01${"00".repeat(31)}`];
    for (const recipient of bad) {
      const error = await sealCredential(credential, recipient as string).catch((e: unknown) => e);
      expect(error, String(recipient)).toMatchObject({ name: "MedzkError", code: "INVALID_KEY" });
      if (typeof recipient === "string" && recipient.length > 8) expect((error as Error).message).not.toContain(recipient);
    }
  });

  it("refuses to seal an invalid credential", async () => {
    const forged = { ...credential, attributes: { ...credential.attributes, plan: "platinum" } };
    await expect(sealCredential(forged, holderEncryptionKey(holder))).rejects.toMatchObject({ code: "INVALID_CREDENTIAL" });
    await expect(sealCredential({ ...credential, extra: 1 } as Credential, holderEncryptionKey(holder))).rejects.toMatchObject({ code: "INVALID_CREDENTIAL" });
  });

  it("bounds the payload: 1 byte to 64 KiB minus the tag", () => {
    const recipient = hexToBytes(holderEncryptionKey(holder));
    const secret = holderEncryptionSecret(BigInt(holder.secret));
    const largest = new Uint8Array(MAX_ENVELOPE_CIPHERTEXT - 16).fill(7);
    expect(openBytes(parseEnvelope(sealBytes(largest, recipient)), secret)).toEqual(largest);
    expect(codeOf(() => sealBytes(new Uint8Array(MAX_ENVELOPE_CIPHERTEXT - 15), recipient))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => sealBytes(new Uint8Array(0), recipient))).toBe("INVALID_ARGUMENT");
  });
});
