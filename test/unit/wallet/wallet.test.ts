/**
 * The wallet's decisions, without proving: `prove` is replaced by one that runs every check the
 * real prover makes (buildCircuitInput: signature, timing, credential, statement holds, consent)
 * and returns a stand-in presentation. test/integration/wallet proves for real.
 */
import { describe, expect, it, beforeAll } from "vitest";
import { buildCircuitInput, createVerifier, generateVerifierKey, MedzkError, type Presentation, type ProveOptions, type Statement } from "../../../src/index.js";
import { createWalletWith, type WalletOptions } from "../../../src/wallet/wallet.js";
import { MemoryWalletStore } from "../../../src/wallet/store.js";
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
      at: NOW.toISOString(),
      outcome: "shown",
      nullifier: "4242",
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
      save: async (s: unknown) => {
        if (fail) throw new MedzkError("WALLET_STORE_UNAVAILABLE", "disk full");
        saved.push(s);
      },
    };
    const { wallet, verifier } = setup({ store });
    fail = true;
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("WALLET_STORE_UNAVAILABLE");
    expect(saved).toHaveLength(0);
  });

  it("refuses to start from a store it cannot read, rather than from an empty guard", async () => {
    const store = { load: async () => Promise.reject(new MedzkError("WALLET_STORE_INVALID", "bad")), save: async () => undefined };
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
    const hidden = () => acme.createRequest({ statement: AGE(18), issuerSet: set.root });
    const sets = async (root: string) => (root === set.root ? set : undefined);
    const { wallet } = setup({ issuerSets: sets, consent: (q) => (asked.push(q), true) });
    expect(await code(() => wallet.respond(hidden()))).toBe("shown");
    expect(asked[0]?.issuerSetSize).toBe(2); // the hospital's and the insurer's keys, both trusted for every schema
    expect(await code(() => setup().wallet.respond(hidden()))).toBe("ISSUER_SET_UNAVAILABLE");
    expect(await code(() => setup({ issuerSets: async () => ({ ...set, root: "1" }) }).wallet.respond(hidden()))).toBe("ISSUER_SET_UNAVAILABLE");
    const strict = setup({ issuerSets: sets, policy: { default: { minIssuerSetSize: 3 } } }).wallet;
    expect(await code(() => strict.respond(hidden()))).toBe("ISSUER_SET_TOO_SMALL");
  });

  it("a policy may require the issuer hidden: a request revealing it is not allowed", async () => {
    const { wallet, verifier } = setup({ policy: { verifiers: { [acmeKey.publicKey]: { hideIssuer: true } } } });
    expect(await code(() => wallet.respond(verifier().createRequest({ statement: AGE(18) })))).toBe("REQUEST_NOT_ALLOWED");
    expect(() => setup({ policy: { default: { hideIssuer: "yes" } } as never })).toThrow(/hideIssuer/);
  });
});
