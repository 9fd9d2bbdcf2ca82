/**
 * The wallet's decisions, without proving: `prove` is replaced by one that runs every check the
 * real prover makes (buildCircuitInput: signature, timing, credential, statement holds, consent)
 * and returns a stand-in presentation. test/integration/wallet proves for real.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, beforeAll } from "vitest";
import {
  buildCircuitInput,
  createHolder,
  createVerifier,
  EMPTY_REVOCATION_ROOT,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  MedzkError,
  MemoryIssuerRegistry,
  RevocationRegistry,
  type Credential,
  type Presentation,
  type SchemaDefinition,
  type WalletPolicy,
  type ProveOptions,
  type Statement,
} from "../../../src/index.js";
import { createWalletWith, type WalletOptions } from "../../../src/wallet/wallet.js";
import { MemoryWalletStore } from "../../../src/wallet/store.js";
import { FileWalletStore } from "../../../src/wallet/file-store.js";
import { holderEncryptionKey, sealCredential } from "../../../src/index.js";
import { makeWorld, type World } from "../../helpers/fixtures.js";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
let world: World;
const acmeKey = generateVerifierKey();
const strangerKey = generateVerifierKey();

/** Every check prove makes, then a stand-in proof whose nullifier is fixed. */
async function checkOnly(options: ProveOptions): Promise<Presentation> {
  const { request } = await buildCircuitInput(options);
  return { format: "medzk-presentation/v2", request, proof: {}, publicSignals: ["4242"] } as unknown as Presentation;
}

function setup(extra: Partial<WalletOptions> = {}, w: World = world) {
  let t = NOW.getTime();
  const clock = () => new Date(t);
  const wallet = createWalletWith(
    { holder: w.patient, credentials: [w.record, w.coverage], trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }], clock, ...extra },
    checkOnly,
  );
  const verifier = (key = acmeKey, name = "Totally Acme") => createVerifier({ trustedIssuers: [w.hospital.publicKey, w.insurerKey.publicKey], key, name, clock });
  return { wallet, verifier, advance: (ms: number) => (t += ms) };
}

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof MedzkError) return error.code;
    throw error;
  }
  return "shown";
}

/** Issuer keys the holder knows, each for these schemas (in the test world the verifiers trust every key for every schema). */
const knowing = (keys: string[], schemas = ["patient-record/v1", "insurance-coverage/v1"]) => keys.map((publicKey) => ({ publicKey, schemas }));

const AGE = (minAge: number): Statement => ({ type: "ageAtLeast", minAge });
const DOB = (op: "LTE" | "GTE", value: string): Statement => ({ type: "query", schema: "patient-record/v1", where: [{ attribute: "dateOfBirth", op, value }] });

beforeAll(async () => {
  world = await makeWorld("1990-05-17");
});

describe("who asks", () => {
  it("answers a trusted verifier and names it from the trust list, not from the request", async () => {
    const { wallet, verifier } = setup();
    const request = verifier().createRequest({ statement: AGE(18) });
    expect((await wallet.respond(request)).publicSignals[0]).toBe("4242");
    const [receipt] = await wallet.receipts();
    expect(receipt).toEqual({
      verifier: { publicKey: acmeKey.publicKey, name: "Acme Health" },
      statement: AGE(18),
      disclosures: [],
      asOf: "2026-06-15",
      scope: `medzk-verifier:${acmeKey.publicKey}`,
      challenge: request.challenge,
      at: NOW.toISOString(),
      outcome: "shown",
      nullifier: "4242",
      issuer: world.hospital.publicKey, // the proof reveals it: the holder's log says so
    });
  });

  it("refuses untrusted verifiers, forged signatures and malformed requests before anything else, with a receipt each", async () => {
    const { wallet, verifier } = setup();
    expect(await code(() => wallet.respond(verifier(strangerKey).createRequest({ statement: AGE(18) })))).toBe("UNTRUSTED_VERIFIER");
    const genuine = verifier().createRequest({ statement: AGE(18) });
    expect(await code(() => wallet.respond({ ...genuine, statement: AGE(21) }))).toBe("REQUEST_SIGNATURE_INVALID");
    // A stranger's request naming Acme's key: the signature is not Acme's.
    const stranger = verifier(strangerKey).createRequest({ statement: AGE(18) });
    expect(await code(() => wallet.respond({ ...stranger, verifier: acmeKey.publicKey }))).toBe("REQUEST_SIGNATURE_INVALID");
    expect(await code(() => wallet.respond({ ...genuine, extra: 1 }))).toBe("INVALID_REQUEST");
    expect(await code(() => wallet.respond("not a request"))).toBe("INVALID_REQUEST");
    const receipts = await wallet.receipts();
    expect(receipts.map((r) => r.code)).toEqual(["UNTRUSTED_VERIFIER", "REQUEST_SIGNATURE_INVALID", "REQUEST_SIGNATURE_INVALID", "INVALID_REQUEST", "INVALID_REQUEST"]);
    expect(receipts[0]!.verifier).toEqual({ publicKey: strangerKey.publicKey }); // no name: the wallet has none for it
    for (const r of receipts.slice(1)) expect(r.verifier).toBeUndefined(); // a forged request is nobody's
    expect(receipts.every((r) => r.outcome === "refused" && r.nullifier === undefined)).toBe(true);
  });

  it("refuses an expired request or one with another day's as-of date without spending budget", async () => {
    const { wallet, verifier, advance } = setup({ policy: { probing: { maxDistinct: 1 } } });
    const old = verifier().createRequest({ statement: AGE(30) });
    advance(DAY * 3);
    expect(await code(() => wallet.respond(old))).toBe("REQUEST_EXPIRED");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("shown");
  });
});

