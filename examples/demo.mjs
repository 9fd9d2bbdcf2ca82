// End-to-end demo: a hospital issues a patient record (with a revocation registry), an insurer
// issues coverage, the patient proves "at least 18 today", "coverage with acme-health active
// today" and a query with a disclosed attribute, and the insurer's verifier checks all three,
// refuses a replay, and refuses the record once the hospital revokes it.
import {
  MemoryIssuerRegistry,
  RevocationRegistry,
  createHolder,
  createVerifier,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
  prove,
} from "medzk";

const time = async (label, fn) => {
  const t0 = performance.now();
  const value = await fn();
  console.log(`${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`);
  return value;
};

// A fixed "today" keeps the demo's coverage window meaningful whenever it runs.
const today = new Date("2026-06-15T12:00:00Z");
const hospital = generateIssuerKey();
const insurerKey = generateIssuerKey();
const patient = createHolder();
const revocations = new RevocationRegistry({ issuer: "st-mary", clock: () => today });

const record = await time("issue patient-record/v1", () =>
  issueCredential(hospital, {
    schema: "patient-record/v1",
    holderCommitment: patient.commitment,
    attributes: { dateOfBirth: "2000-02-29" },
    revocation: revocations,
    clock: () => today,
  }),
);
const coverage = await time("issue insurance-coverage/v1", () =>
  issueCredential(insurerKey, {
    schema: "insurance-coverage/v1",
    holderCommitment: patient.commitment,
    attributes: { insurerId: "acme-health", memberId: "M-0042-7731", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
    expiresOn: "2027-01-31",
    clock: () => today,
  }),
);

const issuers = new MemoryIssuerRegistry([
  { id: "st-mary", keys: [{ publicKey: hospital.publicKey }], schemas: ["patient-record/v1"] },
  { id: "acme-health", keys: [{ publicKey: insurerKey.publicKey }], schemas: ["insurance-coverage/v1"] },
]);
issuers.setRevocationRoot("st-mary", revocations.root, today);
// The insurer's signing key: every request is signed with it, and its nullifiers are scoped to it.
const acmeKey = generateVerifierKey();
const insurer = createVerifier({ issuers, key: acmeKey, name: "Acme Health", purpose: "claims", clock: () => today });

const cases = [
  [{ type: "ageAtLeast", minAge: 18 }, record],
  [{ type: "insuranceActive", insurerId: "acme-health" }, coverage],
  [
    {
      type: "query",
      schema: "insurance-coverage/v1",
      where: [
        { attribute: "coverageEnd", op: "GTE", value: "2026-12-31" },
        { attribute: "coverageStart", op: "LTE", value: "2026-06-15" },
      ],
      disclose: ["coverageEnd"],
    },
    coverage,
  ],
];
for (const [statement, credential] of cases) {
  const request = insurer.createRequest({ statement });
  const presentation = await time(`prove ${statement.type}`, () =>
    prove({
      credential,
      holder: patient,
      request,
      // Only the hospital keeps a revocation registry; the insurer's credentials use the empty root.
      revocation: credential === record ? revocations.publish() : undefined,
      allowDisclosure: ["coverageEnd"],
      clock: () => today,
    }),
  );
  const result = await time(`verify ${statement.type}`, () => insurer.verify(presentation));
  console.log(JSON.stringify(result));
  const replay = await insurer.verify(presentation);
  console.log(`replay of the same presentation -> ${replay.ok ? "ACCEPTED (bug!)" : replay.error.code}`);
  if (!result.ok || replay.ok) process.exitCode = 1;
}

revocations.revoke(record.revocationSlot);
issuers.setRevocationRoot("st-mary", revocations.root, today);
const afterRevocation = await prove({
  credential: record,
  holder: patient,
  request: insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }),
  revocation: revocations.publish(),
  clock: () => today,
}).catch((e) => e.code);
console.log(`after the hospital revokes the record, proving -> ${afterRevocation}`);
if (afterRevocation !== "CREDENTIAL_REVOKED") process.exitCode = 1;
