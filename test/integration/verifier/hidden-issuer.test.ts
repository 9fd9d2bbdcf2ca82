/**
 * The issuer hidden among the verifier's trusted set, end to end: the verifier builds its set
 * from its issuer registry, names its root in a signed request, the holder proves with the
 * published set (age_at_least_hidden, insurance_active_hidden, query_hidden), and the verifier
 * accepts the set it expects, never one the presentation chooses. The presentation carries no
 * per-issuer value; the result names the set, not the issuer. Key compromise and a new revocation
 * root change the set; a replaced set stays acceptable only as long as a replaced revocation
 * root would (and not at all once one of its keys is withdrawn).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type IssuerSet, parseIssuerSet } from "../../../src/core/issuer-set.js";
import { unpackPublicKey } from "../../../src/core/public-key.js";
import { BUILTIN_SCHEMAS, schemaIdField } from "../../../src/core/schemas.js";
import {
  type Credential,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  MemoryIssuerRegistry,
  type Presentation,
  prove,
  RevocationRegistry,
  type Statement,
} from "../../../src/index.js";
import { clone, fixedClock } from "../../helpers/fixtures.js";

const NOW = "2026-06-15T12:00:00Z";
const AGE = { type: "ageAtLeast", minAge: 18 } as const;
const INSURED = { type: "insuranceActive", insurerId: "acme-health" } as const;
const QUERY: Statement = { type: "query", schema: "patient-record/v1", where: [{ attribute: "dateOfBirth", op: "LTE", value: "2008-06-15" }] };

const clinic = generateIssuerKey(); // its name alone would reveal a diagnosis
const hospital = generateIssuerKey();
const insurer = generateIssuerKey();
const patient = createHolder();
let revocations: RevocationRegistry;
let record: Credential;
let coverage: Credential;

function registry(): MemoryIssuerRegistry {
  const r = new MemoryIssuerRegistry([
    { id: "clinic", keys: [{ publicKey: clinic.publicKey }], schemas: ["patient-record/v1"] },
    { id: "hospital", keys: [{ publicKey: hospital.publicKey }] },
    { id: "insurer", keys: [{ publicKey: insurer.publicKey }], schemas: ["insurance-coverage/v1"] },
  ]);
  r.setRevocationRoot("clinic", revocations.root, new Date(NOW));
  return r;
}

const verifierOn = (issuers: MemoryIssuerRegistry, clock = fixedClock(NOW), extra = {}) =>
  createVerifier({ issuers, key: generateVerifierKey(), clock: clock.clock, ...extra });

/** A hidden-issuer request for `statement` on `v`, and the set it names. */
async function hiddenRequest(v: ReturnType<typeof createVerifier>, statement: Statement) {
  const { request, issuerSet: set } = await v.createHiddenRequest({ statement });
  return { set, request };
}

async function presentHidden(v: ReturnType<typeof createVerifier>, statement: Statement, credential = record, now = new Date(NOW)) {
  const { set, request } = await hiddenRequest(v, statement);
  const revocation = credential === record ? revocations.publish() : undefined;
  // The set travels as JSON, like a revocation status.
  const presentation = await prove({ credential, holder: patient, request, issuerSet: clone(set), now, ...(revocation ? { revocation } : {}), allowDisclosure: [] });
  return { set, request, presentation };
}