describe("policy", () => {
  it("allows by default every statement type and predicate attribute, and no disclosure", async () => {
    const { wallet, verifier } = setup();
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: { type: "insuranceActive", insurerId: "acme-health" } })))).toBe("shown");
    const disclose: Statement = { type: "query", schema: "insurance-coverage/v1", where: [], disclose: ["plan"] };
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: disclose })))).toBe("REQUEST_NOT_ALLOWED");
  });

  it("applies per-verifier rules: statement types, predicate attributes, disclosures", async () => {
    const policy = {
      default: { statements: [] },
      verifiers: { [acmeKey.publicKey]: { statements: ["ageAtLeast", "query"], attributes: ["plan"], disclose: ["plan"] } },
    } as const;
    const { wallet, verifier } = setup({ policy: policy as never });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: { type: "insuranceActive", insurerId: "acme-health" } })))).toBe("REQUEST_NOT_ALLOWED");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: DOB("LTE", "2000-01-01") })))).toBe("REQUEST_NOT_ALLOWED");
    const plan: Statement = { type: "query", schema: "insurance-coverage/v1", where: [{ attribute: "plan", op: "IN", values: ["gold", "platinum"] }], disclose: ["plan"] };
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: plan })))).toBe("shown");
    expect((await wallet.receipts()).at(-1)).toMatchObject({ outcome: "shown", disclosures: ["plan"] });
  });

  it("refuses a malformed policy by name", () => {
    expect(() => setup({ policy: { default: { statements: ["everything"] } } as never })).toThrow(/statements\[0\]/);
    expect(() => setup({ policy: { probing: { maxDistinct: 2, window: 3 } } as never })).toThrow(/unknown property "window"/);
    expect(() => setup({ policy: { verifiers: { ACME: {} } } as never })).toThrow(/hex/);
    expect(() => setup({ trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "A" }, { publicKey: acmeKey.publicKey, name: "B" }] })).toThrow(/twice/);
  });
});

describe("probing guard", () => {
  it("lets a verifier repeat its usual question forever, and refuses a third distinct one within 30 days", async () => {
    const { wallet, verifier, advance } = setup();
    for (let i = 0; i < 5; i++) expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("shown");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(21) })))).toBe("shown");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(65) })))).toBe("PROBING_LIMIT");
    // A date query about the birth date shares the budget with ageAtLeast.
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: DOB("LTE", "2000-01-01") })))).toBe("PROBING_LIMIT");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("shown");
    advance(31 * DAY); // the window slides: the old questions no longer count
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(65) })))).toBe("STATEMENT_NOT_SATISFIED");
  });

  it("spends the budget on a false statement exactly as on a true one (checked and remembered before evaluation)", async () => {
    const { wallet, verifier } = setup({ policy: { probing: { maxDistinct: 1 } } });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(60) })))).toBe("STATEMENT_NOT_SATISFIED");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("PROBING_LIMIT");
  });

  it("does not let concurrent requests share one slot of budget", async () => {
    const { wallet, verifier } = setup();
    const codes = await Promise.all([20, 21, 22, 23].map((age) => code(() => wallet.respond(verifier().createRequest({ statement: AGE(age) })))));
    expect(codes.filter((c) => c === "shown")).toHaveLength(2);
    expect(codes.filter((c) => c === "PROBING_LIMIT")).toHaveLength(2);
  });

  it("a 16-step binary search on dateOfBirth learns 2 bits; after that the outcome is the same for a true and a false statement", async () => {
    // Two patients born 30 years apart: the verifier's view must stop depending on the date after the budget.
    const born = ["1990-05-17", "1960-11-02"];
    const worlds = [world, await makeWorld(born[1])];
    const day = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
    const traces: string[][] = [];
    const intervals: Array<[number, number]> = [];
    for (const w of worlds) {
      const { wallet, verifier } = setup({}, w);
      let [lo, hi] = [Date.UTC(1900, 0, 1) / DAY, Date.UTC(2026, 5, 15) / DAY]; // the verifier's knowledge: lo <= dob <= hi
      const trace: string[] = [];
      for (let step = 0; step < 16; step++) {
        const mid = Math.floor((lo + hi) / 2);
        const outcome = await code(() => wallet.respond(verifier().createRequest({ statement: DOB("LTE", day(mid)) })));
        trace.push(outcome);
        if (outcome === "shown") hi = mid;
        else if (outcome === "STATEMENT_NOT_SATISFIED") lo = mid + 1;
        // PROBING_LIMIT: the verifier learns nothing and asks again
      }
      traces.push(trace);
      intervals.push([lo, hi]);
      const dob = Date.parse(`${born[traces.length - 1]}T00:00:00Z`) / DAY;
      expect(lo <= dob && dob <= hi).toBe(true);
      // 2 bits of ~46,000 days: the birth date is still only known to within about 31 years.
      expect(hi - lo).toBeGreaterThan(11_000);
      // Once spent, a true and a false statement are refused alike.
      expect(await code(() => wallet.respond(verifier().createRequest({ statement: DOB("LTE", "2026-01-01") })))).toBe("PROBING_LIMIT");
      expect(await code(() => wallet.respond(verifier().createRequest({ statement: DOB("LTE", "1901-01-01") })))).toBe("PROBING_LIMIT");
    }
    for (const trace of traces) expect(trace.slice(2)).toEqual(Array(14).fill("PROBING_LIMIT"));
    expect(intervals[0]).not.toEqual(intervals[1]); // the two bits it got do differ; nothing after them does
  });
});

