// The README's quick start, verbatim (test/e2e/examples.test.ts runs it).
import { generateIssuerKey, generateVerifierKey, issueCredential, createHolder, createVerifier, createWallet } from "medzk";

const hospital = generateIssuerKey();                  // EdDSA-Poseidon key on BabyJubJub
const acmeKey  = generateVerifierKey();                // the verifier's Ed25519 signing key pair, JSON-safe
const patient  = createHolder();                       // holder secret + public commitment
const record   = await issueCredential(hospital, {
  schema: "patient-record/v1",
  holderCommitment: patient.commitment,
  attributes: { dateOfBirth: "2008-02-29" },
});
const insurer  = createVerifier({ trustedIssuers: [hospital.publicKey], key: acmeKey, name: "Acme Health" });
const wallet   = createWallet({
  holder: patient, credentials: [record],
  trustedVerifiers: [{ publicKey: acmeKey.publicKey, name: "Acme Health" }],   // or a registry
});
const request  = insurer.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });   // signed
const presentation = await wallet.respond(request);    // who asks? allowed? within budget? then proves
const result   = await insurer.verify(presentation);
const receipts = await wallet.receipts();              // what was shown (or refused) to whom, and when
console.log(JSON.stringify({ result, receipts }));
