import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, expect, it } from "vitest";
import { FileWalletStore } from "../../../src/wallet/file-store.js";
import { MemoryWalletStore, type WalletState } from "../../../src/wallet/store.js";
import { MedzkError } from "../../../src/core/errors.js";

const KEY = "ab".repeat(32);
const STATE: WalletState = {
  format: "medzk-wallet/v1",
  receipts: [
    { verifier: { publicKey: KEY, name: "Acme Health" }, statement: { type: "ageAtLeast", minAge: 18 }, disclosures: [], asOf: "2026-06-15", at: "2026-06-15T12:00:00.000Z", outcome: "shown", nullifier: "123" },
    { disclosures: [], at: "2026-06-15T12:01:00.000Z", outcome: "refused", code: "INVALID_REQUEST" },
  ],
  guard: [{ verifier: KEY, attribute: "patient-record/v1#dateOfBirth", question: "ageAtLeast 18", at: "2026-06-15T12:00:00.000Z" }],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "medzk-wallet-"));
});

it("reads nothing from a missing file and back what it wrote, with mode 0600 and no temporary file left", async () => {
  const path = join(dir, "wallet.json");
  const store = new FileWalletStore(path, { unencrypted: true });
  expect(await store.load()).toBeUndefined();
  await store.save(STATE);
  await store.save(STATE); // the rename replaces the file
  expect(await store.load()).toEqual(STATE);
  if (process.platform !== "win32") expect((await stat(path)).mode & 0o777).toBe(0o600);
  expect(await readdir(dir)).toEqual(["wallet.json"]);
});

it("refuses an unknown format, unknown keys and malformed entries, and never quotes the file in its message", async () => {
  const path = join(dir, "wallet.json");
  const store = new FileWalletStore(path, { unencrypted: true });
  const cases: Array<[unknown, RegExp]> = [
    [{ ...STATE, format: "medzk-wallet/v2" }, /format "medzk-wallet\/v2"/],
    [{ ...STATE, extra: 1 }, /unknown property "extra"/],
    [{ ...STATE, receipts: [{ ...STATE.receipts[0], outcome: "maybe" }] }, /outcome/],
    [{ ...STATE, receipts: [{ ...STATE.receipts[0], code: "X" }] }, /only for refusals/],
    [{ ...STATE, guard: [{ ...STATE.guard[0], at: "yesterday" }] }, /guard\[0\]\.at/],
    [{ ...STATE, guard: [{ ...STATE.guard[0], verifier: "Acme" }] }, /guard\[0\]\.verifier/],
  ];
  for (const [content, message] of cases) {
    await writeFile(path, JSON.stringify(content));
    await expect(store.load()).rejects.toMatchObject({ code: "WALLET_STORE_INVALID", message: expect.stringMatching(message) });
  }
  await writeFile(path, '{"format": "medzk-wallet/v1", "secret-history: 1990-05-17');
  const error: unknown = await store.load().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: "WALLET_STORE_INVALID" });
  expect((error as Error).message).not.toMatch(/1990/);
  expect(await readFile(path, "utf8")).toMatch(/1990/); // left for the holder to inspect, not overwritten
});

it("reports a store it cannot write with its own code", async () => {
  const store = new FileWalletStore(join(dir, "missing-dir", "wallet.json"), { unencrypted: true });
  await expect(store.save(STATE)).rejects.toMatchObject({ code: "WALLET_STORE_UNAVAILABLE" });
});

it("update is a read-modify-write that loses nothing: two stores on one file (and one memory store) apply 2 x 10 racing changes, and a change that throws writes nothing", async () => {
  const path = join(dir, "wallet.json");
  const stores = [new FileWalletStore(path, { unencrypted: true }), new FileWalletStore(path, { unencrypted: true })];
  const memory = new MemoryWalletStore();
  const append = (i: number) => async (current: WalletState | undefined): Promise<WalletState> => {
    const state = current ?? { format: "medzk-wallet/v1", receipts: [], guard: [] };
    await new Promise((r) => setTimeout(r, 1)); // another writer gets its turn here, if it can
    return { ...state, receipts: [...state.receipts, { disclosures: [], at: new Date(Date.UTC(2026, 5, 15, 12, i)).toISOString(), outcome: "refused" }] };
  };
  await Promise.all(Array.from({ length: 20 }, (_, i) => Promise.all([stores[i % 2]!.update(append(i)), memory.update(append(i))])));
  for (const store of [stores[0]!, memory]) expect((await store.load())?.receipts).toHaveLength(20);
  await expect(stores[1]!.update(() => Promise.reject(new MedzkError("PROBING_LIMIT", "no")))).rejects.toMatchObject({ code: "PROBING_LIMIT" });
  expect((await stores[0]!.load())?.receipts).toHaveLength(20);
  expect(await readdir(dir)).toEqual(["wallet.json"]); // the lock file is gone
});
