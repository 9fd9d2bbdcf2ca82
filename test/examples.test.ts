/** The shipped examples run against the built package (`npm test` builds first) and exit by themselves. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = (file: string) => promisify(execFile)(process.execPath, [file], { timeout: 90_000 });

describe("examples", () => {
  it("the README quick start verifies", async () => {
    const { stdout } = await run("examples/quickstart.mjs");
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, statement: { type: "ageAtLeast", minAge: 18 }, scope: "acme-health/claims" });
  });

  it("the end-to-end demo proves and verifies three statements, refuses replays and a revoked record, and exits by itself", async () => {
    const { stdout } = await run("examples/demo.mjs");
    expect(stdout.match(/"ok":true/g)).toHaveLength(3);
    expect(stdout.match(/-> REQUEST_REPLAYED/g)).toHaveLength(3);
    expect(stdout).toContain('"disclosed":{"coverageEnd":"2026-12-31"}');
    expect(stdout).toContain("proving -> CREDENTIAL_REVOKED");
  });

  it("a process mixing medzk and direct snarkjs proofs completes both and exits", async () => {
    const { stdout } = await run("test/scripts/prove-then-snarkjs.mjs");
    expect(stdout).toContain("direct snarkjs proof verifies: true");
  });

  it("the CommonJS build works too", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "-e",
      `const m = require("./dist/index.cjs");
       const v = m.createVerifier({ trustedIssuers: [m.generateIssuerKey().publicKey], scope: "cjs" });
       v.verify({}).then((r) => console.log(JSON.stringify(r)));`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
  });
});
