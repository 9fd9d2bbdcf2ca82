/** Caller mistakes throw a MedzkError with a stable code (unlike untrusted input, which never throws). */
import { describe, expect, it } from "vitest";
import { MedzkError, createHolder, createVerifier, generateIssuerKey, issueCredential, prove } from "../../src/index.js";
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
  issueCredential(hospital, { schema, holder: holder.commitment, attributes, now });

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
    await expectCode(() => issueCredential({ privateKey: "zz", publicKey: "" }, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "2000-01-01" } }), "INVALID_KEY");
    const other = generateIssuerKey();
    await expectCode(() => issueCredential({ privateKey: hospital.privateKey, publicKey: other.publicKey }, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "2000-01-01" } }), "INVALID_KEY");
    await expectCode(() => issueCredential(hospital, { schema: "patient-record/v1", holder: "0x12", attributes: { dateOfBirth: "2000-01-01" } }), "INVALID_ARGUMENT");
  });
});

describe("verifier configuration", () => {
  it("rejects bad policies", () => {
    const ok = { trustedIssuers: [hospital.publicKey], scope: "s" };
    expect(() => createVerifier({ ...ok, trustedIssuers: [] })).toThrow(MedzkError);
    for (const [policy, code] of [
      [{ ...ok, trustedIssuers: [] }, "INVALID_ARGUMENT"],
      [{ ...ok, trustedIssuers: ["not-a-key"] }, "INVALID_KEY"],
      [{ ...ok, scope: "" }, "INVALID_ARGUMENT"],
      [{ ...ok, requestTtlSeconds: 0 }, "INVALID_ARGUMENT"],
      [{ ...ok, requestTtlSeconds: 1.5 }, "INVALID_ARGUMENT"],
      [{ ...ok, requestKey: "abcd" }, "INVALID_ARGUMENT"],
    ] as const) {
      try {
        createVerifier(policy as never);
        expect.unreachable();
      } catch (e) {
        expect((e as MedzkError).code).toBe(code);
      }
    }
  });

  it("rejects unknown statements and bad parameters", async () => {
    const v = createVerifier({ trustedIssuers: [hospital.publicKey], scope: "s" });
    await expectCode(() => v.createRequest({ statement: { type: "bloodTypeIs" } as never }), "UNKNOWN_STATEMENT");
    for (const minAge of [-1, 1.5, 256, "18", null]) {
      await expectCode(() => v.createRequest({ statement: { type: "ageAtLeast", minAge } as never }), "INVALID_ARGUMENT");
    }
    await expectCode(() => v.createRequest({ statement: { type: "ageAtLeast", minAge: 18, extra: 1 } as never }), "INVALID_ARGUMENT");
    await expectCode(() => v.createRequest({ statement: { type: "insuranceActive", insurerId: "" } }), "INVALID_ARGUMENT");
  });
});

describe("proving", () => {
  it("refuses the wrong schema, a tampered credential, an expired or malformed request", async () => {
    const world = await makeWorld();
    const clock = fixedClock("2026-06-15T12:00:00Z");
    const v = verifierFor(world, clock);
    const request = v.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
    const now = clock.now();
    await expectCode(() => prove({ credential: world.coverage, holder: world.patient, request, now }), "INVALID_ARGUMENT");
    const tampered = clone(world.record);
    tampered.attributes["dateOfBirth"] = "1990-01-01";
    await expectCode(() => prove({ credential: tampered, holder: world.patient, request, now }), "INVALID_CREDENTIAL");
    const badSig = clone(world.record);
    badSig.signature.S = (BigInt(badSig.signature.S) + 1n).toString();
    await expectCode(() => prove({ credential: badSig, holder: world.patient, request, now }), "INVALID_CREDENTIAL");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request, now: new Date("2026-06-15T12:05:00Z") }), "REQUEST_EXPIRED");
    await expectCode(() => prove({ credential: world.record, holder: world.patient, request: { ...request, asOf: "2026-02-30" }, now }), "INVALID_ARGUMENT");
    await expectCode(() => prove({ credential: world.record, holder: { secret: "0", commitment: "0" }, request, now }), "INVALID_ARGUMENT");
  });
});
