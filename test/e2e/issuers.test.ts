/**
 * `medzk issuers …` (dist/cli.js) as child processes: the registry file they write is what
 * verifiers accept (the strict parser and the published JSON Schema), parallel runs all land, a
 * refused change writes nothing, and `medzk verify` with the file follows each operation:
 * accepted under the current key, refused under a key rotated away or compromised, accepted
 * against a revocation root the issuer just replaced.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcDate } from "../../src/core/dates.js";
import { generateIssuerKey } from "../../src/issuer/keys.js";
import { assertIssuerRegistryFile } from "../../src/verifier/issuer-registry.js";
import { type CliRun as Run, runCli } from "../helpers/cli.js";

const CLI = resolve("dist/cli.js");
const schema = JSON.parse(await readFile("docs/schemas/medzk-issuers-v1.schema.json", "utf8")) as object;
const validateSchema = new Ajv2020({ strict: true }).compile(schema);
let dir: string;

const medzk = (args: string[]): Promise<Run> => runCli(CLI, args, { cwd: dir });

async function ok(args: string[]): Promise<string> {
  const run = await medzk(args);
  expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

/** Exit 3 (or `exit`) and one `medzk: CODE: …` line naming `mentions`. */
function expectRefused(run: Run, code: string, mentions: string, exit = 3): void {
  expect(run.code, run.stderr).toBe(exit);
  const lines = run.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^medzk: ${code}: `));
  expect(lines[0]).toContain(mentions);
}

const text = (file: string) => readFile(join(dir, file), "utf8");
const json = async (file: string) => JSON.parse(await text(file)) as Record<string, unknown>;

/** The file is valid by the parser verifiers use and by the published schema. */
async function expectValidRegistry(file: string): Promise<Record<string, unknown>> {
  const registry = await json(file);
  expect(() => assertIssuerRegistryFile(registry)).not.toThrow();
  expect(validateSchema(registry), JSON.stringify(validateSchema.errors)).toBe(true);
  // No lock and no temporary file left behind.
  expect((await readdir(dir)).filter((name) => name.startsWith(`.${file}.`) || name === `${file}.lock`)).toEqual([]);
  return registry;
}

async function publicKey(file: string): Promise<string> {
  return (await json(file))["publicKey"] as string;
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: build first (npx tsup), or run npm test");
  dir = await mkdtemp(join(tmpdir(), "medzk-issuers-"));
  for (const key of ["k1.json", "k2.json", "k3.json"]) await ok(["keygen", "--out", key]);
  await ok(["holder", "--out", "holder.json"]);
  await ok(["verifier-key", "--out", "verifier.key"]);
});

afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

describe("medzk issuers", () => {
  it("creates a registry once, adds issuers and keys, and refuses what would break it (writing nothing)", async () => {
    await ok(["issuers", "init", "--out", "issuers.json"]);
    expect(await expectValidRegistry("issuers.json")).toEqual({ format: "medzk-issuers/v1", issuers: [] });
    expectRefused(await medzk(["issuers", "init", "--out", "issuers.json"]), "INPUT", "issuers.json already exists");

    const k1 = await publicKey("k1.json");
    const privateKey = (await json("k1.json"))["privateKey"] as string;
    const added = await medzk(["issuers", "add", "--registry", "issuers.json", "--issuer-id", "st-mary", "--name", "St Mary's", "--schema", "patient-record/v1", "--key", "k1.json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(privateKey);
    const entry = { id: "st-mary", name: "St Mary's", keys: [{ publicKey: k1, status: "active" }], schemas: ["patient-record/v1"] };
    expect(JSON.parse(added.stdout)).toEqual(entry);
    expect(await expectValidRegistry("issuers.json")).toEqual({ format: "medzk-issuers/v1", issuers: [entry] });

    const before = await text("issuers.json");
    const k3 = await publicKey("k3.json");
    expectRefused(await medzk(["issuers", "add", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", k3]), "DUPLICATE_ISSUER", '"st-mary"');
    expectRefused(await medzk(["issuers", "add", "--registry", "issuers.json", "--issuer-id", "other", "--key", k1]), "DUPLICATE_KEY", '"st-mary"');
    expectRefused(await medzk(["issuers", "add-key", "--registry", "issuers.json", "--issuer-id", "nobody", "--key", k3]), "UNKNOWN_ISSUER", '"nobody"');
    expectRefused(await medzk(["issuers", "add-key", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", k3.toUpperCase()]), "INVALID_KEY", "--key");
    expectRefused(await medzk(["issuers", "add-key", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", "00".repeat(32)]), "INVALID_KEY", "--key");
    expectRefused(await medzk(["issuers", "add-key", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", k3, "--valid-from", "2027-02-29"]), "INVALID_DATE", "--valid-from");
    expectRefused(await medzk(["issuers", "add-key", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", k3, "--valid-from", "2027-02-02", "--valid-until", "2027-02-01"]), "USAGE", "--valid-from", 2);
    // 129 characters: the parser refuses the result, so nothing is written.
    expectRefused(await medzk(["issuers", "add", "--registry", "issuers.json", "--issuer-id", "x".repeat(129), "--key", k3]), "INVALID_REGISTRY", "nothing was written");
    expectRefused(await medzk(["issuers", "add", "--registry", "issuers.json", "--issuer-id", "twice", "--key", k3, "--schema", "a", "--schema", "a"]), "INVALID_REGISTRY", "listed twice");
    expectRefused(await medzk(["issuers", "add-key", "--registry", "missing.json", "--issuer-id", "st-mary", "--key", k3]), "INPUT", "missing.json: no such file");
    expectRefused(await medzk(["issuers", "add-key", "--issuer-id", "st-mary", "--key", k3]), "USAGE", "--registry", 2);
    expect(await text("issuers.json")).toBe(before);

    // A hand-edited file with a misspelt property is refused as verifiers would refuse it, and left alone.
    const typo = JSON.parse(before) as { issuers: { keys: Record<string, string>[] }[] };
    typo.issuers[0]!.keys[0]!["validUntill"] = "2030-01-01";
    await writeFile(join(dir, "typo.json"), JSON.stringify(typo));
    expectRefused(await medzk(["issuers", "add-key", "--registry", "typo.json", "--issuer-id", "st-mary", "--key", k3]), "INVALID_REGISTRY", "validUntill");
    expect(JSON.parse(await text("typo.json"))).toEqual(typo);
  });

  it("lands every one of parallel add-key and add runs (the file is locked and replaced atomically)", async () => {
    await ok(["issuers", "init", "--out", "parallel.json"]);
    await ok(["issuers", "add", "--registry", "parallel.json", "--issuer-id", "lab", "--key", generateIssuerKey().publicKey]);
    const keys = Array.from({ length: 8 }, () => generateIssuerKey().publicKey);
    const others = Array.from({ length: 4 }, (_, i) => [`clinic-${i}`, generateIssuerKey().publicKey] as const);
    const runs = await Promise.all([
      ...keys.map((key, i) => medzk(["issuers", "add-key", "--registry", "parallel.json", "--issuer-id", "lab", "--key", key, "--valid-from", `2026-01-${String(i + 1).padStart(2, "0")}`])),
      ...others.map(([id, key]) => medzk(["issuers", "add", "--registry", "parallel.json", "--issuer-id", id, "--key", key])),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const registry = (await expectValidRegistry("parallel.json")) as { issuers: { id: string; keys: { publicKey: string }[] }[] };
    const lab = registry.issuers.find((issuer) => issuer.id === "lab")!;
    expect(lab.keys.slice(1).map((key) => key.publicKey).sort()).toEqual([...keys].sort());
    expect(registry.issuers.map((issuer) => issuer.id).sort()).toEqual(["clinic-0", "clinic-1", "clinic-2", "clinic-3", "lab"]);
  });

  it("creates a registry exactly once when init runs race", async () => {
    const runs = await Promise.all([0, 1, 2, 3].map(() => medzk(["issuers", "init", "--out", "race.json"])));
    expect(runs.map((run) => run.code).sort()).toEqual([0, 3, 3, 3]);
    expect(await expectValidRegistry("race.json")).toEqual({ format: "medzk-issuers/v1", issuers: [] });
  });

  it("waits for a held lock and breaks the lock of a dead process", async () => {
    await ok(["issuers", "init", "--out", "locked.json"]);
    // Held by a live process (this one): the command waits until it is released.
    await writeFile(join(dir, "locked.json.lock"), `${process.pid} ${hostname()} ${Date.now()}`);
    const waiting = medzk(["issuers", "add", "--registry", "locked.json", "--issuer-id", "a", "--key", generateIssuerKey().publicKey]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await json("locked.json"))["issuers"]).toEqual([]);
    await rm(join(dir, "locked.json.lock"));
    expect((await waiting).code).toBe(0);
    // Held by a process that is gone: broken at once.
    const dead = await new Promise<number>((done) => {
      const child = execFile(process.execPath, ["-e", ""], () => done(child.pid!));
    });
    await writeFile(join(dir, "locked.json.lock"), `${dead} ${hostname()} ${Date.now()}`);
    await ok(["issuers", "add", "--registry", "locked.json", "--issuer-id", "b", "--key", generateIssuerKey().publicKey]);
    expect(((await expectValidRegistry("locked.json"))["issuers"] as { id: string }[]).map((issuer) => issuer.id)).toEqual(["a", "b"]);
    // Through a symlink: the file it points at changes, the link stays a link.
    await symlink("locked.json", join(dir, "link.json"));
    await ok(["issuers", "add", "--registry", "link.json", "--issuer-id", "c", "--key", generateIssuerKey().publicKey]);
    expect((await lstat(join(dir, "link.json"))).isSymbolicLink()).toBe(true);
    expect(((await expectValidRegistry("locked.json"))["issuers"] as { id: string }[]).map((issuer) => issuer.id)).toEqual(["a", "b", "c"]);
  });

  it("a verifier using the file accepts under the current key, refuses a key rotated away or compromised, and accepts a just-replaced revocation root", async () => {
    const [k1, k2] = [await publicKey("k1.json"), await publicKey("k2.json")];
    await writeFile(
      join(dir, "verifier.json"),
      JSON.stringify({ purpose: "claims", presets: { adult: { type: "ageAtLeast", minAge: 18 } }, issuersFile: "issuers.json", signingKey: { file: "verifier.key" }, listen: { port: 0 } }),
    );
    // The same presentation is verified again after each registry change: a fresh challenge store
    // per run, or the CLI's replay protection (one acceptance across runs) would answer instead.
    let runs = 0;
    const verify = async (presentation: string) =>
      JSON.parse((await medzk(["verify", "--config", "verifier.json", "--challenges", `challenges-${++runs}.json`, presentation])).stdout) as { result: { ok: boolean; issuerId?: string; error?: { code: string } } };
    const common = ["--holder-commitment", "holder.json", "--schema", "patient-record/v1", "--attributes", '{"dateOfBirth":"1990-04-01"}', "--revocation", "status.json"];
    const prove = async (credential: string, out: string) => {
      await ok(["request", "--config", "verifier.json", "--preset", "adult", "--out", `request-${out}`]);
      await ok(["prove", "--credential", credential, "--holder", "holder.json", "--request", `request-${out}`, "--revocation", "status.json", "--out", out]);
    };

    // Revocation: the issuer's status root becomes the registry's current root.
    await ok(["revocation", "init", "--issuer-id", "st-mary", "--out", "status.json"]);
    await ok(["issue", "--issuer", "k1.json", ...common, "--out", "c1.json"]);
    const first = JSON.parse(await ok(["issuers", "root", "--registry", "issuers.json", "--status", "status.json"])) as { current: string };
    expect(first).toEqual({ current: (await json("status.json"))["root"], previous: [] });
    await prove("c1.json", "p1.json");
    expect((await verify("p1.json")).result).toMatchObject({ ok: true, issuerId: "st-mary" });

    // Rotation from today: the old key's last day is yesterday, so its presentations are refused today.
    const today = utcDate(new Date());
    const rotated = JSON.parse(await ok(["issuers", "rotate", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", "k2.json"])) as { keys: unknown[] };
    const yesterday = utcDate(new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000));
    expect(rotated.keys).toEqual([
      { publicKey: k1, validUntil: yesterday, status: "active" },
      { publicKey: k2, validFrom: today, status: "active" },
    ]);
    await expectValidRegistry("issuers.json");
    expect((await verify("p1.json")).result).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_NOT_VALID" } });
    // Rotating again is refused: the new key is already there.
    expectRefused(await medzk(["issuers", "rotate", "--registry", "issuers.json", "--issuer-id", "st-mary", "--key", "k2.json"]), "DUPLICATE_KEY", '"st-mary"');

    await ok(["issue", "--issuer", "k2.json", ...common, "--out", "c2.json"]);
    await prove("c2.json", "p2.json");
    expect((await verify("p2.json")).result).toMatchObject({ ok: true, issuerId: "st-mary" });

    // A revocation publishes a new root; p2 was proven against the old one, which stays
    // acceptable for maxRootAgeSeconds (default one hour) after its replacement.
    await ok(["revocation", "revoke", "--status", "status.json", "0"]);
    const second = JSON.parse(await ok(["issuers", "root", "--registry", "issuers.json", "--status", "status.json"])) as { current: string; previous: { root: string; replacedAt: string }[] };
    expect(second.current).toBe((await json("status.json"))["root"]);
    expect(second.current).not.toBe(first.current);
    expect(second.previous).toEqual([{ root: first.current, replacedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) }]);
    await expectValidRegistry("issuers.json");
    expect((await verify("p2.json")).result).toMatchObject({ ok: true });

    // Compromise: refused on every day, and final.
    await ok(["issuers", "compromise", "--registry", "issuers.json", "--key", k2]);
    expect((await verify("p2.json")).result).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_COMPROMISED" } });
    expectRefused(await medzk(["issuers", "retire", "--registry", "issuers.json", "--key", k2]), "KEY_COMPROMISED", "final");
    // Retiring the old key: refused with its own code (status wins over dates).
    await ok(["issuers", "retire", "--registry", "issuers.json", "--key", "k1.json"]);
    expect((await verify("p1.json")).result).toMatchObject({ ok: false, error: { code: "ISSUER_KEY_RETIRED" } });
    expectRefused(await medzk(["issuers", "compromise", "--registry", "issuers.json", "--key", generateIssuerKey().publicKey]), "UNKNOWN_KEY", "issuers.json");
    await expectValidRegistry("issuers.json");
  });

  it("checks a registry as verifiers read it, and says which keys are accepted on a day", async () => {
    const [k1, k2] = [await publicKey("k1.json"), await publicKey("k2.json")];
    const before = await text("issuers.json");
    const report = JSON.parse(await ok(["issuers", "check", "--registry", "issuers.json", "--on", "2020-01-01"])) as unknown;
    expect(report).toEqual({
      on: "2020-01-01",
      keys: [
        { issuer: "st-mary", publicKey: k1, accepted: false, code: "ISSUER_KEY_RETIRED" },
        { issuer: "st-mary", publicKey: k2, accepted: false, code: "ISSUER_KEY_COMPROMISED" },
      ],
    });
    expect(await text("issuers.json")).toBe(before);
    expectRefused(await medzk(["issuers", "check", "--registry", "typo.json"]), "INVALID_REGISTRY", "validUntill");
    expectRefused(await medzk(["issuers", "check", "--registry", "issuers.json", "--on", "tomorrow"]), "INVALID_DATE", "--on");
  });

  it("lists the commands in help", async () => {
    const help = await ok(["--help"]);
    for (const name of ["init", "add", "add-key", "rotate", "retire", "compromise", "root", "check"]) {
      expect(help).toContain(`  issuers ${name} `);
      expect(await ok(["issuers", name, "--help"])).toMatch(new RegExp(`^Usage: medzk issuers ${name}\\b`));
    }
    expect((await medzk(["issuers"])).code).toBe(2);
  });
});

/** The fenced block after the HTML comment starting with `marker` in docs/issuers.md. */
async function docsBlock(marker: string): Promise<string> {
  const doc = await readFile("docs/issuers.md", "utf8");
  const at = doc.indexOf(`<!-- ${marker}`);
  expect(at, marker).toBeGreaterThan(0);
  const match = /```\w*\n([\s\S]*?)```/.exec(doc.slice(at));
  return match![1]!;
}

describe("docs/issuers.md", () => {
  it("its example registry is valid by the parser and the schema", async () => {
    const example = JSON.parse(await docsBlock("example registry")) as unknown;
    expect(() => assertIssuerRegistryFile(example)).not.toThrow();
    expect(validateSchema(example), JSON.stringify(validateSchema.errors)).toBe(true);
  });

  it("its walkthrough runs as written, with its verifier.json, and the presentation is accepted", async () => {
    const walkDir = await mkdtemp(join(tmpdir(), "medzk-issuers-docs-"));
    try {
      await writeFile(join(walkDir, "verifier.json"), await docsBlock("verifier.json"));
      const script = `set -e\nmedzk() { "${process.execPath}" "${CLI}" "$@"; }\n${await docsBlock("walkthrough")}`;
      const run = await new Promise<Run>((done) => {
        execFile("bash", ["-c", script], { cwd: walkDir, timeout: 120_000 }, (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }));
      });
      expect(run.code, run.stderr).toBe(0);
      const last = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as unknown;
      expect(last).toMatchObject({ file: "presentation.json", result: { ok: true, preset: "adult", issuerId: "st-mary" } });
    } finally {
      await rm(walkDir, { recursive: true, force: true });
    }
  });
});
