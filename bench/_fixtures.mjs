// Shared by the benchmark scripts: a fixed world (issuer, holder, credentials, verifier).
import { ed25519 } from "@noble/curves/ed25519";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { createHolder, createVerifier, generateIssuerKey, issueCredential } from "../dist/index.js";

export const NOW = new Date("2026-06-15T12:00:00Z");
// A fixed verifier key, so the bench's child processes verify the parent's requests.
const VERIFIER_PRIVATE_KEY = "55".repeat(32);
export const VERIFIER_KEY = { privateKey: VERIFIER_PRIVATE_KEY, publicKey: bytesToHex(ed25519.getPublicKey(hexToBytes(VERIFIER_PRIVATE_KEY))) };

export async function world(issuerPrivateKey) {
  const issuer = issuerPrivateKey ? { privateKey: issuerPrivateKey, publicKey: undefined } : generateIssuerKey();
  const holder = createHolder();
  const record = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-05-17" }, now: NOW });
  const coverage = await issueCredential(issuer, {
    schema: "insurance-coverage/v1",
    holder: holder.commitment,
    attributes: { insurerId: "acme-health", memberId: "M-1", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
    now: NOW,
  });
  return { issuer, holder, record, coverage, publicKey: record.issuer };
}

export function verifierFor(publicKey) {
  return createVerifier({ trustedIssuers: [publicKey], key: VERIFIER_KEY, purpose: "bench", clock: () => NOW, requestTtlSeconds: 86400 });
}

export const STATEMENTS = {
  ageAtLeast: { type: "ageAtLeast", minAge: 18 },
  insuranceActive: { type: "insuranceActive", insurerId: "acme-health" },
  query: {
    type: "query",
    schema: "insurance-coverage/v1",
    where: [
      { attribute: "coverageEnd", op: "GTE", value: "2026-12-31" },
      { attribute: "coverageStart", op: "LTE", value: "2026-06-15" },
      { attribute: "plan", op: "IN", values: ["gold", "platinum"] },
      { attribute: "insurerId", op: "EQ", value: "acme-health" },
    ],
    disclose: ["coverageEnd"],
  },
};
