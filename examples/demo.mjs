// End-to-end demo: a hospital issues a patient record (with a revocation registry), an insurer
// issues coverage, the insurer's verifier asks "at least 18 today", "coverage with acme-health
// active today" and a query with a disclosed attribute; the patient's wallet checks who asks and
// whether its policy allows it, then proves; the verifier checks all three, refuses a replay, and
// refuses the record once the hospital revokes it. The wallet's receipts close the demo.
import {
  MemoryIssuerRegistry,
  RevocationRegistry,
  createHolder,
  createVerifier,
  createWallet,
  generateIssuerKey,
  generateVerifierKey,
  issueCredential,
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

// The patient's wallet: trusts Acme Health by its key (for the "claims" purpose only) and lets it
// have coverageEnd disclosed; every other verifier, purpose or disclosure is refused.
const wallet = createWallet({
  holder: patient,
  credentials: [record, coverage],
  trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health", purposes: ["claims"] }],
  policy: { verifiers: { [acmeKey.publicKey]: { disclose: ["coverageEnd"] } } },
  // Only the hospital keeps a revocation registry; the insurer's credentials use the empty root.
  revocation: (credential) => (credential.issuer === record.issuer ? revocations.publish() : undefined),
  clock: () => today,
});

const cases = [
  { type: "ageAtLeast", minAge: 18 },
  { type: "insuranceActive", insurerId: "acme-health" },

    {
      type: "query",
      schema: "insurance-coverage/v1",
      where: [
        { attribute: "coverageEnd", op: "GTE", value: "2026-12-31" },
        { attribute: "coverageStart", op: "LTE", value: "2026-06-15" },
      ],
      disclose: ["coverageEnd"],
    },
];
for (const statement of cases) {
  const request = insurer.createRequest({ statement });
  const presentation = await time(`wallet.respond ${statement.type}`, () => wallet.respond(request));
  const result = await time(`verify ${statement.type}`, () => insurer.verify(presentation));
  console.log(JSON.stringify(result));
  const replay = await insurer.verify(presentation);
  console.log(`replay of the same presentation -> ${replay.ok ? "ACCEPTED (bug!)" : replay.error.code}`);
  if (!result.ok || replay.ok) process.exitCode = 1;
}

revocations.revoke(record.revocationSlot);
issuers.setRevocationRoot("st-mary", revocations.root, today);
const afterRevocation = await wallet
  .respond(insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } }))
  .catch((e) => e.code);
// The wallet refuses a revoked, expired or otherwise unusable record with one code, whatever the
// reason, so its refusal does not tell the verifier which (prove itself says CREDENTIAL_REVOKED).
console.log(`after the hospital revokes the record, proving -> ${afterRevocation}`);
if (afterRevocation !== "NO_MATCHING_CREDENTIAL") process.exitCode = 1;

// A verifier the patient never agreed to: refused before anything is looked at.
const stranger = createVerifier({ issuers, key: generateVerifierKey(), name: "Acme Health", clock: () => today });
const strangerAnswer = await wallet.respond(stranger.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } })).catch((e) => e.code);
console.log(`a verifier outside the trust list (calling itself "Acme Health") -> ${strangerAnswer}`);
if (strangerAnswer !== "UNTRUSTED_VERIFIER") process.exitCode = 1;

console.log("\nthe wallet's receipts (what was shown or refused, to whom, when):");
for (const r of await wallet.receipts()) {
  const what = r.statement?.type === "query" ? `query on ${r.statement.schema}` : JSON.stringify(r.statement);
  console.log(`  ${r.at}  ${(r.verifier?.name ?? r.verifier?.publicKey.slice(0, 16) + "…").padEnd(18)} ${what.padEnd(52)} ${r.outcome === "shown" ? `shown${r.disclosures.length ? ` (disclosed ${r.disclosures.join(", ")})` : ""}` : `refused ${r.code}`}`);
}
