// A process that proves with medzk, then uses the same (shared) snarkjs curve directly. The
// direct proof must complete (medzk must not let the process exit while snarkjs works), and the
// process must then exit by itself.
import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { buildCircuitInput, createHolder, createVerifier, generateIssuerKey, generateVerifierKey, issueCredential, prove } from "medzk";

const now = new Date("2026-06-15T12:00:00Z");
const issuer = generateIssuerKey();
const holder = createHolder();
const credential = await issueCredential(issuer, { schema: "patient-record/v1", holder: holder.commitment, attributes: { dateOfBirth: "1990-01-01" }, now });
const verifier = createVerifier({ trustedIssuers: [issuer.publicKey], key: generateVerifierKey(), clock: () => now });
const statement = { type: "ageAtLeast", minAge: 18 };
await prove({ credential, holder, request: verifier.createRequest({ statement }), now });
const { input } = await buildCircuitInput({ credential, holder, request: verifier.createRequest({ statement }), now });
const direct = await snarkjs.groth16.fullProve(input, await readFile("artifacts/age_at_least.wasm"), await readFile("artifacts/age_at_least.zkey"));
const vkey = JSON.parse(await readFile("artifacts/age_at_least.vkey.json", "utf8"));
console.log(`direct snarkjs proof verifies: ${await snarkjs.groth16.verify(vkey, direct.publicSignals, direct.proof)}`);
