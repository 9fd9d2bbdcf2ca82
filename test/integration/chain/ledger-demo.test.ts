/** `npm run demo:ledger` (examples/ledger-demo.mjs, against the built package) runs in one process and exits by itself. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("the ledger demo deploys, admits, verifies on chain and off chain, refuses replay and revocation, batches", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["examples/ledger-demo.mjs"], { timeout: 110_000 });
  expect(stdout).toMatch(/deployed MedzkRegistry at 0x[0-9a-f]{40} and 6 Groth16 verifiers/);
  expect(stdout).toMatch(/on chain: Accepted, nullifier/);
  expect(stdout).toContain("on chain, the same presentation again: Replayed");
  expect(stdout).toMatch(/the insurer's own verifier, trusting the chain: accepted \(issuer 0x[0-9a-f]{40}\)/);
  expect(stdout).toContain("the patient tries again: CREDENTIAL_REVOKED");
  expect(stdout).toContain("a proof against the old root, after maxRootAge: RevocationRootNotAccepted");
  expect(stdout).toMatch(/a batch of 4 verified with one pairing check: Accepted, Accepted, Accepted, Accepted/);
});