beforeAll(async () => {
  revocations = new RevocationRegistry({ issuer: "clinic", now: () => new Date(NOW) });
  record = await issueCredential(clinic, {
    schema: "patient-record/v1",
    holder: patient.commitment,
    attributes: { dateOfBirth: "1990-04-01" },
    revocation: revocations,
    now: new Date("2026-01-10T00:00:00Z"),
  });
  await issueCredential(clinic, { schema: "patient-record/v1", holder: createHolder().commitment, attributes: { dateOfBirth: "1980-01-01" }, revocation: revocations, now: new Date("2026-01-10T00:00:00Z") });
  revocations.revoke(1); // another patient's credential: the clinic's root is not the empty one
  coverage = await issueCredential(insurer, {
    schema: "insurance-coverage/v1",
    holder: patient.commitment,
    attributes: { insurerId: "acme-health", memberId: "M-1", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
    now: new Date("2026-01-10T00:00:00Z"),
  });
});

describe("hidden issuer: honest presentations", () => {
  let v: ReturnType<typeof createVerifier>;
  let age: { set: IssuerSet; presentation: Presentation };
  beforeAll(async () => {
    v = verifierOn(registry());
    age = await presentHidden(v, AGE);
  });

  it("verifies; the result names the set's root and neither the issuer key nor its id", async () => {
    const result = await v.verify(age.presentation);
    expect(result).toMatchObject({ ok: true, statement: AGE, issuerSet: age.set.root });
    expect(result.ok && (Object.hasOwn(result, "issuer") || Object.hasOwn(result, "issuerId"))).toBe(false);
    expect(age.presentation.request.issuerSet).toBe(age.set.root);
    expect(parseIssuerSet(age.set).members.length).toBe(2); // clinic and hospital for patient records
  });

  it("the serialized presentation contains no issuer key, coordinate, revocation root, schema leaf or other per-issuer value", () => {
    const json = JSON.stringify(age.presentation);
    const { x, y } = unpackPublicKey(clinic.publicKey);
    const member = age.set.members.find((m) => m.publicKey === clinic.publicKey)!;
    for (const value of [clinic.publicKey, x.toString(), y.toString(), revocations.root, member.revocationRoot, "clinic"]) {
      expect(json.includes(value), value).toBe(false);
    }
    // And the public signals are exactly: nullifier, set root, as-of date, minAge, challenge, scope.
    expect(age.presentation.publicSignals).toHaveLength(6);
    expect(age.presentation.publicSignals[1]).toBe(age.set.root);
  });

  it("a credential from another trusted issuer gives the same public shape (nothing tells the two apart but the proof's randomness)", async () => {
    const other = await issueCredential(hospital, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-04-01" }, now: new Date("2026-01-10T00:00:00Z") });
    const { request, set } = await hiddenRequest(v, AGE);
    const p = await prove({ credential: other, holder: patient, request, issuerSet: set, now: new Date(NOW) });
    const result = await v.verify(p);
    expect(result).toMatchObject({ ok: true, issuerSet: set.root });
    // Same nullifier (same holder and scope), same set root: the issuer is not in the signals.
    expect(p.publicSignals.slice(0, 2)).toEqual(age.presentation.publicSignals.slice(0, 2));
  });

  it("insuranceActive and query verify in hidden mode; query still discloses only what it asks", async () => {
    const insured = await presentHidden(v, INSURED, coverage);
    expect(await v.verify(insured.presentation)).toMatchObject({ ok: true, statement: INSURED, issuerSet: insured.set.root });
    expect(insured.set.root).not.toBe(age.set.root); // one set per schema
    const query = await presentHidden(v, QUERY);
    expect(await v.verify(query.presentation)).toMatchObject({ ok: true, issuerSet: query.set.root });
    expect(query.presentation.publicSignals).toHaveLength(9); // query_hidden: its predicates are private behind queryHash
    expect(JSON.stringify(query.presentation).includes(clinic.publicKey)).toBe(false);
  });

  it("verifyBatch mixes hidden and key-mode presentations, each checked under its own circuit", async () => {
    const keyMode = await prove({ credential: record, holder: patient, request: v.createRequest({ statement: AGE }), revocation: revocations.publish(), now: new Date(NOW) });
    const hidden = (await presentHidden(v, AGE)).presentation;
    const results = await v.verifyBatch([keyMode, hidden]);
    expect(results[0]).toMatchObject({ ok: true, issuer: clinic.publicKey, issuerId: "clinic" });
    expect(results[1]).toMatchObject({ ok: true });
    expect(results[1]!.ok && results[1]!.issuer).toBe(undefined);
  });
});

describe("hidden issuer: the verifier compares the set root with its own", () => {
  it("a proof whose issuerSetRoot signal differs from the request's is refused (ISSUER_SET_MISMATCH)", async () => {
    const v = verifierOn(registry());
    const { presentation } = await presentHidden(v, AGE);
    const tampered = clone(presentation);
    tampered.publicSignals[1] = "1";
    expect(await v.verify(tampered)).toMatchObject({ ok: false, error: { code: "ISSUER_SET_MISMATCH" } });
  });

  it("a request whose issuerSet was swapped or stripped is not the verifier's (UNKNOWN_REQUEST)", async () => {
    const v = verifierOn(registry());
    const { presentation } = await presentHidden(v, AGE);
    const swapped = clone(presentation);
    swapped.request.issuerSet = "12345";
    swapped.publicSignals[1] = "12345";
    expect(await v.verify(swapped)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
    const stripped = clone(presentation);
    delete stripped.request.issuerSet;
    expect(await v.verify(stripped)).toMatchObject({ ok: false, error: { code: "UNKNOWN_REQUEST" } });
  });

  it("a set built by a holder (its own attacker key in it) is never accepted: the request fixes the root", async () => {
    const v = verifierOn(registry());
    const attacker = generateIssuerKey();
    const forged = await issueCredential(attacker, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-04-01" }, now: new Date(NOW) });
    const { request, set } = await hiddenRequest(v, AGE);
    // The attacker's key is not in the verifier's set: the holder side refuses to prove.
    await expect(prove({ credential: forged, holder: patient, request, issuerSet: set, now: new Date(NOW) })).rejects.toMatchObject({ code: "ISSUER_NOT_IN_SET" });
    // A set document of another root than the request's is refused before proving.
    const own = await verifierOn(new MemoryIssuerRegistry([{ id: "evil", keys: [{ publicKey: attacker.publicKey }] }])).issuerSet({ statement: AGE });
    await expect(prove({ credential: forged, holder: patient, request, issuerSet: own, now: new Date(NOW) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    // And a hidden request needs the set at all.
    await expect(prove({ credential: record, holder: patient, request, revocation: revocations.publish(), now: new Date(NOW) })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("hidden issuer: the set changes with the registry", () => {
  it("a compromised key: its holders cannot prove under the new set, and presentations under the old set are refused at once", async () => {
    const r = registry();
    const v = verifierOn(r);
    const { presentation, set } = await presentHidden(v, AGE);
    r.setKeyStatus(clinic.publicKey, "compromised");
    expect(await v.verify(presentation)).toMatchObject({ ok: false, error: { code: "STALE_ISSUER_SET" } });
    const { request, issuerSet: next } = await v.createHiddenRequest({ statement: AGE });
    expect(next.root).not.toBe(set.root);
    expect(next.members.map((m) => m.publicKey)).not.toContain(clinic.publicKey);
    await expect(prove({ credential: record, holder: patient, request, issuerSet: next, revocation: revocations.publish(), now: new Date(NOW) })).rejects.toMatchObject({ code: "ISSUER_NOT_IN_SET" });
  });

  it("a new revocation root: the old set stays acceptable for maxRootAgeSeconds, then STALE_ISSUER_SET; the revoked holder cannot prove under the new set", async () => {
    const local = new RevocationRegistry({ issuer: "clinic-2", now: () => new Date(NOW) });
    const key = generateIssuerKey();
    const credential = await issueCredential(key, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-04-01" }, revocation: local, now: new Date(NOW) });
    const r = new MemoryIssuerRegistry([{ id: "clinic-2", keys: [{ publicKey: key.publicKey }] }]);
    r.setRevocationRoot("clinic-2", local.root, new Date(NOW));
    const clock = fixedClock(NOW);
    const v = verifierOn(r, clock, { maxRootAgeSeconds: 600, requestTtlSeconds: 3600 });
    // Two presentations made before the change, each for its own request under the current set.
    const set = await v.issuerSet({ statement: AGE });
    const proveEarly = async () => {
      const { request, issuerSet } = await v.createHiddenRequest({ statement: AGE });
      expect(issuerSet.root).toBe(set.root);
      return prove({ credential, holder: patient, request, issuerSet, revocation: local.publish(), now: new Date(NOW) });
    };
    const [first, second] = [await proveEarly(), await proveEarly()];

    local.revoke(credential);
    r.setRevocationRoot("clinic-2", local.root, new Date(NOW));
    // New requests name only the current set.
    const { request: fresh, issuerSet: next } = await v.createHiddenRequest({ statement: AGE });
    expect(next.root).not.toBe(set.root);
    // The revoked holder cannot prove under the new set (its status now revokes the slot).
    await expect(prove({ credential, holder: patient, request: fresh, issuerSet: next, revocation: local.publish(), now: new Date(NOW) })).rejects.toMatchObject({ code: "CREDENTIAL_REVOKED" });
    // Presentations made just before the change: accepted while the old set is recent, then refused.
    clock.advance(599_000);
    expect(await v.verify(first)).toMatchObject({ ok: true, issuerSet: set.root });
    clock.advance(1_000);
    expect(await v.verify(second)).toMatchObject({ ok: false, error: { code: "STALE_ISSUER_SET" } });
  });
});

describe("hidden issuer: schema binding", () => {
  it("the clinic (pinned to patient records) is not in the insurance set: its set excludes schema-less keys' other schemas only by pins", async () => {
    const v = verifierOn(registry());
    const insured = await v.issuerSet({ statement: INSURED });
    const ids = insured.members.map((m) => m.publicKey);
    expect(ids).toContain(insurer.publicKey);
    expect(ids).toContain(hospital.publicKey); // no pins: any schema
    expect(ids).not.toContain(clinic.publicKey);
    expect(insured.members.every((m) => m.schemaId === schemaIdField(BUILTIN_SCHEMAS["insurance-coverage/v1"]!).toString())).toBe(true);
  });
});
