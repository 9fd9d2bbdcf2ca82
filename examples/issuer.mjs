// An issuer's script: a hospital makes its signing key, issues patient records with revocation
// slots, revokes one, and writes everything the other parties need as JSON files:
//
//   node examples/issuer.mjs <out-dir>
//
//   issuer.json              the hospital's signing key (secret; owner-only file)
//   holder.json              a patient's holder secret (secret; it would live in the wallet)
//   credential.json          the patient's record (valid; health data: owner-only file)
//   revoked-credential.json  a second record for the same patient, revoked (owner-only file)
//   revocation.json          the published revocation status (holders prove against it)
//   issuers.json             an issuer registry file for verifiers, with the current root
//   verifier.key             an insurer's verifier signing key (secret; owner-only file)
//   verifier.json            a verifier configuration trusting the hospital, signing with
//                            verifier.key (for examples/insurer-service.mjs and `medzk serve`)
//   verifiers.json           a verifier registry for wallets (medzk-verifiers/v1) naming the
//                            insurer's public key; in a deployment the wallet provider (or,
//                            later, an on-chain registry) publishes it, not an issuer
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RevocationRegistry, createHolder, generateIssuerKey, generateVerifierKey, issueCredential } from "medzk";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node examples/issuer.mjs <out-dir>");
  process.exit(2);
}
await mkdir(dir, { recursive: true });
const write = (name, value, secret = false) =>
  writeFile(join(dir, name), typeof value === "string" ? value : JSON.stringify(value, null, 2) + "\n", secret ? { mode: 0o600 } : {});

const hospital = generateIssuerKey();
const patient = createHolder();
const revocations = new RevocationRegistry({ issuer: "st-mary" });
const record = await issueCredential(hospital, {
  schema: "patient-record/v1",
  holderCommitment: patient.commitment,
  attributes: { dateOfBirth: "1990-04-01" },
  expiresOn: "2036-12-31",
  revocation: revocations,
});
const wrong = await issueCredential(hospital, {
  schema: "patient-record/v1",
  holderCommitment: patient.commitment,
  attributes: { dateOfBirth: "1990-01-04" },
  revocation: revocations,
});
// The second record was issued in error (day and month swapped): revoke it, publish the new status.
revocations.revoke(wrong);
const status = revocations.publish();

await write("issuer.json", hospital, true);
await write("holder.json", patient, true);
await write("credential.json", record, true);
await write("revoked-credential.json", wrong, true);
await write("revocation.json", status);
await write("issuers.json", {
  format: "medzk-issuers/v1",
  issuers: [{ id: "st-mary", name: "St Mary's Hospital", keys: [{ publicKey: hospital.publicKey }], schemas: ["patient-record/v1"] }],
  revocation: { "st-mary": { current: status.root } },
});
// The insurer's identity: it signs every request, and the nullifier scope is derived from it.
const verifierKey = generateVerifierKey();
await write("verifier.key", verifierKey, true);
await write("verifiers.json", {
  format: "medzk-verifiers/v1",
  verifiers: [{ publicKey: verifierKey.publicKey, name: "Acme Health", purposes: ["claims"] }],
});
await write("verifier.json", {
  listen: { host: "127.0.0.1", port: 0 },
  name: "Acme Health",
  purpose: "claims",
  // What this verifier may ask holders (POST /v1/requests takes one of these names).
  presets: { adult: { type: "ageAtLeast", minAge: 18 } },
  issuersFile: "issuers.json",
  signingKey: { file: "verifier.key" },
});
console.log(JSON.stringify({ publicKey: hospital.publicKey, revocationRoot: status.root, revokedSlots: status.revoked, dir }));
