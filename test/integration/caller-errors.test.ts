/** Caller mistakes throw a MedzkError with a stable code (unlike untrusted input, which never throws). */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MedzkError, type VerifierPolicy, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "../../src/index.js";
import { loadServiceConfig } from "../../src/server.js";
import { clone, fixedClock, makeWorld, verifierFor } from "../helpers/fixtures.js";

const expectCode = async (f: () => unknown, code: string) => {
  let thrown: unknown;
  try {
    await f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(MedzkError);
  expect((thrown as MedzkError).code).toBe(code);
};

const hospital = generateIssuerKey();
const holder = createHolder();
const issue = (attributes: Record<string, string>, schema = "patient-record/v1", now = new Date("2026-06-15T00:00:00Z")) =>
  issueCredential(hospital, { schema, holderCommitment: holder.commitment, attributes, clock: () => now });

describe("issuing", () => {
  it("rejects calendar-invalid and future dates before hashing", async () => {
    await expectCode(() => issue({ dateOfBirth: "2023-02-30" }), "INVALID_DATE");
    await expectCode(() => issue({ dateOfBirth: "2023-02-29" }), "INVALID_DATE");
    await expectCode(() => issue({ dateOfBirth: "15/06/2008" }), "INVALID_DATE");
    await expectCode(() => issue({ dateOfBirth: "2026-06-16" }), "INVALID_ATTRIBUTE");
    await expect(issue({ dateOfBirth: "2026-06-15" })).resolves.toMatchObject({ attributes: { dateOfBirth: "2026-06-15" } });
  });

  it("rejects missing, extra and mistyped attributes and unknown schemas", async () => {
    await expectCode(() => issue({}), "INVALID_ATTRIBUTE");
    await expectCode(() => issue({ dateOfBirth: "2000-01-01", bloodType: "A+" }), "INVALID_ATTRIBUTE");
    await expectCode(() => issue({ dateOfBirth: 20000101 as unknown as string }), "INVALID_DATE");
    await expectCode(() => issue({ dateOfBirth: "2000-01-01" }, "patient-record/v9"), "UNKNOWN_SCHEMA");
    const coverage = { insurerId: "acme", memberId: "m", plan: "gold", coverageStart: "2026-12-31", coverageEnd: "2026-01-01" };
    await expectCode(() => issue(coverage, "insurance-coverage/v1"), "INVALID_ATTRIBUTE");
    await expectCode(() => issue({ ...coverage, coverageStart: "2026-01-01", insurerId: "" }, "insurance-coverage/v1"), "INVALID_ATTRIBUTE");
  });

  it("rejects bad keys and holders", async () => {
    const attributes = { dateOfBirth: "2000-01-01" };
    await expectCode(() => issueCredential({ privateKey: "zz", publicKey: "" }, { schema: "patient-record/v1", holderCommitment: holder.commitment, attributes }), "INVALID_KEY");
    const other = generateIssuerKey();
    await expectCode(() => issueCredential({ privateKey: hospital.privateKey, publicKey: other.publicKey }, { schema: "patient-record/v1", holderCommitment: holder.commitment, attributes }), "INVALID_KEY");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", holderCommitment: "0x12", attributes }), "INVALID_ARGUMENT");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", attributes }), "INVALID_ARGUMENT");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", holderCommitment: holder.commitment, holder: holder.commitment, attributes }), "INVALID_ARGUMENT");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", holderCommitment: holder.commitment, attributes, expiresOn: "2000-01-01" }), "INVALID_DATE");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", holderCommitment: holder.commitment, attributes, clock: () => new Date(Number.NaN) }), "INVALID_ARGUMENT");
  });

  it("still takes the deprecated holder, expiresAt and now spellings", async () => {
    const now = new Date("2026-06-15T00:00:00Z");
    const credential = await issueCredential(hospital, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "2000-01-01" }, expiresAt: "2030-01-01", now });
    expect(credential).toMatchObject({ holder: holder.commitment, expiresAt: "2030-01-01", issuedAt: "2026-06-15" });
  });
});