describe("receipts and the store", () => {
  it("survive a restart through the store, guard memory included", async () => {
    const store = new MemoryWalletStore();
    const first = setup({ store });
    await first.wallet.respond(first.verifier().createRequest({ statement: AGE(18) }));
    await first.wallet.respond(first.verifier().createRequest({ statement: AGE(21) }));
    const second = setup({ store });
    expect(await code(() => second.wallet.respond(second.verifier().createRequest({ statement: AGE(30) })))).toBe("PROBING_LIMIT");
    const exported = await second.wallet.exportReceipts();
    expect(exported).toMatchObject({ format: "medzk-receipts/v1", exportedAt: NOW.toISOString() });
    expect(exported.receipts.map((r) => r.code ?? r.outcome)).toEqual(["shown", "shown", "PROBING_LIMIT"]);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
  });

  it("gives no answer it cannot record", async () => {
    const saved: unknown[] = [];
    let fail = false;
    const store = {
      load: async () => undefined,
      update: async (change: (s: undefined) => unknown) => {
        const s = await change(undefined);
        if (fail) throw new MedzkError("WALLET_STORE_UNAVAILABLE", "disk full");
        saved.push(s);
        return s as never;
      },
    };
    const { wallet, verifier } = setup({ store });
    fail = true;
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("WALLET_STORE_UNAVAILABLE");
    expect(saved).toHaveLength(0);
  });

  it("refuses to start from a store it cannot read, rather than from an empty guard", async () => {
    const store = { load: async () => Promise.reject(new MedzkError("WALLET_STORE_INVALID", "bad")), update: async () => Promise.reject(new MedzkError("WALLET_STORE_INVALID", "bad")) };
    const { wallet, verifier } = setup({ store });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("WALLET_STORE_INVALID");
    expect(await code(() => wallet.receipts())).toBe("WALLET_STORE_INVALID");
  });
});

