// `npm run demo:fhir`: records a hospital already holds become proofs (docs/fhir.md).
//
// In: a FHIR R4 Bundle from the hospital's EHR (a Patient, the insurer's Coverage, an
// Immunization), and one SMART Health Card, the specification's example 00 (a .smart-health-card
// file holding COVID-19 immunizations, test/fixtures/shc/, signed by the spec's example issuer).
// The hospital issues credentials from the FHIR resources (issueFromFhir), and acts as bridge
// issuer for the card: it verifies the card against the card issuers it trusts and issues its
// immunizations, sealed to the patient (issueFromSmartHealthCard).
// Out: three proofs a verifier accepts: "at least 18" (from the Patient), "coverage active with
// the insurer" (from the Coverage), and "immunized against COVID-19 at least 14 days before
// today" (from the card), none showing the record itself.
import { readFileSync } from "node:fs";
import {
  MemoryIssuerRegistry,
  createHolder,
  createVerifier,
  createWallet,
  generateIssuerKey,
  generateVerifierKey,
  holderEncryptionKey,
  issueFromFhir,
  issueFromSmartHealthCard,
} from "medzk";
import { exampleCardIssuers } from "./wallet/serve.mjs";

// A fixed "today" keeps the coverage period meaningful whenever the demo runs.
const today = new Date("2026-06-15T12:00:00Z");
const clock = () => today;
const hospital = generateIssuerKey();
const insurer = generateIssuerKey();
const patient = createHolder();
const INSURER = "http://example.org/insurers|acme-health";

// The hospital's EHR, as FHIR R4 JSON: the patient and an immunization.
const PATIENT = "urn:uuid:0c7b7b2e-8c57-4a5e-9b0c-5d1b7f1d1a01";
const ehr = {
  resourceType: "Bundle",
  type: "collection",
  entry: [
    { fullUrl: PATIENT, resource: { resourceType: "Patient", id: "p1", name: [{ family: "Anyperson", given: ["John"] }], birthDate: "1951-01-20" } },
    {
      fullUrl: "urn:uuid:0c7b7b2e-8c57-4a5e-9b0c-5d1b7f1d1a03",
      resource: {
        resourceType: "Immunization",
        id: "i1",
        status: "completed",
        vaccineCode: { coding: [{ system: "http://hl7.org/fhir/sid/cvx", code: "141", display: "Influenza, seasonal, injectable" }] },
        patient: { reference: PATIENT },
        occurrenceDateTime: "2025-10-02T09:30:00Z",
        protocolApplied: [{ doseNumberPositiveInt: 1 }],
      },
    },
  ],
};
// The insurer's system, as a FHIR R4 Coverage.
const coverage = {
  resourceType: "Coverage",
  id: "c1",
  status: "active",
  beneficiary: { reference: "Patient/p1" },
  subscriberId: "M-0042-7731",
  payor: [{ identifier: { system: "http://example.org/insurers", value: "acme-health" } }],
  class: [{ type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/coverage-class", code: "plan" }] }, value: "gold" }],
  period: { start: "2026-01-01", end: "2026-12-31" },
};

const fromEhr = [
  ...(await issueFromFhir(hospital, ehr, { holderCommitment: patient.commitment, clock })),
  ...(await issueFromFhir(insurer, coverage, { holderCommitment: patient.commitment, clock })),
];
console.log(`issueFromFhir: ${fromEhr.map((c) => `${c.source.resource} -> ${c.credential.schema.id}`).join(", ")}`);

// The patient hands the hospital a SMART Health Card; the hospital verifies it against the card
// issuers it trusts and issues its records, sealed to the patient's encryption key.
const card = readFileSync(new URL("../test/fixtures/shc/example-00-e-file.smart-health-card", import.meta.url), "utf8");
const bridged = await issueFromSmartHealthCard(hospital, card, {
  holderCommitment: patient.commitment,
  holderEncryptionKey: holderEncryptionKey(patient),
  trustedIssuers: exampleCardIssuers(),
  clock,
});
if (!bridged.ok) throw new Error(`the card was refused: ${bridged.error.code} ${bridged.error.message}`);
const [shc] = bridged.cards;
console.log(`SMART Health Card from ${shc.issuer.name} (kid ${shc.kid}, JWS sha256 ${shc.jwsSha256.slice(0, 16)}…) verified`);
for (const { source, credential } of bridged.issued) console.log(`  bridged ${source.element} -> ${credential.schema.id}, sealed to the patient`);
for (const left of bridged.leftOut) console.log(`  left out ${left.element}: ${left.code} (${left.message})`);

const verifierKey = generateVerifierKey();
const wallet = createWallet({
  holder: patient,
  credentials: fromEhr.map((c) => c.credential),
  trustedVerifiers: [{ publicKey: verifierKey.publicKey, name: "City School" }],
  clock,
});
for (const { envelope } of bridged.issued) await wallet.receive(envelope);

// The verifier trusts the hospital for the records it issues (from its EHR and as the card's
// bridge alike) and the insurer for coverage; it never sees the card or its issuer.
const issuers = new MemoryIssuerRegistry([
  { id: "st-mary", keys: [{ publicKey: hospital.publicKey }], schemas: ["patient-record/v1", "immunization/v1"] },
  { id: "acme-health", keys: [{ publicKey: insurer.publicKey }], schemas: ["insurance-coverage/v1"] },
]);
const verifier = createVerifier({ issuers, key: verifierKey, name: "City School", clock });

const statements = [
  { type: "ageAtLeast", minAge: 18 },
  { type: "insuranceActive", insurerId: INSURER },
  {
    type: "query",
    schema: "immunization/v1",
    where: [
      { attribute: "vaccineGroup", op: "EQ", value: "covid19" },
      { attribute: "occurrenceDate", op: "LTE", value: { daysBeforeAsOf: 14 } },
    ],
  },
];
for (const statement of statements) {
  const t0 = performance.now();
  const presentation = await wallet.respond(verifier.createRequest({ statement }));
  const result = await verifier.verify(presentation);
  console.log(`${statement.type === "query" ? "immunized against covid19, >= 14 days ago" : statement.type}: ${result.ok ? "verified" : `REFUSED ${result.error.code}`} (${(performance.now() - t0).toFixed(0)} ms)`);
  if (!result.ok) process.exitCode = 1;
}
