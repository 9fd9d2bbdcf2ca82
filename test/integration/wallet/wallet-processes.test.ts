/**
 * Two wallets in two Node processes on one FileWalletStore file (the "two processes"):
 * they are kept apart only by the store's lock file and its re-read under the lock, so neither
 * writes back a document the other changed meanwhile. Each child runs the built package
 * (dist/index.js: `npm run test:integration` builds it) and proves for real.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { FileWalletStore, createVerifier, createWallet, generateVerifierKey, type Presentation } from "../../../src/index.js";
import { makeWorld, type World } from "../../helpers/fixtures.js";

const NOW = new Date("2026-06-15T12:00:00Z");
let world: World;
let dir: string;
let worker: string;

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  dir = await mkdtemp(join(tmpdir(), "medzk-wallet-proc-"));
  worker = join(dir, "worker.mjs");
  // One process's wallet: it answers its questions (one at a time, as a wallet does) and prints
  // each presentation or refusal code. Its holder consents once the other process's holder is
  // asked too (a marker file per process), so both pass the first budget check on the store as
  // it was before either records.
  await writeFile(
    worker,
    `import { readFile, readdir, writeFile } from "node:fs/promises";
     import { join } from "node:path";
     const { createWallet, FileWalletStore } = await import(${JSON.stringify(pathToFileURL(resolve("dist/index.js")).href)});
     const input = JSON.parse(await readFile(process.argv[2], "utf8"));
     const consent = async () => {
       await writeFile(join(input.barrier, input.name), "");
       for (const until = Date.now() + 20_000; (await readdir(input.barrier)).length < 2; ) {
         if (Date.now() > until) return false;
         await new Promise((go) => setTimeout(go, 5));
       }
       return true;
     };
     const wallet = createWallet({
       holder: input.holder,
       credentials: input.credentials,
       trustedVerifiers: input.trustedVerifiers,
       store: new FileWalletStore(input.store, { unencrypted: true }),
       clock: () => new Date(input.now),
       consent,
     });
     const answers = await Promise.all(input.requests.map((request) => wallet.respond(request).then((presentation) => ({ presentation }), (error) => ({ code: error?.code ?? String(error) }))));
     process.stdout.write(JSON.stringify(answers));`,
  );
});

it("two processes on one file store race: three distinct questions with a budget of two give exactly two answers, every receipt is kept, and a reopened wallet refuses a fourth", async () => {
  const acmeKey = generateVerifierKey();
  const acme = createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey, name: "Acme Health", clock: () => NOW });
  const trustedVerifiers = [{ publicKey: acmeKey.publicKey, name: "Acme Health" }];
  const store = join(dir, "wallet.json");
  const barrier = join(dir, "asked");
  await mkdir(barrier);
  const ask = (minAge: number) => acme.createRequest({ statement: { type: "ageAtLeast", minAge } });
  const run = async (name: string, requests: unknown[]) => {
    const input = join(dir, `${name}.json`);
    await writeFile(input, JSON.stringify({ name, store, barrier, holder: world.patient, credentials: [world.record], trustedVerifiers, now: NOW.toISOString(), requests }));
    const { stdout } = await promisify(execFile)(process.execPath, [worker, input], { encoding: "utf8" });
    return JSON.parse(stdout) as Array<{ presentation?: Presentation; code?: string }>;
  };
  const answers = (await Promise.all([run("a", [ask(20), ask(22)]), run("b", [ask(21)])])).flat();

  const shown = answers.flatMap((a) => (a.presentation === undefined ? [] : [a.presentation]));
  expect(shown).toHaveLength(2);
  expect(answers.filter((a) => a.code === "PROBING_LIMIT")).toHaveLength(1);
  const results = await Promise.all(shown.map((p) => acme.verify(p)));
  expect(results.map((r) => r.ok)).toEqual([true, true]);

  // Reopened from the file alone: the budget both processes spent holds, and no receipt was lost.
  const reopened = createWallet({ trustedVerifiers, store: new FileWalletStore(store, { unencrypted: true }), clock: () => NOW });
  await expect(reopened.respond(ask(23))).rejects.toMatchObject({ code: "PROBING_LIMIT" });
  const receipts = await reopened.receipts();
  expect(receipts.map((r) => r.code ?? r.outcome).sort()).toEqual(["PROBING_LIMIT", "PROBING_LIMIT", "shown", "shown"]);
  expect(receipts.map((r) => (r.statement as { minAge: number }).minAge).sort()).toEqual([20, 21, 22, 23]);
  expect(receipts.filter((r) => r.outcome === "shown").map((r) => r.nullifier).sort()).toEqual(results.map((r) => (r.ok ? r.nullifier : undefined)).sort());
});
