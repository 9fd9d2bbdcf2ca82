/**
 * Credential lifecycle end to end: revocation (current, recent and stale roots), expiry, issuer
 * key rotation and compromise, schema pinning, registry failures, and holder protection.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Credential,
  type IssuerKeyEntry,
  type IssuerRegistry,
  JsonFileIssuerRegistry,
  MedzkError,
  MemoryIssuerRegistry,
  RevocationRegistry,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
} from "../../src/index.js";
import { fixedClock } from "../helpers/fixtures.js";

const NOW = "2026-06-15T12:00:00Z";
const AGE = { type: "ageAtLeast", minAge: 18 } as const;
const hospital = generateIssuerKey();
const patient = createHolder();
const other = createHolder();
let revocations: RevocationRegistry;
let record: Credential;
let otherRecord: Credential;

const issue = (holder = patient, extra: { expiresAt?: string } = {}) =>
  issueCredential(hospital, {
    schema: "patient-record/v1",
    holder: holder.commitment,
    attributes: { dateOfBirth: "1990-04-01" },
    revocation: revocations,
    now: new Date("2026-01-10T00:00:00Z"),
    ...extra,
  });

function registryWith(keys: IssuerKeyEntry[] = [{ publicKey: hospital.publicKey }], schemas?: string[]) {
  const registry = new MemoryIssuerRegistry([{ id: "st-mary", keys, ...(schemas ? { schemas } : {}) }]);
  registry.setRevocationRoot("st-mary", revocations.root, new Date(NOW));
  return registry;
}

const verifierFor = (issuers: IssuerRegistry, clock = fixedClock(NOW), extra = {}) =>
  createVerifier({ issuers, key: generateVerifierKey(), clock: clock.clock, ...extra });

async function presentTo(v: ReturnType<typeof createVerifier>, credential = record, holder = patient, now = new Date(NOW)) {
  const request = v.createRequest({ statement: AGE });
  return prove({ credential, holder, request, revocation: revocations.publish(), now });
}

beforeAll(async () => {
  revocations = new RevocationRegistry({ issuer: "st-mary", now: () => new Date(NOW) });
  record = await issue();
  otherRecord = await issue(other);
  expect([record.revocationSlot, otherRecord.revocationSlot]).toEqual([0, 1]);
});

describe("revocation", () => {
  it("accepts an unrevoked credential against the issuer's current root", async () => {
    const v = verifierFor(registryWith());
    expect(await v.verify(await presentTo(v))).toMatchObject({ ok: true, issuerId: "st-mary" });
  });

  it("a revoked credential cannot be proven; its neighbour still can; the old root goes stale", async () => {
    const before = revocations.publish();
    const registry = registryWith();
    const clock = fixedClock(NOW);
    const v = verifierFor(registry, clock, { maxRootAgeSeconds: 600 });
    // A presentation made against the root before the revocation.
    const early = await prove({ credential: record, holder: patient, request: v.createRequest({ statement: AGE }), revocation: before, now: new Date(NOW) });

    revocations.revoke(record);
    registry.setRevocationRoot("st-mary", revocations.root, new Date(NOW));
    await expect(presentTo(v)).rejects.toMatchObject({ code: "CREDENTIAL_REVOKED" });
    expect(await v.verify(await presentTo(v, otherRecord, other))).toMatchObject({ ok: true });

    // Within maxRootAgeSeconds the replaced root is still accepted (holders who fetched it just
    // before the change); after it, it is refused with its own code.
    clock.advance(601_000);
    const late = verifierFor(registry, clock, { maxRootAgeSeconds: 600 });
    const stale = await prove({ credential: record, holder: patient, request: late.createRequest({ statement: AGE }), revocation: before, now: clock.clock() });
    expect(await late.verify(stale)).toMatchObject({ ok: false, error: { code: "STALE_REVOCATION_ROOT" } });
    expect((await v.verify(early)).ok).toBe(false); // expired request by now on that verifier's clock
  });

  it("refuses a root the issuer never published", async () => {
    const v = verifierFor(registryWith());
    const request = v.createRequest({ statement: AGE });
    // The holder pretends the issuer revoked nothing (the empty root).
    const p = await prove({ credential: otherRecord, holder: other, request, now: new Date(NOW) });
    expect(await v.verify(p)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REVOCATION_ROOT" } });
  });

  it("trustedIssuers keys (no registry) accept only the empty root", async () => {
    const key = generateIssuerKey();
    const credential = await issueCredential(key, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-04-01" }, now: new Date(NOW) });
    const v = createVerifier({ trustedIssuers: [key.publicKey], key: generateVerifierKey(), clock: () => new Date(NOW) });
    const ok = await prove({ credential, holder: patient, request: v.createRequest({ statement: AGE }), now: new Date(NOW) });
    expect((await v.verify(ok)).ok).toBe(true);
    const withRoot = await prove({ credential, holder: patient, request: v.createRequest({ statement: AGE }), revocation: revocations.publish(), now: new Date(NOW) }).catch((e) => e);
    // The holder's slot 0 is revoked in that status, or the root is unknown to the verifier: either way no acceptance.
    if (!(withRoot instanceof Error)) expect((await v.verify(withRoot)).ok).toBe(false);
  });
});

describe("expiry", () => {
  it("proves on the last valid day and refuses the day after", async () => {
    const credential = await issue(patient, { expiresAt: "2026-06-15" });
    const v = verifierFor(registryWith());
    expect((await v.verify(await presentTo(v, credential))).ok).toBe(true);
    const next = fixedClock("2026-06-16T08:00:00Z");
    const v2 = verifierFor(registryWith(), next);
    await expect(presentTo(v2, credential, patient, next.clock())).rejects.toMatchObject({ code: "STATEMENT_NOT_SATISFIED" });
  });
});

describe("issuer keys", () => {
  it("refuses retired and compromised keys and keys outside their validity period", async () => {
    const p = async (keys: IssuerKeyEntry[]) => {
      const v = verifierFor(registryWith(keys));
      return v.verify(await presentTo(v, otherRecord, other));
    };
    expect(await p([{ publicKey: hospital.publicKey, status: "retired" }])).toMatchObject({ error: { code: "ISSUER_KEY_RETIRED" } });
    expect(await p([{ publicKey: hospital.publicKey, status: "compromised" }])).toMatchObject({ error: { code: "ISSUER_KEY_COMPROMISED" } });
    expect(await p([{ publicKey: hospital.publicKey, validUntil: "2026-06-14" }])).toMatchObject({ error: { code: "ISSUER_KEY_NOT_VALID" } });
    expect(await p([{ publicKey: hospital.publicKey, validFrom: "2026-06-16" }])).toMatchObject({ error: { code: "ISSUER_KEY_NOT_VALID" } });
    expect(await p([{ publicKey: hospital.publicKey, validFrom: "2026-06-15", validUntil: "2026-06-15" }])).toMatchObject({ ok: true });
  });

  it("after a rotation the new key is accepted and the retired one refused", async () => {
    const next = generateIssuerKey();
    const registry = registryWith([{ publicKey: hospital.publicKey }]);
    registry.addKey("st-mary", { publicKey: next.publicKey, validFrom: "2026-06-01" });
    registry.setKeyStatus(hospital.publicKey, "retired");
    const v = verifierFor(registry);
    expect(await v.verify(await presentTo(v, otherRecord, other))).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_RETIRED" } });
    const fresh = await issueCredential(next, { schema: "patient-record/v1", holder: other.commitment, attributes: { dateOfBirth: "1990-04-01" }, revocation: revocations, now: new Date(NOW) });
    expect(await v.verify(await presentTo(v, fresh, other))).toMatchObject({ ok: true, issuerId: "st-mary", issuer: next.publicKey });
  });

  it("refuses a schema the issuer is not pinned to issue", async () => {
    const v = verifierFor(registryWith(undefined, ["insurance-coverage/v1"]));
    expect(await v.verify(await presentTo(v, otherRecord, other))).toMatchObject({ ok: false, error: { code: "SCHEMA_NOT_ALLOWED" } });
  });

  it("fails closed when the registry cannot be read", async () => {
    const broken: IssuerRegistry = { lookupKey: () => Promise.reject(new Error("ECONNRESET")), revocationRoots: () => Promise.reject(new Error("x")) };
    const v = verifierFor(broken);
    expect(await v.verify(await presentTo(v, otherRecord, other))).toMatchObject({ ok: false, error: { code: "REGISTRY_UNAVAILABLE" } });
  });

  it("reads issuers and roots from a JSON file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-issuers-"));
    const file = join(dir, "issuers.json");
    await writeFile(file, JSON.stringify({
      format: "medzk-issuers/v1",
      issuers: [{ id: "st-mary", keys: [{ publicKey: hospital.publicKey }] }],
      revocation: { "st-mary": { current: revocations.root, previous: [] } },
    }));
    const v = verifierFor(new JsonFileIssuerRegistry(file));
    expect(await v.verify(await presentTo(v, otherRecord, other))).toMatchObject({ ok: true, issuerId: "st-mary" });
  });
});

describe("holder protection", () => {
  it("refuses requests whose as-of date is not within a day of the holder's clock", async () => {
    const v = verifierFor(registryWith(), fixedClock("2026-06-20T12:00:00Z"));
    const request = v.createRequest({ statement: AGE });
    await expect(prove({ credential: otherRecord, holder: other, request, revocation: revocations.publish(), now: new Date("2026-06-15T12:00:00Z") })).rejects.toMatchObject({ code: "REQUEST_REFUSED" });
    // One day either side is fine (time zones, midnight).
    const request2 = verifierFor(registryWith(), fixedClock("2026-06-16T00:30:00Z")).createRequest({ statement: AGE });
    await expect(buildable(request2, new Date("2026-06-15T23:00:00Z"))).resolves.toBe(true);
  });
});

async function buildable(request: unknown, now: Date): Promise<boolean> {
  const { buildCircuitInput } = await import("../../src/index.js");
  await buildCircuitInput({ credential: otherRecord, holder: other, request, revocation: revocations.publish(), now });
  return true;
}

describe("the trust rule: a key is trusted through trustedIssuers or the registry, never both", () => {
  const both = (issuers: IssuerRegistry, clock = fixedClock(NOW)) =>
    createVerifier({ issuers, trustedIssuers: [hospital.publicKey], key: generateVerifierKey(), clock: clock.clock });

  it("refuses at construction a compromised registry key also listed in trustedIssuers (the bypass that accepted a revoked credential)", async () => {
    const revoked = await issue(patient);
    revocations.revoke(revoked);
    const registry = registryWith([{ publicKey: hospital.publicKey, status: "compromised" }]);
    registry.setRevocationRoot("st-mary", revocations.root, new Date(NOW));
    let thrown: unknown;
    try {
      both(registry);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MedzkError);
    expect(thrown).toMatchObject({ code: "TRUST_CONFLICT", message: expect.stringContaining(hospital.publicKey) });
    // The presentation that bypass accepted: the revoked credential proven against the empty root.
    const v = verifierFor(registry);
    const p = await prove({ credential: revoked, holder: patient, request: v.createRequest({ statement: AGE }), now: new Date(NOW) });
    expect(await v.verify(p)).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_COMPROMISED" } });
    const key = generateVerifierKey();
    const listedOnly = createVerifier({ trustedIssuers: [hospital.publicKey], key, clock: () => new Date(NOW) });
    expect(listedOnly.scope).toBe(`medzk-verifier:${key.publicKey}`); // one source alone is fine
  });

  it("refuses the same conflict with a registry file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-issuers-"));
    const file = join(dir, "issuers.json");
    await writeFile(file, JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey: hospital.publicKey }] }] }));
    expect(() => both(new JsonFileIssuerRegistry(file))).toThrow(expect.objectContaining({ code: "TRUST_CONFLICT" }));
  });

  it("refuses at verify time a conflict construction could not see: a custom registry, a key added later", async () => {
    const inner = registryWith();
    // No holdsKey: the registry can only answer asynchronously.
    const remote: IssuerRegistry = { lookupKey: (key) => inner.lookupKey(key), revocationRoots: (id) => inner.revocationRoots(id) };
    const v1 = both(remote);
    expect(await v1.verify(await presentTo(v1, otherRecord, other))).toMatchObject({ ok: false, error: { code: "UNTRUSTED_ISSUER", message: expect.stringMatching(/both in trustedIssuers/) } });

    const later = new MemoryIssuerRegistry([{ id: "elsewhere", keys: [{ publicKey: generateIssuerKey().publicKey }] }]);
    const v2 = both(later);
    const listed = await issueCredential(hospital, { schema: "patient-record/v1", holder: other.commitment, attributes: { dateOfBirth: "1990-04-01" }, now: new Date(NOW) });
    const answer = () => prove({ credential: listed, holder: other, request: v2.createRequest({ statement: AGE }), now: new Date(NOW) });
    expect(await v2.verify(await answer())).toMatchObject({ ok: true, issuerId: hospital.publicKey });
    later.addIssuer({ id: "st-mary", keys: [{ publicKey: hospital.publicKey }] });
    expect(await v2.verify(await answer())).toMatchObject({ ok: false, error: { code: "UNTRUSTED_ISSUER" } });
  });
});
