/**
 * The wallet as the user writes it: a signed request from a trusted verifier, answered
 * with a real proof the verifier accepts; the receipt holds the nullifier the verifier got; the
 * receipts and the guard survive a restart through an encrypted file, from which the wallet
 * reopens with its passphrase alone.
 */
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { FileWalletStore, MedzkError, createVerifier, createWallet, generateVerifierKey } from "../../../src/index.js";
import { makeWorld, type World } from "../../helpers/fixtures.js";

const NOW = new Date("2026-06-15T12:00:00Z");
let world: World;
beforeAll(async () => {
  world = await makeWorld("1990-05-17");
});

it("answers a trusted verifier with a presentation it accepts, records it, and remembers across a restart", async () => {
  const acmeKey = generateVerifierKey();
  const insurer = createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey, name: "Acme Health", clock: () => NOW });
  const path = join(await mkdtemp(join(tmpdir(), "medzk-wallet-")), "wallet.json");
  const passphrase = "correct horse battery staple";
  const wallet = createWallet({
    holder: world.patient,
    credentials: [world.record],
    trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
    store: new FileWalletStore(path, { passphrase }),
    clock: () => NOW,
  });
  const presentation = await wallet.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }));
  const result = await insurer.verify(presentation);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  await expect(wallet.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 50 } }))).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });

  // Encrypted at rest (default scrypt cost): neither the holder secret nor the record nor the
  // verifier's name is in the file.
  const file = await readFile(path, "utf8");
  expect(JSON.parse(file)).toMatchObject({ format: "medzk-wallet-vault/v1", kdf: { name: "scrypt", logN: 17, r: 8, p: 1 } });
  for (const secret of [world.patient.secret, world.record.salt, "1990-05-17", "dateOfBirth", "Acme Health", acmeKey.publicKey, result.nullifier]) expect(file).not.toContain(secret);
  // Reopened from the store and the passphrase alone: holder and credentials come from it.
  const restarted = createWallet({
    trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
    store: new FileWalletStore(path, { passphrase }),
    clock: () => NOW,
  });
  expect((await restarted.identity()).commitment).toBe(world.patient.commitment);
  expect(await restarted.credentials()).toEqual([world.record]);
  const refusal = await restarted.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 30 } })).catch((e: unknown) => e);
  expect(refusal).toBeInstanceOf(MedzkError);
  expect(refusal).toMatchObject({ code: "PROBING_LIMIT" });
  const receipts = await restarted.receipts();
  expect(receipts).toHaveLength(3);
  expect(receipts[0]).toMatchObject({ verifier: { publicKey: acmeKey.publicKey, name: "Acme Health" }, outcome: "shown", nullifier: result.nullifier, asOf: "2026-06-15" });
  expect(receipts.slice(1).map((r) => r.code)).toEqual(["STATEMENT_NOT_SATISFIED", "PROBING_LIMIT"]);
});

it("answers a hidden-issuer request with a real proof the verifier accepts; nothing in it names the issuer", async () => {
  const acmeKey = generateVerifierKey();
  const insurer = createVerifier({ trustedIssuers: [world.hospital.publicKey, world.insurerKey.publicKey], key: acmeKey, name: "Acme Health", clock: () => NOW });
  const statement = { type: "ageAtLeast", minAge: 18 } as const;
  const { request, issuerSet: set } = await insurer.createHiddenRequest({ statement });
  const wallet = createWallet({
    holder: world.patient,
    credentials: [world.record],
    trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
    policy: { default: { hideIssuer: true } },
    issuerSets: (root) => (root === set.root ? set : undefined),
    // The issuers the holder knows on its own, for the schemas they issue (in this world both
    // keys issue patient records): only these count toward the anonymity set.
    knownIssuers: [world.hospital.publicKey, world.insurerKey.publicKey].map((publicKey) => ({ publicKey, schemas: ["patient-record/v1"] })),
    clock: () => NOW,
  });
  const presentation = await wallet.respond(request);
  const text = JSON.stringify(presentation);
  expect(text).not.toContain(world.hospital.publicKey);
  const result = await insurer.verify(presentation);
  expect(result).toMatchObject({ ok: true, issuerSet: set.root });
  expect(result).not.toHaveProperty("issuer");
});
