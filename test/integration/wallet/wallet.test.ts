/**
 * The wallet as the user writes it: a signed request from a trusted verifier, answered
 * with a real proof the verifier accepts; the receipt holds the nullifier the verifier got; the
 * receipts and the guard survive a restart through a file.
 */
import { mkdtemp } from "node:fs/promises";
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
  const open = () =>
    createWallet({
      holder: world.patient,
      credentials: [world.record],
      trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
      store: new FileWalletStore(path),
      clock: () => NOW,
    });
  const wallet = open();
  const presentation = await wallet.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }));
  const result = await insurer.verify(presentation);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  await expect(wallet.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 50 } }))).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });

  const restarted = open();
  const refusal = await restarted.respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 30 } })).catch((e: unknown) => e);
  expect(refusal).toBeInstanceOf(MedzkError);
  expect(refusal).toMatchObject({ code: "PROBING_LIMIT" });
  const receipts = await restarted.receipts();
  expect(receipts).toHaveLength(3);
  expect(receipts[0]).toMatchObject({ verifier: { publicKey: acmeKey.publicKey, name: "Acme Health" }, outcome: "shown", nullifier: result.nullifier, asOf: "2026-06-15" });
  expect(receipts.slice(1).map((r) => r.code)).toEqual(["STATEMENT_NOT_SATISFIED", "PROBING_LIMIT"]);
});
