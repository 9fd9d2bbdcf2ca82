/**
 * The built `medzk` command (dist/cli.js; `npm test` builds first), run as a child process in a
 * temporary directory through the whole flow, with its exit codes and error lines.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, copyFile, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { type CliRun as Run, runCli } from "../helpers/cli.js";

const CLI = resolve("dist/cli.js");
let dir: string;

const medzk = (args: string[], options: { cwd?: string; cli?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> =>
  runCli(options.cli ?? CLI, args, { cwd: options.cwd ?? dir, ...(options.env ? { env: options.env } : {}) });

const json = async (file: string) => JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, unknown>;

/** A progress line: `medzk: <command>: <step> (<ms> ms)`. */
const PROGRESS = /^medzk: [a-z]+: [^:]+ \(\d+ ms\)$/;

/** An error run: the given exit code and exactly one `medzk: CODE: message` line besides progress, no stack. */
function expectError(run: Run, exitCode: number, code: string, mentions: string): void {
  expect(run.code, run.stderr).toBe(exitCode);
  const lines = run.stderr.trim().split("\n").filter((l) => !PROGRESS.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^medzk: ${code}: `));
  expect(lines[0]).toContain(mentions);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: build first (npx tsup), or run npm test");
  dir = await mkdtemp(join(tmpdir(), "medzk-cli-"));
});

// The checkout copy holds ~60 MB of artifacts.
afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe("medzk CLI", () => {
  let publicKey: string;
  let root: string;

  it("prints its version and help", async () => {
    expect(await medzk(["--version"])).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: "" });
    const help = await medzk(["--help"]);
    expect(help.code).toBe(0);
    const names = ["keygen", "verifier-key", "holder", "issue", "issue-fhir", "open", "revocation init", "revocation revoke", "request", "prove", "verify", "serve", "artifacts check"];
    for (const name of names) expect(help.stdout).toContain(`  ${name} `);
    // A command's own --help, one word and a group's two words (each help text's content is
    // checked for every command in test/unit/cli/help.test.ts: a process each cost ~1 s of CPU).
    for (const name of ["verify", "revocation init"]) {
      const own = await medzk([...name.split(" "), "--help"]);
      expect(own.code, name).toBe(0);
      expect(own.stdout).toMatch(new RegExp(`^Usage: medzk ${name}\\b`));
      expect(own.stdout).toContain("-h, --help");
    }
    expect((await medzk(["help", "verify"])).stdout).toMatch(/^Usage: medzk verify/);
    expect(await medzk([])).toMatchObject({ code: 2, stdout: "" });
    // Rebuilding artifacts is the npm script build:circuits (it needs a checkout), not a command.
    expect(help.stdout).not.toContain("circuits");
  });

  it("makes keys and a holder, owner-only, and never overwrites them", async () => {
    const keygen = await medzk(["keygen", "--out", "issuer.json"]);
    expect(keygen.code).toBe(0);
    publicKey = keygen.stdout.trim();
    expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await json("issuer.json")).toMatchObject({ publicKey, privateKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await stat(join(dir, "issuer.json"))).mode & 0o777).toBe(0o600);
    expectError(await medzk(["keygen", "--out", "issuer.json"]), 3, "INPUT", "issuer.json already exists");
    const verifierKey = await medzk(["verifier-key", "--out", "verifier.key"]);
    expect(verifierKey.code, verifierKey.stderr).toBe(0);
    expect(await json("verifier.key")).toEqual({ publicKey: verifierKey.stdout.trim(), privateKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await stat(join(dir, "verifier.key"))).mode & 0o777).toBe(0o600);
    expectError(await medzk(["verifier-key", "--out", "verifier.key"]), 3, "INPUT", "verifier.key already exists");
    const holder = await medzk(["holder", "--out", "holder.json"]);
    expect(holder.code).toBe(0);
    expect(holder.stdout.trim()).toBe((await json("holder.json"))["commitment"]);
    expect((await stat(join(dir, "holder.json"))).mode & 0o777).toBe(0o600);
  });

  it("issues credentials with revocation slots and revokes one", async () => {
    expect((await medzk(["revocation", "init", "--issuer-id", "st-mary", "--out", "status.json"])).code).toBe(0);
    await writeFile(join(dir, "attrs.json"), JSON.stringify({ dateOfBirth: "1990-04-01" }));
    const common = ["--issuer", "issuer.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--revocation", "status.json"];
    const issued = await medzk(["issue", ...common, "--attributes", "attrs.json", "--expires", "2099-12-31", "--out", "credential.json"]);
    expect(issued.code, issued.stderr).toBe(0);
    // Signing takes a second or two: progress on stderr, nothing on stdout (the credential went to --out).
    expect(issued.stderr).toMatch(/^medzk: issue: taking a revocation slot in status\.json \(\d+ ms\)\nmedzk: issue: signing \(\d+ ms\)\nmedzk: issue: done \(\d+ ms\)\n$/);
    expect(issued.stdout).toBe("");
    const revoked = await medzk(["issue", ...common, "--attributes", '{"dateOfBirth":"1985-01-02"}', "--out", "revoked.json", "--quiet"]);
    expect(revoked).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await json("credential.json")).toMatchObject({ issuer: publicKey, revocationSlot: 0, expiresAt: "2099-12-31", attributes: { dateOfBirth: "1990-04-01" } });
    expect(await json("revoked.json")).toMatchObject({ revocationSlot: 1 });
    // Credentials are health data: owner-only when created.
    for (const file of ["credential.json", "revoked.json"]) expect((await stat(join(dir, file))).mode & 0o777, file).toBe(0o600);
    // An existing file is rewritten in place: its mode is kept, never widened.
    await writeFile(join(dir, "existing.json"), "{}", { mode: 0o640 });
    await chmod(join(dir, "existing.json"), 0o640);
    const rewritten = await medzk(["issue", ...common.slice(0, 6), "--attributes", "attrs.json", "--out", "existing.json"]);
    expect(rewritten.code, rewritten.stderr).toBe(0);
    expect((await stat(join(dir, "existing.json"))).mode & 0o777).toBe(0o640);
    const revoke = await medzk(["revocation", "revoke", "--status", "status.json", "1"]);
    expect(revoke.code).toBe(0);
    root = revoke.stdout.trim();
    expect(await json("status.json")).toMatchObject({ issuer: "st-mary", root, revoked: [1], nextSlot: 2 });
    // A bad attribute is refused before anything is signed, naming the issue.
    expectError(await medzk(["issue", ...common, "--attributes", '{"dateOfBirth":"1990-02-30"}']), 3, "INVALID_DATE", "issuing with issuer.json");
    expect(await json("status.json")).toMatchObject({ nextSlot: 2 });
  });

  it("issues credentials from a FHIR R4 file, one per vaccine group; refuses a not-done immunization naming the element, signing nothing", async () => {
    expect((await medzk(["revocation", "init", "--issuer-id", "st-mary", "--out", "fhir-status.json"])).code).toBe(0);
    await copyFile(resolve("test/fixtures/fhir/hl7-r4/Immunization-protocol.json"), join(dir, "twinrix.json"));
    const common = ["issue-fhir", "--issuer", "issuer.json", "--holder-commitment", "holder.json", "--revocation", "fhir-status.json", "-q"];
    const issued = await medzk([...common, "--fhir", "twinrix.json", "--out", "fhir-credentials.json"]);
    expect(issued).toEqual({ code: 0, stdout: "", stderr: "" });
    const credentials = (await json("fhir-credentials.json")) as unknown as Array<{ credential: { attributes: Record<string, unknown>; revocationSlot: number }; source: unknown }>;
    expect(credentials.map((c) => [c.credential.attributes["vaccineGroup"], c.credential.attributes["doseNumber"], c.credential.revocationSlot])).toEqual([["hepatitisA", 1, 0], ["hepatitisB", 2, 1]]);
    expect(credentials[0]!.source).toEqual({ element: "Immunization", resource: "Immunization/protocol" });
    await copyFile(resolve("test/fixtures/fhir/hl7-r4/Immunization-notGiven.json"), join(dir, "not-given.json"));
    expectError(await medzk([...common, "--fhir", "not-given.json"]), 3, "FHIR_STATUS_REFUSED", "Immunization.status");
    expect(await json("fhir-status.json")).toMatchObject({ nextSlot: 2 });
  });

  it("gives parallel issuances distinct revocation slots, and parallel revocations all land (the status file is locked and replaced atomically)", async () => {
    expect((await medzk(["revocation", "init", "--issuer-id", "st-mary", "--out", "parallel.json"])).code).toBe(0);
    const common = ["--issuer", "issuer.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--revocation", "parallel.json"];
    const runs = await Promise.all([0, 1, 2, 3].map((i) => medzk(["issue", ...common, "--attributes", '{"dateOfBirth":"1990-04-01"}', "--out", `parallel-${i}.json`])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const slots = await Promise.all([0, 1, 2, 3].map(async (i) => (await json(`parallel-${i}.json`)).revocationSlot));
    expect([...slots].sort()).toEqual([0, 1, 2, 3]);
    expect(await json("parallel.json")).toMatchObject({ nextSlot: 4, revoked: [] });
    const revokes = await Promise.all(["0", "2", "3"].map((slot) => medzk(["revocation", "revoke", "--status", "parallel.json", slot])));
    for (const run of revokes) expect(run.code, run.stderr).toBe(0);
    expect(await json("parallel.json")).toMatchObject({ nextSlot: 4, revoked: [0, 2, 3] });
    expect(existsSync(join(dir, "parallel.json.lock"))).toBe(false);
  });

  it("seals a credential to the holder's public key and opens it; refuses what is not for this holder", async () => {
    const holder = await json("holder.json");
    const secret = holder["secret"] as string;
    // The holder's public part: what the patient hands the issuer (nothing secret: default mode).
    const card = await medzk(["holder", "--public", "holder.json", "--out", "holder.pub.json"]);
    expect(card.code, card.stderr).toBe(0);
    const pub = await json("holder.pub.json");
    expect(pub).toEqual({ commitment: holder["commitment"], encryptionKey: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.stringify(pub)).not.toContain(secret);
    expect((await medzk(["holder", "--out", "stranger.json"])).code).toBe(0);
    expect((await medzk(["holder", "--public", "stranger.json", "--out", "stranger.pub.json"])).code).toBe(0);

    const common = ["--issuer", "issuer.json", "--holder-commitment", "holder.pub.json", "--schema", "patient-record/v1", "--attributes", "attrs.json"];
    const sealed = await medzk(["issue", ...common, "--seal-to", "holder.pub.json", "--out", "sealed.json"]);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stderr).toMatch(/^medzk: issue: signing .*\nmedzk: issue: sealing .*\nmedzk: issue: done /);
    const envelope = await json("sealed.json");
    expect(Object.keys(envelope)).toEqual(["format", "recipient", "ephemeralPublicKey", "nonce", "ciphertext"]);
    expect(envelope).toMatchObject({ format: "medzk-envelope/v1", recipient: pub["encryptionKey"] });
    expect(JSON.stringify(envelope)).not.toContain("1990-04-01");
    expect((await stat(join(dir, "sealed.json"))).mode & 0o777).toBe(0o600);

    const opened = await medzk(["open", "--envelope", "sealed.json", "--holder", "holder.json", "--out", "opened.json"]);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stderr).toMatch(/^medzk: open: opening \(\d+ ms\)\nmedzk: open: done \(\d+ ms\)\n$/);
    expect(await json("opened.json")).toMatchObject({ format: "medzk-credential/v2", issuer: publicKey, holder: holder["commitment"], attributes: { dateOfBirth: "1990-04-01" } });
    expect((await stat(join(dir, "opened.json"))).mode & 0o777).toBe(0o600);
    // Never over an existing file: it may be the holder's only copy of a credential.
    expectError(await medzk(["open", "--envelope", "sealed.json", "--holder", "holder.json", "--out", "opened.json"]), 3, "INPUT", "opened.json already exists");
    // The key given inline, to stdout.
    const inline = await medzk(["issue", ...common, "--seal-to", pub["encryptionKey"] as string, "-q"]);
    expect(inline.code, inline.stderr).toBe(0);
    expect(JSON.parse(inline.stdout)).toMatchObject({ format: "medzk-envelope/v1", recipient: pub["encryptionKey"] });
    expect(inline.stderr).toBe("");

    // Refusals: another holder, a flipped byte, a malformed envelope; none prints a secret or the date of birth.
    const flipped = { ...envelope, ciphertext: `${(envelope["ciphertext"] as string).slice(0, -2)}${(envelope["ciphertext"] as string).endsWith("00") ? "01" : "00"}` };
    await writeFile(join(dir, "flipped.json"), JSON.stringify(flipped));
    await writeFile(join(dir, "malformed.json"), JSON.stringify({ ...envelope, sender: "st-mary" }));
    const refusals: [string, string, string][] = [
      ["sealed.json", "stranger.json", "ENVELOPE_NOT_FOR_HOLDER"],
      ["flipped.json", "holder.json", "ENVELOPE_DECRYPTION_FAILED"],
      ["malformed.json", "holder.json", "ENVELOPE_INVALID"],
    ];
    for (const [file, holderFile, code] of refusals) {
      const run = await medzk(["open", "--envelope", file, "--holder", holderFile, "--out", "never.json"]);
      expectError(run, 3, code, `opening ${file}`);
      expect(run.stderr).not.toContain(secret.slice(0, 12));
      expect(run.stderr).not.toContain("1990");
    }
    expect(existsSync(join(dir, "never.json"))).toBe(false);
    // The issuer never takes a holder file with its secret, nor a card of another holder.
    const withSecret = await medzk(["issue", ...common, "--seal-to", "holder.json"]);
    expectError(withSecret, 3, "INPUT", "holder --public");
    expect(withSecret.stderr).not.toContain(secret.slice(0, 12));
    expectError(await medzk(["issue", ...common, "--seal-to", "stranger.pub.json"]), 3, "INPUT", "belongs to another holder");
    // A bad key is refused before anything is signed: no revocation slot is taken.
    expectError(await medzk(["issue", ...common, "--revocation", "status.json", "--seal-to", "AB".repeat(32)]), 3, "INVALID_KEY", "--seal-to");
    expect(await json("status.json")).toMatchObject({ nextSlot: 2 });
  });

  it("requests, proves and verifies with the verifier's config; refuses a tampered presentation", async () => {
    await writeFile(
      join(dir, "issuers.json"),
      JSON.stringify({ format: "medzk-issuers/v1", issuers: [{ id: "st-mary", keys: [{ publicKey }] }], revocation: { "st-mary": { current: root } } }),
    );
    await writeFile(join(dir, "verifier.json"), JSON.stringify({ purpose: "claims", presets: { adult: { type: "ageAtLeast", minAge: 18 }, drinking: { type: "ageAtLeast", minAge: 21 } }, issuersFile: "issuers.json", signingKey: { file: "verifier.key" }, listen: { port: 0 } }));
    const req = await medzk(["request", "--config", "verifier.json", "--preset", "adult", "--out", "request.json"]);
    expect(req.code, req.stderr).toBe(0);
    const { publicKey: verifierPublicKey } = await json("verifier.key");
    expect(await json("request.json")).toMatchObject({ format: "medzk-request/v2", verifier: verifierPublicKey, purpose: "claims", statement: { type: "ageAtLeast", minAge: 18 } });

    const proof = await medzk(["prove", "--credential", "credential.json", "--holder", "holder.json", "--request", "request.json", "--revocation", "status.json", "--out", "presentation.json"]);
    expect(proof.code, proof.stderr).toBe(0);
    expect((await stat(join(dir, "presentation.json"))).mode & 0o777).toBe(0o600);
    expect(proof.stderr).toMatch(/medzk: prove: checking .*\nmedzk: prove: loading-artifacts .*\nmedzk: prove: proving .*\nmedzk: prove: done/);
    // The revoked credential is refused before proving.
    expectError(
      await medzk(["prove", "--credential", "revoked.json", "--holder", "holder.json", "--request", "request.json", "--revocation", "status.json"]),
      3,
      "CREDENTIAL_REVOKED",
      "revoked.json",
    );

    const ok = await medzk(["verify", "--config", "verifier.json", "presentation.json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ file: "presentation.json", result: { ok: true, preset: "adult", issuerId: "st-mary", statement: { type: "ageAtLeast", minAge: 18 } } });
    expect(ok.stderr).toMatch(/^medzk: verify: verifying 1 presentation \(\d+ ms\)\nmedzk: verify: done \(\d+ ms\)\n$/);
    // The challenge is spent, in a file beside the config: another run refuses the same presentation.
    const again = await medzk(["verify", "--config", "verifier.json", "presentation.json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ file: "presentation.json", result: { ok: false, error: { code: "REQUEST_REPLAYED" } } });
    expect(Object.keys((await json("verifier.challenges.json"))["used"] as object)).toEqual([(await json("request.json"))["challenge"]]);

    const tampered = await json("presentation.json");
    (tampered["publicSignals"] as string[])[0] = "1";
    await writeFile(join(dir, "tampered.json"), JSON.stringify(tampered));
    const refused = await medzk(["verify", "--config", "verifier.json", "tampered.json"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ file: "tampered.json", result: { ok: false } });
  });

  it("proves from the service's { request, issuerSet } response as from a bare request, and refuses any other request file saying why", async () => {
    // What POST /v1/requests answers, as curl saves it; and a hidden-issuer request, which
    // medzk request writes in that shape (the holder needs the set), as the service does.
    await writeFile(join(dir, "response.json"), JSON.stringify({ request: JSON.parse((await medzk(["request", "--config", "verifier.json", "--preset", "adult"])).stdout) }));
    await writeFile(join(dir, "hidden.json"), JSON.stringify({ ...(await json("verifier.json")), hideIssuer: true }));
    const hiddenRequest = await medzk(["request", "--config", "hidden.json", "--preset", "adult", "--out", "hidden-request.json"]);
    expect(hiddenRequest.code, hiddenRequest.stderr).toBe(0);
    const hidden = await json("hidden-request.json");
    expect(Object.keys(hidden)).toEqual(["request", "issuerSet"]);
    expect((hidden["request"] as { issuerSet: string }).issuerSet).toBe((hidden["issuerSet"] as { root: string }).root);

    const prove = (request: string, out: string, extra: string[] = []) =>
      medzk(["prove", "--credential", "credential.json", "--holder", "holder.json", "--request", request, "--revocation", "status.json", "--out", out, ...extra]);
    const [fromResponse, fromHidden] = await Promise.all([prove("response.json", "p2.json", ["--quiet"]), prove("hidden-request.json", "p3.json")]);
    expect(fromResponse).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(fromHidden.code, fromHidden.stderr).toBe(0);
    expect(fromHidden.stderr).toMatch(/^medzk: prove: checking \(\d+ ms\)\nmedzk: prove: loading-artifacts .*\nmedzk: prove: proving .*\nmedzk: prove: done \(\d+ ms\)\n$/);
    expect((await json("p2.json"))["request"]).toEqual((await json("response.json"))["request"]);

    await writeFile(join(dir, "request-array.json"), "[]");
    await writeFile(join(dir, "request-extra.json"), JSON.stringify({ ...(await json("response.json")), expiresIn: 300 }));
    await writeFile(join(dir, "request-neither.json"), JSON.stringify({ challenge: "1" }));
    const refusals: [string, string][] = [
      ["request-array.json", "it is an array"],
      ["request-extra.json", 'unknown property "expiresIn"'],
      ["request-neither.json", 'neither "format" (a request) nor "request" (a service response)'],
      ["p2.json", "it is a medzk-presentation/v2 file"],
    ];
    for (const [file, why] of refusals) {
      const run = await prove(file, "never.json");
      expectError(run, 3, "INVALID_REQUEST", `request ${file} must be a proof request (medzk-request/v2, from medzk request) or the response of POST /v1/requests`);
      expect(run.stderr).toContain(why);
    }
    expect(existsSync(join(dir, "never.json"))).toBe(false);
  });

  it("verifies a batch file by file: an unreadable file is its own error line, the others are verified, the exit status says the worst", async () => {
    const lines = (run: Run) => run.stdout.trim().split("\n").map((l) => JSON.parse(l) as { file: string; result?: { ok: boolean; error?: { code: string } }; error?: { code: string; message: string } });
    const batch = await medzk(["verify", "--config", "verifier.json", "p2.json", "tampered.json"]);
    expect(batch.code, batch.stderr).toBe(1);
    expect(lines(batch).map((l) => [l.file, l.result?.ok])).toEqual([["p2.json", true], ["tampered.json", false]]);
    expect(batch.stderr).toMatch(/^medzk: verify: verifying a batch of 2 presentations \(\d+ ms\)\nmedzk: verify: done /);

    await writeFile(join(dir, "garbled.json"), '{"format": "medzk-presentation/v1",');
    const mixed = await medzk(["verify", "--config", "verifier.json", "missing.json", "p2.json", "garbled.json", "-q"]);
    expect(mixed.code).toBe(3);
    expect(lines(mixed)).toEqual([
      { file: "missing.json", error: { code: "INPUT", message: "cannot read presentation missing.json: no such file" } },
      { file: "p2.json", result: expect.objectContaining({ ok: false, error: expect.objectContaining({ code: "REQUEST_REPLAYED" }) }) },
      { file: "garbled.json", error: { code: "INPUT", message: expect.stringMatching(/^presentation garbled\.json is not valid JSON/) } },
    ]);
    // On stderr too, one line each (no progress with --quiet).
    expect(mixed.stderr.trim().split("\n")).toEqual([
      "medzk: INPUT: cannot read presentation missing.json: no such file",
      expect.stringMatching(/^medzk: INPUT: presentation garbled\.json is not valid JSON/),
    ]);
  });

  it("accepts a presentation once among parallel runs, keeps challenges where --challenges says, and refuses a damaged store by name", async () => {
    const runs = await Promise.all([0, 1, 2, 3].map(() => medzk(["verify", "--config", "hidden.json", "-q", "p3.json"])));
    const codes = runs.map((r) => (JSON.parse(r.stdout) as { result: { ok: boolean; error?: { code: string } } }).result);
    expect(codes.filter((r) => r.ok)).toEqual([expect.objectContaining({ ok: true, preset: "adult", issuerSet: expect.any(String) })]);
    expect(codes.filter((r) => !r.ok).map((r) => r.error?.code)).toEqual(["REQUEST_REPLAYED", "REQUEST_REPLAYED", "REQUEST_REPLAYED"]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 1, 1, 1]);
    expect(existsSync(join(dir, "hidden.challenges.json"))).toBe(true);
    expect(existsSync(join(dir, "hidden.challenges.json.lock"))).toBe(false);

    // Another store knows nothing of these challenges (one store per verifier: see docs/cli.md).
    const elsewhere = await medzk(["verify", "--config", "hidden.json", "--challenges", "elsewhere.json", "p3.json"]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(Object.keys((await json("elsewhere.json"))["used"] as object)).toHaveLength(1);
    await writeFile(join(dir, "damaged.json"), JSON.stringify({ format: "medzk-challenges/v1" }));
    const damaged = await medzk(["verify", "--config", "hidden.json", "--challenges", "damaged.json", "p3.json"]);
    expectError(damaged, 3, "CHALLENGE_STORE_UNAVAILABLE", "challenge store damaged.json");
    expect(damaged.stdout).toBe("");
  });

  it("never prints a secret or an attribute value in an error, JSON parse errors of secret files included", async () => {
    const holder = await json("holder.json");
    const key = await json("issuer.json");
    const secret = holder["secret"] as string;
    const privateKey = key["privateKey"] as string;
    // Hand-editing mistakes where V8's parse error quotes the text that follows: single quotes
    // around the secret, the key unquoted (…, ..."vateKey": 1a2b3c4d5e"... is not valid JSON).
    await writeFile(join(dir, "holder-broken.json"), `{"secret": '${secret}', "commitment": "1"}`);
    await writeFile(join(dir, "issuer-broken.json"), `{"privateKey": x${privateKey}}`);
    const runs = [
      await medzk(["prove", "--credential", "credential.json", "--holder", "holder-broken.json", "--request", "request.json"]),
      await medzk(["issue", "--issuer", "issuer-broken.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--attributes", "attrs.json"]),
      await medzk(["issue", "--issuer", "issuer-broken.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--attributes", "attrs.json"], { env: { MEDZK_DEBUG: "1" } }),
    ];
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(3);
      // The position when V8 gives one without quoting ("Unexpected token" messages do not).
      expect(run.stderr).toMatch(/^medzk: INPUT: (holder|issuer key) \S+-broken\.json is not valid JSON(?: \(at position \d+\))?; fix or regenerate the file\n/);
      for (const s of [secret.slice(0, 8), privateKey.slice(0, 8)]) expect(run.stderr).not.toContain(s);
    }
    // Attribute values the library names in its refusal ("got …") are redacted, inline or in a file.
    const common = ["--issuer", "issuer.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1"];
    await writeFile(join(dir, "attrs-bad.json"), JSON.stringify({ dateOfBirth: "1961-02-30" }));
    for (const attributes of ['{"dateOfBirth":"1961-02-30"}', "attrs-bad.json", '{"dateOfBirth":"1961-02-30"']) {
      const run = await medzk(["issue", ...common, "--attributes", attributes]);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^medzk: (INVALID_DATE|INPUT): /m);
      expect(run.stderr).not.toContain("1961");
    }
    // A private key given where a holder file goes: the library's refusal names the key's fields, not its value.
    const misuse = await medzk(["prove", "--credential", "credential.json", "--holder", "issuer.json", "--request", "request.json"]);
    expect(misuse.code).toBe(3);
    expect(misuse.stderr).not.toContain(privateKey);
  });

  it("exits 2 on usage errors", async () => {
    expectError(await medzk(["frobnicate"]), 2, "USAGE", '"frobnicate"');
    expectError(await medzk(["verify", "--config", "verifier.json", "--frob", "p.json"]), 2, "USAGE", "--frob");
    expectError(await medzk(["verify", "presentation.json"]), 2, "USAGE", "--config");
    expectError(await medzk(["verify", "--config", "verifier.json"]), 2, "USAGE", "presentation file");
    expectError(await medzk(["keygen", "extra"]), 2, "USAGE", "extra");
    expectError(await medzk(["artifacts"]), 2, "USAGE", "check");
    expectError(await medzk(["circuits", "build"]), 2, "USAGE", '"circuits"');
    expectError(await medzk(["revocation", "revoke", "--status", "status.json", "x"]), 2, "USAGE", '"x"');
  });

  it("exits 3 on missing files, invalid JSON and invalid content, naming the file", async () => {
    await writeFile(join(dir, "broken.json"), "{ not json");
    expectError(await medzk(["verify", "--config", "verifier.json", "missing.json"]), 3, "INPUT", "missing.json: no such file");
    expectError(await medzk(["verify", "--config", "verifier.json", "broken.json"]), 3, "INPUT", "broken.json is not valid JSON (at position 2)");
    // A config is a file like any other: missing or not JSON is INPUT; what it says is the service's parse.
    expectError(await medzk(["verify", "--config", "broken.json", "presentation.json"]), 3, "INPUT", "verifier config broken.json is not valid JSON (at position 2)");
    expectError(await medzk(["request", "--config", "nope.json", "--preset", "adult"]), 3, "INPUT", "cannot read verifier config nope.json: no such file");
    // serve logs everything as JSON on stdout, its start-up failure too.
    const serve = await medzk(["serve", "--config", "nope.json"]);
    expect(serve.code).toBe(3);
    expect(serve.stderr).toBe("");
    expect(JSON.parse(serve.stdout)).toMatchObject({ level: 60, exitCode: 3, err: { code: "INPUT", message: "cannot read verifier config nope.json: no such file" } });
    // A file that was read but holds the wrong thing is an input error, not a usage error.
    expectError(await medzk(["issue", "--issuer", "issuer.json", "--holder-commitment", "attrs.json", "--schema", "patient-record/v1", "--attributes", "attrs.json"]), 3, "INPUT", '--holder-commitment attrs.json has no "commitment"');
    // Only the config's presets: no statement of the caller's, no inherited property names.
    expectError(await medzk(["request", "--config", "verifier.json", "--preset", "child"]), 3, "UNKNOWN_PRESET", "--preset");
    expectError(await medzk(["request", "--config", "verifier.json", "--preset", "constructor"]), 3, "UNKNOWN_PRESET", "--preset");
    expectError(await medzk(["request", "--config", "verifier.json", "--statement", '{"type":"ageAtLeast","minAge":0}']), 2, "USAGE", "--statement");
    expectError(await medzk(["prove", "--credential", "attrs.json", "--holder", "holder.json", "--request", "request.json"]), 3, "INVALID_CREDENTIAL", "attrs.json");
    expectError(await medzk(["issue", "--issuer", "holder.json", "--holder-commitment", "1", "--schema", "patient-record/v1", "--attributes", "attrs.json"]), 3, "INVALID_KEY", "holder.json");
    await writeFile(join(dir, "nokey.json"), JSON.stringify({ presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [publicKey] }));
    expectError(await medzk(["request", "--config", "nokey.json", "--preset", "adult"]), 3, "INVALID_ARGUMENT", '"signingKey" is required');
    // MEDZK_DEBUG=1 adds the stack for bug reports.
    expect((await medzk(["verify", "--config", "broken.json", "presentation.json"], { env: { MEDZK_DEBUG: "1" } })).stderr).toMatch(/\n\s+at /);
  });

  it("serves until SIGTERM, then exits 0, every line it writes JSON on stdout", async () => {
    const child: ChildProcess = spawn(process.execPath, [CLI, "serve", "--config", "verifier.json"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d));
    // Complete lines only: a chunk may end inside one.
    const lines = () => stdout.split("\n").slice(0, -1).map((l) => JSON.parse(l) as { msg: string; url?: string; route?: string; status?: number });
    const url = await new Promise<string>((done, fail) => {
      child.stdout!.on("data", (d: Buffer) => {
        stdout += d;
        const listening = lines().find((l) => l.msg === "listening");
        if (listening) done(listening.url!);
      });
      child.on("exit", () => fail(new Error(`serve exited: ${stdout}${stderr}`)));
    });
    const headers = { "content-type": "application/json" };
    const res = await fetch(url + "/v1/requests", { method: "POST", headers, body: JSON.stringify({ preset: "drinking" }) });
    expect(res.status).toBe(201);
    // The service's response, saved as it came, is what medzk prove takes; the presentation verifies there.
    const response = await res.text();
    await writeFile(join(dir, "served-request.json"), response);
    const proved = await medzk(["prove", "--credential", "credential.json", "--holder", "holder.json", "--request", "served-request.json", "--revocation", "status.json", "--out", "served.json", "-q"]);
    expect(proved.code, proved.stderr).toBe(0);
    const verified = await fetch(url + "/v1/verify", { method: "POST", headers, body: JSON.stringify({ presentation: await json("served.json"), expected: (JSON.parse(response) as { request: unknown }).request }) });
    expect(await verified.json()).toMatchObject({ result: { ok: true, preset: "drinking" } });
    expect((await fetch(url + "/readyz")).status).toBe(200);
    const exit = new Promise<number | null>((done) => child.on("exit", done));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(stderr).toBe("");
    const logged = lines();
    expect(logged).toContainEqual(expect.objectContaining({ route: "/v1/requests", status: 201 }));
    expect(logged.map((l) => l.msg).slice(-3)).toEqual(["shutting down", "closing: no new connections, finishing requests in flight", "closed"]);
  });

  it("checks the shipped artifacts by hash when there is no checkout", async () => {
    // An installed package's layout: package.json, dist/cli.js and its chunks, artifacts/; dependencies reachable.
    const pkg = join(dir, "installed", "node_modules", "medzk");
    await mkdir(join(pkg, "dist"), { recursive: true });
    await mkdir(join(pkg, "artifacts"));
    await copyFile("package.json", join(pkg, "package.json"));
    await copyFile(CLI, join(pkg, "dist", "cli.js"));
    await cp(join(dirname(CLI), "cli"), join(pkg, "dist", "cli"), { recursive: true });
    for (const f of await readdir("artifacts")) await copyFile(join("artifacts", f), join(pkg, "artifacts", f));
    await symlink(resolve("node_modules"), join(pkg, "node_modules"));
    const cli = join(pkg, "dist", "cli.js");
    const ok = await medzk(["artifacts", "check"], { cli });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("checking the shipped files against their SHA-256 pins only");
    expect(ok.stdout).toContain("OK: the shipped artifacts match their pins");
    const wasm = join(pkg, "artifacts", "age_at_least.wasm");
    await chmod(wasm, 0o644);
    await writeFile(wasm, Buffer.concat([await readFile(wasm), Buffer.from([0])]));
    const bad = await medzk(["artifacts", "check"], { cli });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("age_at_least: artifacts/age_at_least.wasm does not match its pin");
  });

  it("exits 4 with INTERNAL when it cannot find its own package (a broken install)", async () => {
    // The CLI without the medzk package.json above it: artifacts check has nothing to check against.
    const orphan = join(dir, "orphan");
    await mkdir(join(orphan, "dist"), { recursive: true });
    await copyFile(CLI, join(orphan, "dist", "cli.js"));
    await cp(join(dirname(CLI), "cli"), join(orphan, "dist", "cli"), { recursive: true });
    await symlink(resolve("node_modules"), join(orphan, "node_modules"));
    expectError(await medzk(["artifacts", "check"], { cli: join(orphan, "dist", "cli.js") }), 4, "INTERNAL", "cannot find the medzk package directory");
  });

  // The compile comes from the checkout's content-keyed cache (scripts/circuits.mjs), shared with
  // the circuit tests, so the toolchain runs once per suite; the zkey verification (--fast skips
  // it) is test/circuits/zkey-*.test.ts's.
  it("checks the artifacts against the sources and the registry in this checkout", async () => {
    const run = await medzk(["artifacts", "check", "--fast"], { cwd: process.cwd() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("OK: artifacts match the circuit sources");
    expect(run.stderr).not.toContain("checking the shipped files against their SHA-256 pins only");
  }, 300_000);
});
