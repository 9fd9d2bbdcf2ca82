/** The shipped examples run against the built package (`npm test` builds first) and exit by themselves. */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { prove } from "../../src/index.js";

const run = (file: string) => promisify(execFile)(process.execPath, [file], { timeout: 90_000 });
const run2 = (file: string, ...args: string[]) => promisify(execFile)(process.execPath, [file, ...args], { timeout: 90_000 });
const PASSPHRASE = "correct horse battery staple";
const runPatient = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["examples/patient.mjs", ...args], { timeout: 90_000, env: { ...process.env, MEDZK_WALLET_PASSPHRASE: PASSPHRASE } });

describe("examples", () => {
  it("the README quick start verifies", async () => {
    const { stdout } = await run("examples/quickstart.mjs");
    const { result, receipts } = JSON.parse(stdout);
    expect(result).toMatchObject({ ok: true, statement: { type: "ageAtLeast", minAge: 18 }, scope: expect.stringMatching(/^medzk-verifier:[0-9a-f]{64}$/) });
    expect(receipts).toEqual([expect.objectContaining({ verifier: { publicKey: expect.any(String), name: "Acme Health" }, outcome: "shown", nullifier: result.nullifier })]);
  });

  it("examples/quickstart.mjs is the README's quick start, line for line", async () => {
    const readme = await readFile("README.md", "utf8");
    const block = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const script = (await readFile("examples/quickstart.mjs", "utf8")).split("\n");
    // The script adds its header comment and prints the result instead of the README's comments.
    const body = script.slice(1).filter((line) => !line.startsWith("console.log(")).join("\n").trimEnd();
    expect(block?.split("\n// ")[0]?.trimEnd()).toBe(body);
  });

  it("the end-to-end demo proves and verifies three statements, refuses replays and a revoked record, and exits by itself", async () => {
    const { stdout } = await run("examples/demo.mjs");
    expect(stdout.match(/"ok":true/g)).toHaveLength(3);
    expect(stdout.match(/-> REQUEST_REPLAYED/g)).toHaveLength(3);
    expect(stdout).toContain('"disclosed":{"coverageEnd":"2026-12-31"}');
    expect(stdout).toContain("proving -> NO_MATCHING_CREDENTIAL"); // the wallet's one code for an unusable record
    expect(stdout).toContain('(calling itself "Acme Health") -> UNTRUSTED_VERIFIER');
    // The receipts: three shown (one with its disclosure), two refused.
    expect(stdout.split("\n").filter((line) => /^ +2026-.* shown(?: \(|$)/.test(line))).toHaveLength(3);
    expect(stdout).toContain("shown (disclosed coverageEnd)");
    expect(stdout.match(/refused (NO_MATCHING_CREDENTIAL|UNTRUSTED_VERIFIER)/g)).toHaveLength(2);
  });

  it("npm run demo:fhir: FHIR Patient, Coverage and Immunization and the spec's example SMART Health Card in, three verified proofs out", async () => {
    const { stdout } = await run("examples/fhir-demo.mjs");
    expect(stdout).toContain("issueFromFhir: Patient/p1 -> patient-record/v1, Immunization/i1 -> immunization/v1, Coverage/c1 -> insurance-coverage/v1");
    expect(stdout).toContain("SMART Health Card from SMART Health Cards example issuer (kid 3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s");
    expect(stdout).toContain("bridged Bundle.entry[1].resource -> immunization/v1, sealed to the patient");
    expect(stdout.match(/: verified \(\d+ ms\)/g)).toHaveLength(3);
    expect(stdout).not.toContain("REFUSED");
  });

  it("the ledger demo deploys to the in-process EVM, verifies on chain, anchors the audit trail and verifies it", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["examples/ledger-demo.mjs"], { timeout: 180_000 });
    expect(stdout).toMatch(/on chain: Accepted, nullifier/);
    // Refusals on chain go into the audit log under the off-chain verifier's code (chainAuditResult).
    expect(stdout).toContain("on chain, the same presentation again: Replayed (audit: REQUEST_REPLAYED)");
    expect(stdout).toContain("a proof against the old root, after maxRootAge: RevocationRootNotAccepted (audit: STALE_REVOCATION_ROOT)");
    expect(stdout).toContain("audit verify against the chain: intact");
    expect(stdout).toMatch(/the patient's wallet sees: \d\d:\d\d:\d\d ageAtLeast OK \(anchored\); \d\d:\d\d:\d\d ageAtLeast OK \(anchored\)/);
    expect(stdout).toContain("the patient tries again: CREDENTIAL_REVOKED");
    expect(stdout).toMatch(/a batch of 4 verified with one pairing check: Accepted, Accepted, Accepted, Accepted/);
  }, 200_000);

  it("a process mixing medzk and direct snarkjs proofs completes both and exits", async () => {
    const { stdout } = await run("test/scripts/prove-then-snarkjs.mjs");
    expect(stdout).toContain("direct snarkjs proof verifies: true");
  });

  it("the CommonJS build works too", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "-e",
      `const m = require("./dist/index.cjs");
       const v = m.createVerifier({ trustedIssuers: [m.generateIssuerKey().publicKey], key: m.generateVerifierKey() });
       v.verify({}).then((r) => console.log(JSON.stringify(r)));`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, error: { code: "MALFORMED_PRESENTATION" } });
  });

  it("medzk/server loads from the CommonJS build and answers over HTTP", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "-e",
      `const { parseServiceConfig, createVerifierService } = require("medzk/server");
       const { generateIssuerKey, generateVerifierKey } = require("medzk");
       (async () => {
         const config = parseServiceConfig({ signingKey: { hex: generateVerifierKey().privateKey }, presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [generateIssuerKey().publicKey], listen: { port: 0 } });
         const service = await createVerifierService(config, { logger: false });
         const url = await service.listen();
         const res = await fetch(url + "/v1/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ presentation: {}, expected: "1" }) });
         console.log(JSON.stringify(await res.json()));
         await service.close();
       })();`,
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ result: { ok: false, error: { code: "MALFORMED_PRESENTATION" } } });
  });

  it("the issuer script writes keys, credentials, a revocation and a verifier config that the insurer service runs on; the patient's wallet answers it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "medzk-examples-"));
    const { stdout } = await run2("examples/issuer.mjs", dir);
    const summary = JSON.parse(stdout) as { publicKey: string; revocationRoot: string; revokedSlots: number[] };
    expect(summary.revokedSlots).toEqual([1]);
    const read = async (name: string) => JSON.parse(await readFile(join(dir, name), "utf8"));
    expect(await read("revoked-credential.json")).toMatchObject({ revocationSlot: 1 });
    expect(await read("issuers.json")).toMatchObject({ revocation: { "st-mary": { current: summary.revocationRoot } } });
    expect((await stat(join(dir, "issuer.json"))).mode & 0o777).toBe(0o600);
    for (const secret of ["verifier.key", "holder.json", "credential.json", "revoked-credential.json"]) {
      expect((await stat(join(dir, secret))).mode & 0o777, secret).toBe(0o600);
    }
    const verifierKey = await read("verifier.key");

    const service = spawn(process.execPath, ["examples/insurer-service.mjs", join(dir, "verifier.json")], { stdio: ["ignore", "pipe", "pipe"] });
    let logs = "";
    service.stderr.on("data", (d: Buffer) => (logs += d));
    const url = await new Promise<string>((resolve, reject) => {
      service.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      service.once("exit", () => reject(new Error(`service exited: ${logs}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const post = async (path: string, body: unknown) =>
      (await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<Record<string, any>>;
    const { request } = await post("/v1/requests", { preset: "adult" });
    expect(request).toMatchObject({ format: "medzk-request/v2", verifier: verifierKey.publicKey, purpose: "claims" });
    // The patient's wallet (examples/patient.mjs) answers the service, trusting it through verifiers.json.
    const answered = JSON.parse((await runPatient(dir, url)).stdout);
    expect(answered).toMatchObject({ result: { ok: true, preset: "adult", issuerId: "st-mary" }, receipts: [{ verifier: { publicKey: verifierKey.publicKey, name: "Acme Health" }, outcome: "shown" }] });
    expect((await stat(join(dir, "wallet.json"))).mode & 0o777).toBe(0o600);
    // The wallet file is encrypted: no secret, record or verifier name in it.
    const walletFile = await readFile(join(dir, "wallet.json"), "utf8");
    const holder = await read("holder.json");
    for (const secret of [holder.secret, "1990-04-01", "Acme Health"]) expect(walletFile).not.toContain(secret);
    // Once the wallet's registry no longer lists the insurer, the wallet refuses it; the receipts
    // survive the restart, and the wallet reopens without the holder and credential files.
    await rm(join(dir, "holder.json"));
    await rm(join(dir, "credential.json"));
    await writeFile(join(dir, "verifiers.json"), JSON.stringify({ format: "medzk-verifiers/v1", verifiers: [] }));
    const refused = JSON.parse((await runPatient(dir, url)).stdout);
    expect(refused).toMatchObject({ refused: "UNTRUSTED_VERIFIER" });
    expect(refused.receipts.map((r: { outcome: string; code?: string }) => r.code ?? r.outcome)).toEqual(["shown", "UNTRUSTED_VERIFIER"]);
    await expect(prove({ credential: await read("revoked-credential.json"), holder, request, revocation: await read("revocation.json") })).rejects.toMatchObject({ code: "CREDENTIAL_REVOKED" });
    const exit = new Promise((resolve) => service.once("exit", resolve));
    service.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(logs).toContain('"route":"/v1/verify"');
    await rm(dir, { recursive: true, force: true });
  });
});
