/**
 * A deployment's own phase 2, end to end with the built `medzk` command: init on the smallest
 * circuit (age_at_least, its R1CS from the compile cache) and the committed ptau, two
 * contributors, a tampered and a skipped contribution refused by verify, finalize (beacon, full
 * verification, key manifest), then a request, a proof and a verification with the finalized keys
 * (--keys), and the same proof refused as KEY_MISMATCH by a verifier on the shipped keys. The
 * finalized transcript names the verification key (checked by verify against the final zkey, and
 * by loadKeys against the key manifest); a transcript whose circuit is a path writes nothing.
 *
 * Cost: snarkjs's zkey new on a 2^13 circuit takes tens of seconds of CPU. The suite runs it once
 * per circuit (scripts/circuits.mjs caches it for the artifact check, the build script and this
 * file); init takes it with --initial, checked against the manifest's initialZkey pin, and
 * verification (finalize's, and the one that must catch an altered name, which only the
 * comparison with snarkjs's own report can) starts from it instead of recomputing it. Two contributions show the
 * chaining as well as three would; the other refusals fail on the cheap checks.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compiledCircuit, initialZkey } from "../../scripts/circuits.mjs";
import { loadKeys } from "../../src/index.js";
import { MANIFEST } from "../../src/artifacts/manifest.js";
import { verificationKeyId } from "../../src/core/verification-key.js";
import { type CliRun as Run, runCli } from "../helpers/cli.js";

const CLI = resolve("dist/cli.js");
const PTAU = resolve("ceremony/pot14_final.ptau");
let dir: string;
let r1cs: string;
let initial: { path: string; sha256: string };

const medzk = (args: string[]): Promise<Run> => runCli(CLI, args, { cwd: dir, timeout: 280_000, maxBuffer: 16 * 1024 * 1024 });

const readJson = async (file: string) => JSON.parse(await readFile(join(dir, file), "utf8")) as Record<string, any>;
const writeJson = (file: string, value: unknown) => writeFile(join(dir, file), JSON.stringify(value, null, 2));

/** A refusal: exit 1 and one `medzk: CEREMONY_INVALID: …` line naming `mentions`. */
function expectRefused(run: Run, mentions: string): void {
  expect(run.code, run.stderr).toBe(1);
  const line = run.stderr.trim().split("\n").filter((l) => !l.startsWith("medzk: ceremony: "));
  expect(line).toHaveLength(1);
  expect(line[0]).toMatch(/^medzk: CEREMONY_INVALID: /);
  expect(line[0]).toContain(mentions);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: build first (npx tsup)");
  dir = await mkdtemp(join(tmpdir(), "medzk-ceremony-"));
  r1cs = (await compiledCircuit("age_at_least")).r1cs;
  // zkey new on the R1CS and the committed ptau, shared with the artifact check and the build
  // script (the cache of scripts/circuits.mjs): computed once in the suite, not once per file.
  initial = await initialZkey("age_at_least");
}, 600_000);

afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe("medzk ceremony", () => {
  const verifyArgs = (ceremonyDir: string) => ["ceremony", "verify", "--dir", ceremonyDir, "--r1cs", r1cs, "--ptau", PTAU];

  it("runs init and two contributions, each attested and chained", async () => {
    // Another circuit's R1CS (or any other file) is refused before any work.
    const wrong = await medzk(["ceremony", "init", "--circuit", "insurance_active", "--r1cs", r1cs, "--ptau", PTAU, "--dir", "other"]);
    expectRefused(wrong, "this medzk version is R1CS");
    // An initial zkey that is not the pinned zkey new output (here: the shipped final key) is refused.
    const notInitial = await medzk(["ceremony", "init", "--circuit", "age_at_least", "--r1cs", r1cs, "--ptau", PTAU, "--dir", "other", "--initial", resolve("artifacts/age_at_least.zkey")]);
    expectRefused(notInitial, `not the initial zkey ${MANIFEST.circuits["age_at_least"]!.initialZkey} the manifest pins`);
    const init = await medzk(["ceremony", "init", "--circuit", "age_at_least", "--r1cs", r1cs, "--ptau", PTAU, "--dir", "phase2", "--initial", initial.path]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toContain("medzk: ceremony: initial zkey for age_at_least from");

    const hashes: string[] = [];
    for (const name of ["Alice", "Bob"]) {
      const run = await medzk(["ceremony", "contribute", "--dir", "phase2", "--name", name]);
      expect(run.code, run.stderr).toBe(0);
      const attestation = JSON.parse(run.stdout);
      expect(attestation).toMatchObject({ name, contributionHash: expect.stringMatching(/^[0-9a-f]{128}$/) });
      hashes.push(attestation.contributionHash);
    }
    const transcript = await readJson("phase2/ceremony.json");
    expect(transcript.format).toBe("medzk-ceremony/v1");
    expect(transcript.contributions.map((c: { name: string }) => c.name)).toEqual(["Alice", "Bob"]);
    // zkey new is deterministic: the initial zkey is the one the manifest pins (computed by
    // zkey new in this run, under the cache), so verification may start from it.
    expect(transcript.initial.sha256).toBe(MANIFEST.circuits["age_at_least"]!.initialZkey);
    expect(transcript.contributions.map((c: { contributionHash: string }) => c.contributionHash)).toEqual(hashes);
    expect(transcript.contributions[0].previous).toBe(transcript.initial.sha256);
    expect(transcript.contributions[1].previous).toBe(transcript.contributions[0].zkey.sha256);
    expect(new Set(hashes).size).toBe(2);
  }, 400_000);

  it("refuses a tampered attestation, a skipped contribution and a replaced zkey (cheap checks, before snarkjs)", async () => {
    const transcript = await readJson("phase2/ceremony.json");
    const variant = async (name: string, change: (t: Record<string, any>) => void) => {
      await cp(join(dir, "phase2"), join(dir, name), { recursive: true });
      const t = structuredClone(transcript);
      change(t);
      await writeJson(`${name}/ceremony.json`, t);
      return medzk(verifyArgs(name));
    };
    // Alice's attestation claims another output: Bob's contribution no longer starts from it.
    expectRefused(await variant("tampered", (t) => (t.contributions[0].zkey.sha256 = "ab".repeat(32))), "contribution 2 (Bob) started from");
    // Alice's contribution dropped from the transcript (Bob renumbered): the chain breaks.
    expectRefused(
      await variant("skipped", (t) => {
        t.contributions.splice(0, 1);
        t.contributions[0].index = 1;
      }),
      "contribution 1 (Bob) started from",
    );
    // The last zkey replaced by another file: not the attested one.
    await cp(join(dir, "phase2"), join(dir, "replaced"), { recursive: true });
    await cp(join(dir, "phase2", "age_at_least_0001.zkey"), join(dir, "replaced", "age_at_least_0002.zkey"));
    expectRefused(await medzk(verifyArgs("replaced")), "age_at_least_0002.zkey has SHA-256");
    // An unknown key in the transcript is refused by the strict parse.
    expectRefused(await variant("unknown", (t) => (t.contributions[0].note = "hi")), `unknown property "note"`);
    // A contribution cannot be added to a ceremony with a wrong latest zkey either.
    const contribute = await medzk(["ceremony", "contribute", "--dir", "replaced", "--name", "Mallory"]);
    expectRefused(contribute, "is not the zkey the transcript attests");
    // A transcript whose circuit is a path: refused before any file name is built from it, so
    // nothing is written outside the ceremony folder (a contribution used to land in ../).
    for (const [name, circuit] of [["escape", "../escape"], ["absolute", join(dir, "absolute")]] as const) {
      expectRefused(await variant(name, (t) => (t.circuit = circuit)), `"circuit" must be a circuit of this medzk version`);
      expectRefused(await medzk(["ceremony", "contribute", "--dir", name, "--name", "Mallory"]), `"circuit" must be a circuit of this medzk version`);
    }
    expect(existsSync(join(dir, "escape_0003.zkey"))).toBe(false);
    expect(existsSync(join(dir, "absolute_0003.zkey"))).toBe(false);
    expect(existsSync(join(dir, "absolute", "absolute_0003.zkey"))).toBe(false);
    // No ceremony there at all is an input error (exit 3), not a refusal.
    const missing = await medzk(verifyArgs("no-such-ceremony"));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/medzk: INVALID_ARGUMENT: no ceremony in no-such-ceremony/);
  });

  it("finalizes with a beacon: verified, then the keys and the key manifest are written", async () => {
    const beacon = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    const run = await medzk(["ceremony", "finalize", "--dir", "phase2", "--r1cs", r1cs, "--ptau", PTAU, "--beacon", beacon, "--out", "keys"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const transcript = await readJson("phase2/ceremony.json");
    expect(report.contributions).toEqual(transcript.contributions.map((c: { name: string; contributionHash: string }) => ({ name: c.name, contributionHash: c.contributionHash })));
    expect(report.beacon).toMatchObject({ value: beacon, iterationsExp: 10, contributionHash: transcript.beacon.contributionHash });
    const manifest = await readJson("keys/keys.json");
    expect(Object.keys(manifest)).toEqual(["format", "circuits"]);
    expect(manifest.format).toBe("medzk-keys/v1");
    expect(Object.keys(manifest.circuits)).toEqual(["age_at_least"]);
    expect(manifest.circuits.age_at_least).toMatchObject({ zkey: { path: "age_at_least.zkey", sha256: transcript.beacon.zkey.sha256 }, vkey: { path: "age_at_least.vkey.json" } });
    // The transcript names the verification key exported from the verified final zkey, the
    // report repeats it, and loadKeys with the transcript takes the keys written beside it.
    const vkeyId = verificationKeyId((await readJson("keys/age_at_least.vkey.json")) as never);
    expect(transcript.beacon.verificationKeyId).toBe(vkeyId);
    expect(report.verificationKeyId).toBe(vkeyId);
    await expect(loadKeys(join(dir, "keys", "keys.json"), { transcript: join(dir, "phase2", "ceremony.json") })).resolves.toMatchObject({ ceremonies: [transcript] });
    // A second finalize is refused: the beacon is the last contribution.
    expectRefused(await medzk(["ceremony", "finalize", "--dir", "phase2", "--r1cs", r1cs, "--ptau", PTAU, "--beacon", beacon, "--out", "keys2"]), "already finalized");
  }, 400_000);

  it("verify re-exports the verification key from the final zkey: a transcript naming another key is refused", async () => {
    await cp(join(dir, "phase2"), join(dir, "rekeyed"), { recursive: true });
    const t = await readJson("rekeyed/ceremony.json");
    t.beacon.verificationKeyId = "ab".repeat(32);
    await writeJson("rekeyed/ceremony.json", t);
    expectRefused(await medzk(verifyArgs("rekeyed")), `the transcript names verification key ${"ab".repeat(32)}, the final zkey age_at_least_0003.zkey exports`);
  });

  it("verify catches an altered contributor name by comparing with snarkjs's own report", async () => {
    await cp(join(dir, "phase2"), join(dir, "renamed"), { recursive: true });
    const t = await readJson("renamed/ceremony.json");
    t.contributions[1].name = "Eve";
    await writeJson("renamed/ceremony.json", t);
    expectRefused(await medzk(verifyArgs("renamed")), "the transcript attests Eve");
  }, 400_000);

  it("proves and verifies with the finalized keys (--keys); the shipped keys' verifier says KEY_MISMATCH", async () => {
    const keygen = await medzk(["keygen", "--out", "issuer.json"]);
    expect(keygen.code, keygen.stderr).toBe(0);
    expect((await medzk(["holder", "--out", "holder.json"])).code).toBe(0);
    const issued = await medzk(["issue", "--issuer", "issuer.json", "--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--attributes", '{"dateOfBirth":"1990-04-01"}', "--out", "credential.json"]);
    expect(issued.code, issued.stderr).toBe(0);
    expect((await medzk(["verifier-key", "--out", "verifier.key"])).code).toBe(0);
    await writeJson("verifier.json", { presets: { adult: { type: "ageAtLeast", minAge: 18 } }, trustedIssuers: [keygen.stdout.trim()], signingKey: { file: "verifier.key" } });

    const request = await medzk(["request", "--config", "verifier.json", "--preset", "adult", "--keys", "keys/keys.json", "--out", "request.json"]);
    expect(request.code, request.stderr).toBe(0);
    const proof = await medzk(["prove", "--credential", "credential.json", "--holder", "holder.json", "--request", "request.json", "--keys", "keys/keys.json", "--out", "presentation.json"]);
    expect(proof.code, proof.stderr).toBe(0);
    const presentation = await readJson("presentation.json");
    expect(presentation.format).toBe("medzk-presentation/v2");
    expect(presentation.key.circuit).toBe("age_at_least");

    // The shipped keys' verifier first (it consumes nothing: KEY_MISMATCH comes before the pairing).
    const shipped = await medzk(["verify", "--config", "verifier.json", "presentation.json"]);
    expect(shipped.code).toBe(1);
    expect(JSON.parse(shipped.stdout).result.error.code).toBe("KEY_MISMATCH");
    const accepted = await medzk(["verify", "--config", "verifier.json", "--keys", "keys/keys.json", "presentation.json"]);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect(JSON.parse(accepted.stdout).result).toMatchObject({ ok: true, preset: "adult" });

    // The manifest's pins hold: a verification key altered after finalize is refused at start-up.
    const vkeyFile = join(dir, "keys", "age_at_least.vkey.json");
    await writeFile(vkeyFile, (await readFile(vkeyFile, "utf8")).replace("\n", "\n "));
    const altered = await medzk(["verify", "--config", "verifier.json", "--keys", "keys/keys.json", "presentation.json"]);
    expect(altered.code).toBe(3);
    expect(altered.stderr).toMatch(/^medzk: ARTIFACT_INTEGRITY: .*age_at_least\.vkey\.json has SHA-256/);
  });
});