describe("verifier configuration", () => {
  it("rejects bad policies", () => {
    const ok = { trustedIssuers: [hospital.publicKey], key: generateVerifierKey() };
    const other = generateVerifierKey();
    expect(() => createVerifier({ ...ok, trustedIssuers: [] })).toThrow(MedzkError);
    const cases: Array<[VerifierPolicy, string]> = [
      [{ ...ok, trustedIssuers: [] }, "INVALID_ARGUMENT"],
      [{ ...ok, trustedIssuers: ["not-a-key"] }, "INVALID_KEY"],
      [{ ...ok, key: undefined as never }, "INVALID_KEY"],
      [{ ...ok, key: { ...ok.key, publicKey: other.publicKey } }, "INVALID_KEY"],
      [{ ...ok, key: { privateKey: "ab", publicKey: other.publicKey } }, "INVALID_KEY"],
      [{ ...ok, purpose: "" }, "INVALID_ARGUMENT"],
      [{ ...ok, purpose: "claims/2026" }, "INVALID_ARGUMENT"],
      [{ ...ok, purpose: "x".repeat(65) }, "INVALID_ARGUMENT"],
      [{ ...ok, responseUrl: "http://insurer.example/answers" }, "INVALID_ARGUMENT"],
      [{ ...ok, responseUrl: "/answers" }, "INVALID_ARGUMENT"],
      [{ ...ok, name: "" }, "INVALID_ARGUMENT"],
      [{ ...ok, requestTtlSeconds: 0 }, "INVALID_ARGUMENT"],
      [{ ...ok, requestTtlSeconds: 1.5 }, "INVALID_ARGUMENT"],
      // The 0.1 options: a free scope is what let one verifier take another's nullifiers.
      [{ ...ok, scope: "acme-health/claims" } as VerifierPolicy, "INVALID_ARGUMENT"],
      [{ ...ok, requestKey: "ab".repeat(32) } as VerifierPolicy, "INVALID_ARGUMENT"],
    ];
    for (const [policy, code] of cases) {
      try {
        createVerifier(policy);
        expect.unreachable();
      } catch (e) {
        expect((e as MedzkError).code).toBe(code);
      }
    }
  });

  it("rejects unknown statements and bad parameters", async () => {
    const v = createVerifier({ trustedIssuers: [hospital.publicKey], key: generateVerifierKey() });
    await expectCode(() => v.createRequest({ statement: { type: "bloodTypeIs" } }), "UNKNOWN_STATEMENT");
    for (const minAge of [-1, 1.5, 256, "18", null]) {
      await expectCode(() => v.createRequest({ statement: { type: "ageAtLeast", minAge } }), "INVALID_STATEMENT");
    }
    await expectCode(() => v.createRequest({ statement: { type: "ageAtLeast", minAge: 18, extra: 1 } }), "INVALID_STATEMENT");
    await expectCode(() => v.createRequest({ statement: { type: "insuranceActive", insurerId: "" } }), "INVALID_STATEMENT");
  });
});

describe("proving", () => {
  it("refuses the wrong schema, a tampered credential, an expired or malformed request", async () => {
    const world = await makeWorld();
    const clock = fixedClock("2026-06-15T12:00:00Z");
    const v = verifierFor(world, clock);
    const request = v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    const now = clock.now();
    await expectCode(() => prove({ credential: world.coverage, holder: world.patient, request, clock: () => now }), "INVALID_ARGUMENT");
    const tampered = clone(world.record);
    tampered.attributes["dateOfBirth"] = "1990-01-01";
    await expectCode(() => prove({ credential: tampered, holder: world.patient, request, now }), "INVALID_CREDENTIAL");
    const badSig = clone(world.record);
    badSig.signature.S = (BigInt(badSig.signature.S) + 1n).toString();
    await expectCode(() => prove({ credential: badSig, holder: world.patient, request, now }), "INVALID_CREDENTIAL");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request, now: new Date("2026-06-15T12:05:00Z") }), "REQUEST_EXPIRED");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request: { ...request, asOf: "2026-02-30" }, now }), "INVALID_REQUEST");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request: { ...request, extra: 1 }, now }), "INVALID_REQUEST");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request, now, clock: () => now }), "INVALID_ARGUMENT");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request, now, revocation: JSON.parse(`{ "format": "medzk-revocation/v1" }`) }), "INVALID_REVOCATION_STATUS");
    await expectCode(() => prove({ credential: world.record, holder: { secret: "0", commitment: "0" }, request, now }), "INVALID_ARGUMENT");
  });
});

describe("service configuration", () => {
  it("refuses a key both in trustedIssuers and in the issuer registry file (TRUST_CONFLICT, naming the key)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-trust-"));
    const registered = generateIssuerKey().publicKey;
    await writeFile(
      join(dir, "issuers.json"),
      JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey: registered, status: "compromised" }] }] }),
    );
    await writeFile(join(dir, "both.json"), JSON.stringify({ signingKey: { hex: generateVerifierKey().privateKey }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, issuersFile: "issuers.json", trustedIssuers: [hospital.publicKey, registered] }));
    await expect(loadServiceConfig(join(dir, "both.json"))).rejects.toMatchObject({ code: "TRUST_CONFLICT", message: expect.stringContaining(registered) });
    await writeFile(join(dir, "apart.json"), JSON.stringify({ signingKey: { hex: generateVerifierKey().privateKey }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, issuersFile: "issuers.json", trustedIssuers: [hospital.publicKey] }));
    await expect(loadServiceConfig(join(dir, "apart.json"))).resolves.toMatchObject({ trustedIssuers: [hospital.publicKey] });
  });
});