describe("what the wallet holds", () => {
  it("keeps the holder and credentials in its store: a wallet reopened from the store alone answers", async () => {
    const store = new MemoryWalletStore();
    const first = setup({ store });
    expect(await first.wallet.identity()).toEqual({ commitment: world.patient.commitment, encryptionKey: holderEncryptionKey(world.patient) });
    const reopened = createWalletWith({ trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }], store, clock: () => NOW }, checkOnly);
    expect(await reopened.credentials()).toEqual([world.record, world.coverage]);
    expect(await code(() => reopened.respond(first.verifier().createRequest({ statement: AGE(18) })))).toBe("shown");
  });

  it("adds a credential after checking it: its signature, its holder; a duplicate changes nothing", async () => {
    const { wallet } = setup({ credentials: [] });
    await wallet.addCredential(world.record);
    await wallet.addCredential(structuredClone(world.record));
    expect(await wallet.credentials()).toEqual([world.record]);
    const other = await makeWorld("1980-01-01");
    expect(await code(() => wallet.addCredential(other.record))).toBe("HOLDER_MISMATCH");
    const forged = { ...world.coverage, attributes: { ...world.coverage.attributes, plan: "platinum" } };
    expect(await code(() => wallet.addCredential(forged))).toBe("INVALID_CREDENTIAL");
    expect(await code(() => wallet.addCredential({ ...world.coverage, extra: 1 }))).toBe("INVALID_CREDENTIAL");
    expect(await wallet.credentials()).toEqual([world.record]);
  });

  it("receives a sealed credential: opened with the holder's key, checked, stored; one for another holder is refused", async () => {
    const { wallet } = setup({ credentials: [] });
    const { encryptionKey } = await wallet.identity();
    expect(await wallet.receive(await sealCredential(world.coverage, encryptionKey))).toEqual(world.coverage);
    expect(await wallet.credentials()).toEqual([world.coverage]);
    const other = await makeWorld("1980-01-01");
    const misaddressed = await sealCredential(world.record, holderEncryptionKey(other.patient));
    expect(await code(() => wallet.receive(misaddressed))).toBe("ENVELOPE_NOT_FOR_HOLDER");
    const sealed = await sealCredential(world.record, encryptionKey);
    expect(await code(() => wallet.receive({ ...sealed, ciphertext: sealed.ciphertext.replace(/^./, (c) => (c === "0" ? "1" : "0")) }))).toBe("ENVELOPE_DECRYPTION_FAILED");
    expect(await wallet.credentials()).toEqual([world.coverage]);
  });

  it("refuses a store of another holder, and a wallet with no holder at all", async () => {
    const store = new MemoryWalletStore();
    await setup({ store }).wallet.receipts();
    const other = await makeWorld("1980-01-01");
    const wrong = createWalletWith({ holder: other.patient, trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }], store }, checkOnly);
    expect(await code(() => wrong.receipts())).toBe("HOLDER_MISMATCH");
    const empty = createWalletWith({ trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }] }, checkOnly);
    expect(await code(() => empty.receipts())).toBe("INVALID_ARGUMENT");
    // A credential of another holder given up front is refused too (not discovered at proving time).
    const mixed = createWalletWith({ holder: world.patient, credentials: [other.record], trustedVerifiers: [] }, checkOnly);
    expect(await code(() => mixed.credentials())).toBe("HOLDER_MISMATCH");
  });

  it("refuses a stored credential that does not check out (WALLET_STORE_INVALID), rather than dropping it", async () => {
    const store = new MemoryWalletStore();
    await store.save({ format: "medzk-wallet/v1", holder: world.patient, credentials: [{ ...world.record, salt: "1" }], receipts: [], guard: [] });
    const wallet = createWalletWith({ trustedVerifiers: [], store }, checkOnly);
    expect(await code(() => wallet.credentials())).toBe("WALLET_STORE_INVALID");
  });
});

describe("asking the holder", () => {
  it("asks only once the wallet itself would answer, names the verifier from the trust list, and a decline spends no budget", async () => {
    const asked: unknown[] = [];
    let answer: unknown = false;
    const { wallet, verifier } = setup({ policy: { probing: { maxDistinct: 1 } }, consent: async (q) => (asked.push(q), answer as boolean) });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(21) })))).toBe("DECLINED_BY_HOLDER");
    expect(asked).toEqual([{ verifier: { publicKey: acmeKey.publicKey, name: "Acme Health" }, statement: AGE(21), disclosures: [], asOf: "2026-06-15" }]);
    // Not asked about what the wallet refuses by itself: a stranger, a disallowed disclosure.
    expect(await code(() => wallet.respond(verifier(strangerKey).createRequest({ statement: AGE(18) })))).toBe("UNTRUSTED_VERIFIER");
    const disclose: Statement = { type: "query", schema: "insurance-coverage/v1", where: [], disclose: ["plan"] };
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: disclose })))).toBe("REQUEST_NOT_ALLOWED");
    expect(asked).toHaveLength(1);
    // The decline spent nothing: a new question still fits the budget of 1. Only `true` consents.
    answer = "yes";
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("DECLINED_BY_HOLDER");
    answer = true;
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("shown");
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(30) })))).toBe("PROBING_LIMIT");
    expect(asked).toHaveLength(3);
    expect((await wallet.receipts()).map((r) => r.code ?? r.outcome)).toEqual(["DECLINED_BY_HOLDER", "UNTRUSTED_VERIFIER", "REQUEST_NOT_ALLOWED", "DECLINED_BY_HOLDER", "shown", "PROBING_LIMIT"]);
  });
});

describe("the issuer hidden among the verifier's set", () => {
  it("answers with the verifier's set (fetched by root), tells the holder its size, and refuses a missing or too small set", async () => {
    const asked: Array<{ issuerSetSize?: number }> = [];
    const { verifier } = setup();
    const acme = verifier();
    const set = await acme.issuerSet({ statement: AGE(18) });
    // A fresh request each time, over the set just rebuilt (the same registry: the same root).
    const hidden = async () => (await acme.createHiddenRequest({ statement: AGE(18) })).request;
    const sets = async (root: string) => (root === set.root ? set : undefined);
    const knownIssuers = knowing([world.hospital.publicKey, world.insurerKey.publicKey]);
    const { wallet } = setup({ issuerSets: sets, knownIssuers, consent: (q) => (asked.push(q), true) });
    expect(await code(async () => wallet.respond(await hidden()))).toBe("shown");
    expect((await wallet.receipts())[0]).toMatchObject({ outcome: "shown", issuerSet: set.root });
    expect((await wallet.receipts())[0]).not.toHaveProperty("issuer");
    expect(asked[0]?.issuerSetSize).toBe(2); // the hospital's and the insurer's keys, both trusted for every schema
    expect(await code(async () => setup().wallet.respond(await hidden()))).toBe("ISSUER_SET_UNAVAILABLE");
    expect(await code(async () => setup({ issuerSets: async () => ({ ...set, root: "1" }) }).wallet.respond(await hidden()))).toBe("ISSUER_SET_UNAVAILABLE");
    const strict = setup({ issuerSets: sets, knownIssuers, policy: { default: { minIssuerSetSize: 3 } } }).wallet;
    expect(await code(async () => strict.respond(await hidden()))).toBe("ISSUER_SET_TOO_SMALL");
  });

  it("a policy may require the issuer hidden: a request revealing it is not allowed", async () => {
    const { wallet, verifier } = setup({ policy: { verifiers: { [acmeKey.publicKey]: { hideIssuer: true } } } });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("REQUEST_NOT_ALLOWED");
    expect(() => setup({ policy: { default: { hideIssuer: "yes" } } as never })).toThrow(/hideIssuer/);
  });
});

