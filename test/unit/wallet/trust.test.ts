/**
 * Where the wallet's trust comes from: a list, a registry document, a registry file that is
 * re-read on change and fails closed. And what a registry entry narrows: purposes (the scopes the
 * holder answers), response origins, suspension. Proving is stubbed as in wallet.test.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  JsonFileVerifierRegistry,
  buildCircuitInput,
  createVerifier,
  generateVerifierKey,
  parseVerifierRegistry,
  type Presentation,
  type ProveOptions,
  type TrustedVerifier,
} from "../../../src/index.js";
import { createWalletWith, type WalletOptions } from "../../../src/wallet/wallet.js";
import { codeOf, rejectionCodeOf } from "../../helpers/errors.js";
import { makeWorld, type World } from "../../helpers/fixtures.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const clock = () => NOW;
const acmeKey = generateVerifierKey();
const otherKey = generateVerifierKey();
let world: World;
let dir: string;

async function checkOnly(options: ProveOptions): Promise<Presentation> {
  const { request } = await buildCircuitInput(options);
  return { format: "medzk-presentation/v2", request, proof: {}, publicSignals: ["4242"] } as unknown as Presentation;
}

function wallet(trustedVerifiers: WalletOptions["trustedVerifiers"], extra: Partial<WalletOptions> = {}) {
  return createWalletWith({ holder: world.patient, credentials: [world.record], trustedVerifiers, clock, ...extra }, checkOnly);
}

function acme(options: { purpose?: string; responseUrl?: string; key?: typeof acmeKey } = {}) {
  const { key = acmeKey, ...rest } = options;
  return createVerifier({ trustedIssuers: [world.hospital.publicKey], key, clock, ...rest });
}

const ADULT = { statement: { type: "ageAtLeast", minAge: 18 } } as const;
const registry = (verifiers: TrustedVerifier[]) => ({ format: "medzk-verifiers/v1", verifiers });

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
  dir = await mkdtemp(join(tmpdir(), "medzk-trust-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("registry document", () => {
  it("is parsed strictly: format, unknown keys, duplicates, malformed origins and purposes refused as INVALID_REGISTRY", () => {
    const good = { publicKey: acmeKey.publicKey, name: "Acme Health" };
    expect(() => parseVerifierRegistry(registry([good]))).not.toThrow();
    const bad: unknown[] = [
      { format: "medzk-verifiers/v2", verifiers: [good] },
      { format: "medzk-verifiers/v1" },
      { format: "medzk-verifiers/v1", verifiers: [good], extra: 1 },
      registry([{ ...good, trusted: true } as never]),
      registry([good, { ...good, name: "Acme again" }]),
      registry([{ ...good, publicKey: acmeKey.publicKey.toUpperCase() }]),
      registry([{ ...good, name: "" }]),
      registry([{ ...good, origins: ["https://verify.acme.example/v1/verify"] }]),
      registry([{ ...good, origins: ["verify.acme.example"] }]),
      registry([{ ...good, purposes: ["has space"] }]),
      registry([{ ...good, status: "paused" as never }]),
      [good],
      null,
    ];
    for (const doc of bad) expect(codeOf(() => parseVerifierRegistry(doc)), JSON.stringify(doc)).toBe("INVALID_REGISTRY");
  });

  it("answers the verifiers it lists under the names it gives", async () => {
    const w = wallet(parseVerifierRegistry(registry([{ publicKey: acmeKey.publicKey, name: "Acme Health" }])));
    await w.respond(acme().createRequest(ADULT));
    expect(await rejectionCodeOf(() => w.respond(acme({ key: otherKey }).createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
    expect((await w.receipts()).map((r) => r.verifier?.name ?? r.code)).toEqual(["Acme Health", "UNTRUSTED_VERIFIER"]);
  });
});

describe("what an entry narrows", () => {
  it("purposes: a request under a purpose the entry does not list is refused before anything else", async () => {
    const w = wallet([{ publicKey: acmeKey.publicKey, name: "Acme Health", purposes: ["claims"] }]);
    expect(await rejectionCodeOf(() => w.respond(acme({ purpose: "claims" }).createRequest(ADULT)))).toBeUndefined();
    expect(await rejectionCodeOf(() => w.respond(acme({ purpose: "marketing" }).createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
    const none = wallet([{ publicKey: acmeKey.publicKey, name: "Acme Health", purposes: [""] }]);
    expect(await rejectionCodeOf(() => none.respond(acme().createRequest(ADULT)))).toBeUndefined();
    expect(await rejectionCodeOf(() => none.respond(acme({ purpose: "claims" }).createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
  });

  it("origins: the signed responseUrl must be at one of them (and a request naming none is refused)", async () => {
    const w = wallet([{ publicKey: acmeKey.publicKey, name: "Acme Health", origins: ["https://verify.acme.example"] }]);
    expect(await rejectionCodeOf(() => w.respond(acme({ responseUrl: "https://verify.acme.example/v1/verify" }).createRequest(ADULT)))).toBeUndefined();
    expect(await rejectionCodeOf(() => w.respond(acme({ responseUrl: "https://collector.example/v1/verify" }).createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
    expect(await rejectionCodeOf(() => w.respond(acme({ responseUrl: "https://verify.acme.example:8443/v1/verify" }).createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
  });

  it("a suspended verifier is trusted for nothing", async () => {
    const w = wallet([{ publicKey: acmeKey.publicKey, name: "Acme Health", status: "suspended" }]);
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
  });
});

describe("JsonFileVerifierRegistry", () => {
  it("re-reads the file when it changes: a verifier suspended in the file is refused on the next request", async () => {
    const path = join(dir, "verifiers.json");
    await writeFile(path, JSON.stringify(registry([{ publicKey: acmeKey.publicKey, name: "Acme Health" }])));
    const w = wallet(new JsonFileVerifierRegistry(path));
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBeUndefined();
    await writeFile(path, JSON.stringify(registry([{ publicKey: acmeKey.publicKey, name: "Acme Health (suspended)", status: "suspended" }])));
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("UNTRUSTED_VERIFIER");
  });

  it("fails closed while the file is missing or malformed (REGISTRY_UNAVAILABLE), and recovers when it is fixed", async () => {
    const path = join(dir, "broken.json");
    const w = wallet(new JsonFileVerifierRegistry(path));
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("REGISTRY_UNAVAILABLE");
    await writeFile(path, "{ not json");
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("REGISTRY_UNAVAILABLE");
    await writeFile(path, JSON.stringify({ format: "medzk-verifiers/v1", verifiers: [{ publicKey: acmeKey.publicKey, name: "Acme", extra: 1 }] }));
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("REGISTRY_UNAVAILABLE");
    await writeFile(path, JSON.stringify(registry([{ publicKey: acmeKey.publicKey, name: "Acme Health" }])));
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBeUndefined();
    // Refused requests name the verifier key only when the signature held; they spent no budget.
    expect((await w.receipts()).map((r) => r.code ?? r.outcome)).toEqual(["REGISTRY_UNAVAILABLE", "REGISTRY_UNAVAILABLE", "REGISTRY_UNAVAILABLE", "shown"]);
  });

  it("a custom directory that throws is a refusal too, never an answer", async () => {
    const w = wallet({ lookup: async () => Promise.reject(new Error("network down")) });
    expect(await rejectionCodeOf(() => w.respond(acme().createRequest(ADULT)))).toBe("REGISTRY_UNAVAILABLE");
  });

  it("refuses a trust source that is neither a list nor a directory", () => {
    expect(codeOf(() => wallet({ verifiers: [] } as never))).toBe("INVALID_ARGUMENT");
  });
});

describe("per-verifier probing budgets", () => {
  it("a verifier's own budget replaces the policy's; the others keep the policy's", async () => {
    const policy = { probing: { maxDistinct: 1 }, verifiers: { [acmeKey.publicKey]: { probing: { maxDistinct: 3, windowDays: 365 } } } };
    const w = wallet(
      [
        { publicKey: acmeKey.publicKey, name: "Acme Health" },
        { publicKey: otherKey.publicKey, name: "Other" },
      ],
      { policy },
    );
    const ask = (key: typeof acmeKey, minAge: number) => rejectionCodeOf(() => w.respond(acme({ key }).createRequest({ statement: { type: "ageAtLeast", minAge } })));
    expect([await ask(acmeKey, 18), await ask(acmeKey, 19), await ask(acmeKey, 20), await ask(acmeKey, 21)]).toEqual([undefined, undefined, undefined, "PROBING_LIMIT"]);
    expect([await ask(otherKey, 18), await ask(otherKey, 19)]).toEqual([undefined, "PROBING_LIMIT"]);
  });

  it("refuses a malformed per-verifier budget by name", () => {
    const policy = { verifiers: { [acmeKey.publicKey]: { probing: { maxDistinct: -1 } } } };
    expect(() => wallet([{ publicKey: acmeKey.publicKey, name: "A" }], { policy })).toThrow(/probing\.maxDistinct/);
  });
});
