// End-to-end demo: a hospital issues a patient record, an insurer issues coverage, the patient
// proves "at least 18 today" and "coverage with acme-health active today", and the insurer's
// verifier checks both presentations (and refuses a replay).
import { createHolder, createVerifier, generateIssuerKey, issueCredential, prove } from "medzk";

const time = async (label, fn) => {
  const t0 = performance.now();
  const value = await fn();
  console.log(`${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
  return value;
};

const hospital = generateIssuerKey();
const insurerKey = generateIssuerKey();
const patient = createHolder();

const record = await time("issue patient-record/v1", () =>
  issueCredential(hospital, {
    schema: "patient-record/v1",
    holder: patient.commitment,
    attributes: { dateOfBirth: "2000-02-29" },
  }),
);
const coverage = await time("issue insurance-coverage/v1", () =>
  issueCredential(insurerKey, {
    schema: "insurance-coverage/v1",
    holder: patient.commitment,
    attributes: {
      insurerId: "acme-health",
      memberId: "M-0042-7731",
      plan: "gold",
      coverageStart: "2026-01-01",
      coverageEnd: "2026-12-31",
    },
  }),
);

const insurer = createVerifier({
  trustedIssuers: [hospital.publicKey, insurerKey.publicKey],
  scope: "acme-health/claims",
  // A fixed as-of date keeps the demo's coverage window meaningful whenever it runs.
  clock: () => new Date("2026-06-15T12:00:00Z"),
});

for (const statement of [
  { type: "ageAtLeast", minAge: 18 },
  { type: "insuranceActive", insurerId: "acme-health" },
]) {
  const request = insurer.createRequest({ statement });
  const credential = statement.type === "ageAtLeast" ? record : coverage;
  const presentation = await time(`prove ${statement.type}`, () =>
    prove({ credential, holder: patient, request, now: new Date("2026-06-15T12:00:01Z") }),
  );
  const result = await time(`verify ${statement.type}`, () => insurer.verify(presentation));
  console.log(JSON.stringify(result));
  const replay = await insurer.verify(presentation);
  console.log(`replay of the same presentation -> ${replay.ok ? "ACCEPTED (bug!)" : replay.error.code}`);
  if (!result.ok || replay.ok) process.exitCode = 1;
}