/** The outcome of a call as code and message: what a verifier (or anyone the refusal reaches) sees. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof MedzkError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return "shown";
}

describe("issue 18: the wallet cannot be played", () => {
  const at = (days: number) => () => new Date(NOW.getTime() + days * DAY);
  /** Acme (one key, one budget) trusting these issuers: its set for the record's schema is theirs. */
  const acmeTrusting = (issuers: string[], clock = () => NOW, extra: Partial<Parameters<typeof createVerifier>[0]> = {}) =>
    createVerifier({ trustedIssuers: issuers, key: acmeKey, name: "Acme", clock, ...extra });

  it("probing by set choice: four sets, each one clinic padded with keys the verifier made, no longer name the clinic (refused alike), and every new set spends budget", async () => {
    const clinics = [world.hospital.publicKey, ...[1, 2, 3].map(() => generateIssuerKey().publicKey)];
    const fakes = () => [1, 2, 3].map(() => generateIssuerKey().publicKey); // the verifier's own keys
    const sets = new Map<string, unknown>();
    const requests = [];
    for (const clinic of clinics) {
      const acme = acmeTrusting([clinic, ...fakes()]);
      const { request, issuerSet: set } = await acme.createHiddenRequest({ statement: AGE(18) });
      sets.set(set.root, set);
      requests.push(request);
    }
    // The holder knows the four clinics (its issuer list), not the verifier's made-up keys.
    const { wallet } = setup({ issuerSets: async (root) => sets.get(root) as never, knownIssuers: knowing(clinics) });
    const outcomes = [];
    for (const request of requests) outcomes.push(await outcome(() => wallet.respond(request)));
    // Before: shown for the hospital's set only, refused for the three others: the clinic, for one question.
    expect(new Set(outcomes).size).toBe(1);
    expect(outcomes[0]).toMatch(/^ISSUER_SET_TOO_SMALL: Acme Health hides the issuer among 1 key\(s\) this wallet knows/);

    // Sets of known clinics only: each new set is a question about the issuer (budget 2), a repeat is free.
    const pairs = [[0, 1], [0, 2], [1, 2]].map(([a, b]) => acmeTrusting([clinics[a!]!, clinics[b!]!]));
    const pairSets = await Promise.all(pairs.map((v) => v.issuerSet({ statement: AGE(18) })));
    for (const set of pairSets) sets.set(set.root, set);
    const ask = (i: number) => code(async () => wallet.respond((await pairs[i]!.createHiddenRequest({ statement: AGE(18) })).request));
    expect(await ask(0)).toBe("shown");
    expect(await ask(1)).toBe("shown");
    expect(await ask(0)).toBe("shown");
    expect(await ask(2)).toBe("PROBING_LIMIT"); // would tell the hospital from clinics 1 and 2
  });

  it("a known issuer counts only for the schemas it issues: a set of patient-record issuers padded with the holder's insurer is too small, and the list is parsed strictly", async () => {
    const hospitals = [world.hospital.publicKey, generateIssuerKey().publicKey];
    const knownIssuers = [...knowing(hospitals, ["patient-record/v1"]), ...knowing([world.insurerKey.publicKey], ["insurance-coverage/v1"])];
    // The verifier puts the insurer's key beside the hospital's for patient records (it chooses each member's schema).
    const padded = acmeTrusting([world.hospital.publicKey, world.insurerKey.publicKey]);
    const honest = acmeTrusting(hospitals);
    const hidden = await Promise.all([padded, honest].map((v) => v.createHiddenRequest({ statement: AGE(18) })));
    const issuerSets = async (root: string) => hidden.map((h) => h.issuerSet).find((s) => s.root === root);
    const { wallet } = setup({ issuerSets, knownIssuers });
    // Before (a list of keys known for every schema): shown under an anonymity set of "2" that was the hospital alone.
    expect(await outcome(() => wallet.respond(hidden[0]!.request))).toMatch(/^ISSUER_SET_TOO_SMALL: .* among 1 key\(s\)/);
    expect(await code(() => wallet.respond(hidden[1]!.request))).toBe("shown");
    for (const bad of [[world.hospital.publicKey], [{ publicKey: world.hospital.publicKey }], [{ publicKey: world.hospital.publicKey, schemas: [] }], [{ publicKey: world.hospital.publicKey, schemas: ["patient-record/v1"], note: 1 }]]) {
      expect(() => setup({ knownIssuers: bad as never })).toThrow(/knownIssuers\[0\]/);
    }
  });

  it("a known issuer's lookup sees the set's member, so one that knows the issuers' published revocation roots refuses a member no credential can prove against", async () => {
    const other = generateIssuerKey().publicKey;
    // The issuers' published revocation roots, as the holder's issuer registry gives them: both publish none.
    const published = new Map([world.hospital.publicKey, other].map((k) => [k, EMPTY_REVOCATION_ROOT]));
    const seen: unknown[] = [];
    const knownIssuers: WalletOptions["knownIssuers"] = (publicKey, schemaId, member) => {
      seen.push([publicKey, schemaId, member?.revocationRoot]);
      return schemaId === "patient-record/v1" && published.get(publicKey) === member.revocationRoot;
    };
    const setOf = async (revocationRoot: string) => {
      // The verifier writes each member's revocation root: here the other hospital's is one it made up.
      const issuers = new MemoryIssuerRegistry([
        { id: "st-mary", keys: [{ publicKey: world.hospital.publicKey }], schemas: ["patient-record/v1"] },
        { id: "other", keys: [{ publicKey: other }], schemas: ["patient-record/v1"] },
      ]);
      if (revocationRoot !== EMPTY_REVOCATION_ROOT) issuers.setRevocationRoot("other", revocationRoot, NOW);
      const acme = createVerifier({ issuers, key: acmeKey, clock: () => NOW });
      const { issuerSet: set, request } = await acme.createHiddenRequest({ statement: AGE(18) });
      return { set, request };
    };
    const [honest, rigged] = await Promise.all([setOf(EMPTY_REVOCATION_ROOT), setOf("12345")]);
    const { wallet } = setup({ issuerSets: async (root) => [honest.set, rigged.set].find((s) => s.root === root), knownIssuers });
    // Before: the lookup had no member (ISSUER_SET_UNAVAILABLE here); a key-only lookup counted the rigged set as 2 and the answer named St Mary's.
    expect(await outcome(() => wallet.respond(rigged.request))).toMatch(/^ISSUER_SET_TOO_SMALL: .* among 1 key\(s\)/);
    expect(await code(() => wallet.respond(honest.request))).toBe("shown");
    expect(seen).toContainEqual([other, "patient-record/v1", "12345"]);
  });

  it("a wallet may require the set root published for the schema; then every member of that set counts as known", async () => {
    const acme = acmeTrusting([world.hospital.publicKey, world.insurerKey.publicKey]);
    const set = await acme.issuerSet({ statement: AGE(18) });
    const padded = acmeTrusting([world.hospital.publicKey, generateIssuerKey().publicKey]);
    const other = await padded.issuerSet({ statement: AGE(18) });
    const issuerSets = async (root: string) => [set, other].find((s) => s.root === root);
    const published: WalletOptions["publishedIssuerSetRoot"] = (schemaId) => (schemaId === "patient-record/v1" ? set.root : undefined);
    const { wallet } = setup({ issuerSets, publishedIssuerSetRoot: published, policy: { default: { requirePublishedIssuerSet: true } } });
    expect(await code(async () => wallet.respond((await acme.createHiddenRequest({ statement: AGE(18) })).request))).toBe("shown");
    expect(await code(async () => wallet.respond((await padded.createHiddenRequest({ statement: AGE(18) })).request))).toBe("REQUEST_NOT_ALLOWED");
    // A policy requiring the published set without a place to read it is a caller mistake, said at once
    // (before: a wallet that refused every hidden-issuer request with REQUEST_NOT_ALLOWED).
    for (const policy of [{ default: { requirePublishedIssuerSet: true } }, { verifiers: { [acmeKey.publicKey]: { requirePublishedIssuerSet: true } } }]) {
      expect(() => setup({ issuerSets, policy })).toThrow(/requirePublishedIssuerSet.*publishedIssuerSetRoot/);
    }
    expect(() => setup({ knownIssuers: [{ publicKey: "not a key", schemas: ["patient-record/v1"] }] })).toThrow(/knownIssuers\[0\]\.publicKey/);
  });

  it("ageAtLeast counts the birth-date bound its as-of day implies: a day-shifted repeat is a new question, the same bound asked as a date query is not", async () => {
    const { wallet } = setup();
    // The verifier's clock sets the as-of day: its own day, or (12.5 hours ahead) the next one, which the wallet accepts.
    const ask = (hours: number, statement: Statement) => code(() => wallet.respond(acmeTrusting([world.hospital.publicKey], at(hours / 24)).createRequest({ statement })));
    expect(await ask(0, AGE(18))).toBe("shown"); // as of 2026-06-15
    // Before: "ageAtLeast 18" as of the next day was the same question, free (and told a birthday on the 16th).
    expect(await ask(12.5, AGE(18))).toBe("shown"); // as of 2026-06-16: a second question
    expect(await ask(12.5, AGE(21))).toBe("PROBING_LIMIT");
    // ageAtLeast 18 as of 2026-06-15 is "born on or before 2008-06-15": the same question, free.
    expect(await ask(0, DOB("LTE", "2008-06-15"))).toBe("shown");
    expect(await ask(0, AGE(18))).toBe("shown");
  });

  it("receipts name the purpose and scope, the challenge, and the set or the revealed issuer", async () => {
    const acme = createVerifier({ trustedIssuers: [world.hospital.publicKey], key: acmeKey, purpose: "age-check", clock: () => NOW });
    const { wallet } = setup();
    const request = acme.createRequest({ statement: AGE(18) });
    await wallet.respond(request);
    await code(() => wallet.respond(acme.createRequest({ statement: AGE(99) })));
    const [shown, refused] = await wallet.receipts();
    expect(shown).toMatchObject({ purpose: "age-check", scope: `medzk-verifier:${acmeKey.publicKey}/age-check`, challenge: request.challenge, issuer: world.hospital.publicKey });
    expect(refused).toMatchObject({ purpose: "age-check", outcome: "refused", code: "STATEMENT_NOT_SATISFIED" });
    expect(refused).not.toHaveProperty("issuer");
  });

  it("refusals do not depend on what the wallet holds or on the secret: the same request gets the same code and message from every wallet", async () => {
    const clinic: import("../../../src/index.js").SchemaDefinition = { id: "clinic-x/v1", attributes: [{ name: "visits", type: "integer", bits: 8 }] };
    const outsider = generateIssuerKey(); // an issuer outside the verifier's set
    const registry = new RevocationRegistry({ issuer: world.hospital.publicKey, clock: () => NOW });
    const holders = [0, 1, 2, 3, 4, 5].map(() => createHolder());
    const record = (holder: ReturnType<typeof createHolder>, extra: object = {}, key = world.hospital) =>
      issueCredential(key, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-05-17" }, now: new Date("2025-12-01T09:00:00Z"), ...extra });
    const revoked = await record(holders[3]!, { revocation: registry });
    registry.revoke(revoked);
    const holdings: Array<{ name: string; holder: ReturnType<typeof createHolder>; credentials: Credential[] }> = [
      { name: "nothing", holder: holders[0]!, credentials: [] },
      { name: "an expired record", holder: holders[1]!, credentials: [await record(holders[1]!, { expiresOn: "2026-03-01" })] },
      { name: "a record from an issuer outside the set", holder: holders[2]!, credentials: [await record(holders[2]!, {}, outsider)] },
      { name: "a revoked record", holder: holders[3]!, credentials: [revoked] },
      {
        name: "a clinic-x record",
        holder: holders[4]!,
        credentials: [await issueCredential(outsider, { schema: clinic, holder: holders[4]!.commitment, attributes: { visits: 3 }, now: new Date("2025-12-01T09:00:00Z") })],
      },
    ];
    const acme = acmeTrusting([world.hospital.publicKey, world.insurerKey.publicKey], () => NOW, { schemas: [clinic] });
    const hidden = await acme.createHiddenRequest({ statement: AGE(18) });
    const set = hidden.issuerSet;
    const requests = {
      "a query over a schema the wallet does not know": acme.createRequest({ statement: { type: "query", schema: "clinic-x/v1", where: [{ attribute: "visits", op: "GTE", value: 1 }] } }),
      "ageAtLeast, issuer revealed": acme.createRequest({ statement: AGE(18) }),
      "ageAtLeast, issuer hidden": hidden.request,
    };
    const table: Record<string, string[]> = {};
    const none = "NO_MATCHING_CREDENTIAL: the wallet holds no credential that can answer this request";
    for (const [what, request] of Object.entries(requests)) {
      table[what] = [];
      for (const h of holdings) {
        const wallet = createWalletWith(
          {
            holder: h.holder,
            credentials: h.credentials,
            trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
            clock: () => NOW,
            // The hospital publishes a status for the credentials of its registry (the revoked one's).
            revocation: (c) => (c.revocationSlot === revoked.revocationSlot && c.signature.S === revoked.signature.S ? registry.publish() : undefined),
            issuerSets: async (root) => (root === set.root ? set : undefined),
            knownIssuers: knowing([world.hospital.publicKey, world.insurerKey.publicKey]),
          },
          checkOnly,
        );
        table[what]!.push(await outcome(() => wallet.respond(request)));
      }
    }
    expect(table).toEqual({
      // Before: UNKNOWN_SCHEMA (free) from every wallet but the one holding a clinic-x record, which evaluated it.
      "a query over a schema the wallet does not know": Array(5).fill(`REQUEST_NOT_ALLOWED: the wallet's policy does not allow Acme Health to ask about schema "clinic-x/v1"`),
      // Before: NO_MATCHING_CREDENTIAL, STATEMENT_NOT_SATISFIED "expired on 2026-03-01", CREDENTIAL_REVOKED "slot 0 … <issuer>", …
      // (the outsider's record answers: the issuer is revealed, and the verifier judges it.)
      "ageAtLeast, issuer revealed": [none, none, "shown", none, none],
      // Before: ISSUER_NOT_IN_SET naming the set's root and the issuer's dates for the outsider's record.
      "ageAtLeast, issuer hidden": Array(5).fill(none),
    });
    // A schema the policy leaves out is refused in the same words as one the wallet does not know.
    const known = createWalletWith(
      {
        holder: holders[4]!,
        credentials: holdings[4]!.credentials,
        schemas: [clinic],
        policy: { default: { schemas: ["patient-record/v1", "insurance-coverage/v1"] } },
        trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],
        clock: () => NOW,
      },
      checkOnly,
    );
    expect(await outcome(() => known.respond(requests["a query over a schema the wallet does not know"]))).toBe(table["a query over a schema the wallet does not know"]![0]);
    // Configured and allowed, the same query is asked (and answered) as any other.
    const allowed = createWalletWith({ holder: holders[4]!, credentials: holdings[4]!.credentials, schemas: [clinic], trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }], clock: () => NOW }, checkOnly);
    expect(await code(() => allowed.respond(requests["a query over a schema the wallet does not know"]))).toBe("shown");
  });

  it("a schema the wallet does not know and one its policy leaves out are refused alike, whatever the type rules or the predicates (decided before the predicates are read)", async () => {
    const clinic: SchemaDefinition = { id: "clinic-x/v1", attributes: [{ name: "visits", type: "integer", bits: 8 }] };
    // The same id as the verifier defines it: an attribute the wallet's definition lacks.
    const theirs: SchemaDefinition = { id: "clinic-x/v1", attributes: [{ name: "hiv", type: "integer", bits: 8 }] };
    const requests = {
      "a well-formed query": acmeTrusting([world.hospital.publicKey], () => NOW, { schemas: [clinic] }).createRequest({
        statement: { type: "query", schema: "clinic-x/v1", where: [{ attribute: "visits", op: "GTE", value: 1 }] },
      }),
      "a predicate on an attribute the wallet's definition lacks": acmeTrusting([world.hospital.publicKey], () => NOW, { schemas: [theirs] }).createRequest({
        statement: { type: "query", schema: "clinic-x/v1", where: [{ attribute: "hiv", op: "GTE", value: 1 }] },
      }),
    };
    const policies: Record<string, WalletPolicy> = { "no queries": { default: { statements: ["ageAtLeast"] } }, "queries over patient records only": { default: { schemas: ["patient-record/v1"] } } };
    for (const [p, policy] of Object.entries(policies)) {
      for (const [r, request] of Object.entries(requests)) {
        // Before: "a query statement" / INVALID_STATEMENT "clinic-x/v1 has no attribute hiv" from the wallet configured with the schema, "about schema" from the other.
        const [unknown, known] = await Promise.all([{}, { schemas: [clinic] }].map((extra) => outcome(() => setup({ policy, credentials: [], ...extra }).wallet.respond(request))));
        expect(known, `${p}, ${r}`).toBe(unknown);
        expect(known, `${p}, ${r}`).toMatch(/^REQUEST_NOT_ALLOWED: /);
      }
    }
  });

  it("two wallet instances on one file store race: three distinct questions with a budget of two give exactly two answers, every receipt is kept, and a reopened wallet refuses a fourth", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "medzk-wallet-race-")), "wallet.json");
    // The holder takes a moment to decide: both instances pass the first budget check before either records.
    const consent = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 30));
    const open = () => setup({ store: new FileWalletStore(path, { unencrypted: true }), consent });
    const [a, b] = [open(), open()];
    await a.wallet.receipts();
    await b.wallet.receipts(); // both have read the store before the race
    const acme = a.verifier();
    const codes = await Promise.all([
      code(() => a.wallet.respond(acme.createRequest({ statement: AGE(20) }))),
      code(() => b.wallet.respond(acme.createRequest({ statement: AGE(21) }))),
      code(() => a.wallet.respond(acme.createRequest({ statement: AGE(22) }))),
    ]);
    expect(codes.filter((c) => c === "shown")).toHaveLength(2);
    expect(codes.filter((c) => c === "PROBING_LIMIT")).toHaveLength(1);
    const reopened = open();
    expect(await code(() => reopened.wallet.respond(acme.createRequest({ statement: AGE(23) })))).toBe("PROBING_LIMIT");
    const receipts = await reopened.wallet.receipts();
    expect(receipts.map((r) => r.code ?? r.outcome).sort()).toEqual(["PROBING_LIMIT", "PROBING_LIMIT", "shown", "shown"]);
  });
});
