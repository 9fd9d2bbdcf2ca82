/**
 * The wallet store encrypted at rest (medzk-wallet-vault/v1): scrypt + XChaCha20-Poly1305.
 * Stores are opened with the lowest allowed cost (2^14) except where the default is the point.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { createHolder } from "../../../src/prover/holder.js";
import { FileWalletStore } from "../../../src/wallet/file-store.js";
import type { WalletState } from "../../../src/wallet/store.js";
import { codeOf } from "../../helpers/errors.js";

const KEY = "ab".repeat(32);
const SECRET = "1234567890123456789012345678901234567890";
const STATE: WalletState = {
  format: "medzk-wallet/v1",
  holder: createHolder(),
  receipts: [{ verifier: { publicKey: KEY, name: "Acme Health" }, statement: { type: "ageAtLeast", minAge: 18 }, disclosures: [], asOf: "2026-06-15", at: "2026-06-15T12:00:00.000Z", outcome: "shown", nullifier: SECRET }],
  guard: [{ verifier: KEY, attribute: "patient-record/v1#dateOfBirth", question: "ageAtLeast 18", at: "2026-06-15T12:00:00.000Z" }],
};
const PASS = "correct horse battery staple";
const FAST = { passphrase: PASS, kdfCost: 14 };

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-vault-"));
  path = join(dir, "wallet.json");
});

const vault = async () => JSON.parse(await readFile(path, "utf8")) as Record<string, any>;
const flipHex = (hex: string, at = 0) => hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);

describe("encrypted at rest", () => {
  it("round-trips, keeps nothing readable in the file, and uses a fresh nonce per write under one salt", async () => {
    const store = new FileWalletStore(path, FAST);
    await store.save(STATE);
    const first = await vault();
    expect(first).toMatchObject({ format: "medzk-wallet-vault/v1", kdf: { name: "scrypt", logN: 14, r: 8, p: 1, salt: expect.stringMatching(/^[0-9a-f]{32}$/) }, nonce: expect.stringMatching(/^[0-9a-f]{48}$/) });
    const text = await readFile(path, "utf8");
    for (const plain of [SECRET, STATE.holder!.secret, "Acme Health", KEY, "dateOfBirth", "ageAtLeast"]) expect(text).not.toContain(plain);
    await store.save(STATE);
    const second = await vault();
    expect(second.kdf.salt).toBe(first.kdf.salt);
    expect(second.nonce).not.toBe(first.nonce);
    expect(await new FileWalletStore(path, FAST).load()).toEqual(STATE);
  });

  it("uses scrypt 2^17 (128 MiB) by default", async () => {
    const store = new FileWalletStore(path, { passphrase: PASS });
    await store.save(STATE);
    expect((await vault()).kdf.logN).toBe(17);
    expect(await new FileWalletStore(path, { passphrase: PASS }).load()).toEqual(STATE);
  });

  it("a wrong passphrase and any altered byte give WALLET_DECRYPTION_FAILED, and nothing else", async () => {
    await new FileWalletStore(path, FAST).save(STATE);
    const good = await vault();
    await expect(new FileWalletStore(path, { passphrase: "correct horse battery stapler" }).load()).rejects.toMatchObject({ code: "WALLET_DECRYPTION_FAILED" });
    const altered = [
      { ...good, nonce: flipHex(good.nonce, 5) },
      { ...good, ciphertext: flipHex(good.ciphertext, 0) },
      { ...good, ciphertext: flipHex(good.ciphertext, good.ciphertext.length - 1) }, // the tag
      { ...good, ciphertext: good.ciphertext.slice(0, -2) }, // truncated by a byte
      { ...good, kdf: { ...good.kdf, salt: flipHex(good.kdf.salt, 3) } }, // another salt: another key
      { ...good, kdf: { ...good.kdf, logN: 15 } }, // a changed cost: another key, and in the associated data
    ];
    for (const doc of altered) {
      await writeFile(path, JSON.stringify(doc));
      const error = await new FileWalletStore(path, FAST).load().catch((e: unknown) => e);
      expect(error, JSON.stringify(doc).slice(0, 80)).toMatchObject({ code: "WALLET_DECRYPTION_FAILED" });
    }
  });

  it("refuses malformed or hostile vaults before deriving anything (WALLET_STORE_INVALID)", async () => {
    await new FileWalletStore(path, FAST).save(STATE);
    const good = await vault();
    const bad = [
      { ...good, format: "medzk-wallet-vault/v2" },
      { ...good, extra: 1 },
      { ...good, kdf: { ...good.kdf, logN: 30 } }, // 2^30 * 1 KiB: refused, not attempted
      { ...good, kdf: { ...good.kdf, logN: 10 } },
      { ...good, kdf: { ...good.kdf, r: 1 } },
      { ...good, kdf: { ...good.kdf, name: "pbkdf2" } },
      { ...good, nonce: good.nonce.slice(2) },
      { ...good, ciphertext: "00" },
      { ...good, ciphertext: good.ciphertext.toUpperCase() },
    ];
    for (const doc of bad) {
      await writeFile(path, JSON.stringify(doc));
      await expect(new FileWalletStore(path, FAST).load(), JSON.stringify(doc).slice(0, 80)).rejects.toMatchObject({ code: "WALLET_STORE_INVALID" });
    }
  });

  it("never mixes encrypted and plain: each refuses the other's file", async () => {
    await new FileWalletStore(path, FAST).save(STATE);
    await expect(new FileWalletStore(path, { unencrypted: true }).load()).rejects.toMatchObject({ code: "WALLET_STORE_INVALID", message: expect.stringContaining("is encrypted") });
    const plain = join(dir, "plain.json");
    await new FileWalletStore(plain, { unencrypted: true }).save(STATE);
    await expect(new FileWalletStore(plain, FAST).load()).rejects.toMatchObject({ code: "WALLET_STORE_INVALID", message: expect.stringContaining("not encrypted") });
  });

  it("normalises the passphrase (NFKC): a composed and a decomposed accent open the same store", async () => {
    await new FileWalletStore(path, { passphrase: "pa\u0301ssphrase-12", kdfCost: 14 }).save(STATE);
    expect(await new FileWalletStore(path, { passphrase: "p\u00e1ssphrase-12", kdfCost: 14 }).load()).toEqual(STATE);
  });

  it("refuses a missing, ambiguous or weak protection as a caller mistake, never echoing the passphrase", () => {
    for (const protection of [undefined, {}, { passphrase: PASS, unencrypted: true }, { unencrypted: false }, { passphrase: "short" }, { passphrase: PASS, kdfCost: 12 }, { passphrase: PASS, kdfCost: 21 }, { passphrase: PASS, cost: 14 }]) {
      expect(codeOf(() => new FileWalletStore(path, protection as never)), JSON.stringify(protection)).toBe("INVALID_ARGUMENT");
    }
    try {
      new FileWalletStore(path, { passphrase: "short" });
    } catch (error) {
      expect((error as Error).message).not.toContain("short");
    }
  });
});
