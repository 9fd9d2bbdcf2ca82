// The README's quick start, verbatim (test/e2e/examples.test.ts runs it).
import { generateIssuerKey, generateVerifierKey, issueCredential, createHolder, prove, createVerifier } from "medzk";

const hospital = generateIssuerKey();                  // EdDSA-Poseidon key on BabyJubJub
const acmeKey  = generateVerifierKey();                // the verifier's Ed25519 signing key pair, JSON-safe
const patient  = createHolder();                       // holder secret + public commitment
const record   = await issueCredential(hospital, {
  schema: "patient-record/v1",
  holderCommitment: patient.commitment,
  attributes: { dateOfBirth: "2008-02-29" },
});
const insurer  = createVerifier({ trustedIssuers: [hospital.publicKey], key: acmeKey, name: "Acme Health" });
const request  = insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });   // signed
const presentation = await prove({ credential: record, holder: patient, request });   // checks the signature; JSON-safe
const result   = await insurer.verify(presentation);
console.log(JSON.stringify(result));
