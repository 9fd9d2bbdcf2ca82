/**
 * The packages as users install them: each packed tarball (`medzk` from the build `npm test`
 * makes, `@medzk/verifier` from scripts/pack-verifier.mjs) installed with npm into an empty
 * project. The verifier-only install stays small and carries no prover, issuer, circuit tooling or
 * HTTP server, and still verifies a real presentation that the full package proves in its own
 * project; the full install prints no engine warning on this Node and carries no circomlibjs.
 * The size bounds are the issue's; the figures themselves come from `npm run bench:install`.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFootprint, packFullPackage } from "../../scripts/pack-footprint.mjs";
import { FORBIDDEN, VERIFIER_PACKAGE_DIR, packVerifierPackage } from "../../scripts/pack-verifier.mjs";

const run = promisify(execFile);
const MB = 1024 * 1024;

type Footprint = Awaited<ReturnType<typeof installFootprint>>;
let verifier: Footprint;
let full: Footprint;

beforeAll(async () => {
  // One after the other: npm installs share its cache, and the machine has few cores.
  // Its own build directory: package.test.ts builds the same package into the default one, and
  // vitest may run the two files at the same time (each build starts by emptying its directory).
  verifier = await installFootprint(await packVerifierPackage({ outDir: join(VERIFIER_PACKAGE_DIR, "..", "verifier-install") }), { name: "@medzk/verifier" });
  full = await installFootprint(packFullPackage(), { name: "medzk" });
}, 600_000);

afterAll(() => {
  for (const install of [verifier, full]) if (install) rmSync(install.project, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** A child process spoken to in JSON lines: `next()` reads its next line, `send()` writes one. */
function talk(cwd: string, script: string, args: string[] = []) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, ...args], { cwd });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async next(): Promise<Record<string, unknown>> {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${script} ended early: ${stderr}`);
      return JSON.parse(value as string);
    },
    send(value: unknown) {
      child.stdin.write(`${JSON.stringify(value)}\n`);
    },
    exited: new Promise<number | null>((resolve) => child.on("exit", resolve)),
  };
}

// The verifier's side, in the @medzk/verifier project: its key, then a request, then its verdicts.
const VERIFIER_SCRIPT = `
import { createInterface } from "node:readline";
import { MemoryIssuerRegistry, PostgresAuditLog, createVerifier, generateVerifierKey } from "@medzk/verifier";
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const say = (value) => console.log(JSON.stringify(value));
const key = generateVerifierKey();
say({ verifierPublicKey: key.publicKey });
const { issuerPublicKey } = await next();
const issuers = new MemoryIssuerRegistry([{ id: "st-mary", keys: [{ publicKey: issuerPublicKey }], schemas: ["patient-record/v1"] }]);
// Batches of two and more are verified on worker threads (the bundled engine's thread pool).
const verifier = createVerifier({ issuers, key, name: "Acme Health", purpose: "claims", parallel: { minBatch: 2 } });
const ask = () => verifier.createRequest({ statement: { type: "ageAtLeast", minAge: 18 } });
say({ requests: [ask(), ask(), ask()] });
const { presentations: [presentation, ...more] } = await next();
const first = await verifier.verify(presentation);
const replay = await verifier.verify(presentation);
const tampered = await verifier.verify({ ...presentation, proof: { ...presentation.proof, pi_a: [presentation.proof.pi_c[0], presentation.proof.pi_c[1], "1"] } });
const batch = await verifier.verifyBatch(more);
// The shared threaded curve the batch ran on (ffjavascript's cache, filled by medzk's bundled engine).
const workers = globalThis.curve_bn128?.tm?.workers?.length ?? 0;
const missingPg = await PostgresAuditLog.connect("postgres://localhost/medzk", { verifier: key.publicKey }).then(() => "connected", (e) => ({ code: e.code, message: e.message }));
say({ first, replay, tampered, batch, workers, missingPg });
process.stdin.destroy();
`;

// The holder's side, in the medzk project: an issuer signs a record, the wallet answers the request.
const HOLDER_SCRIPT = `
import { createInterface } from "node:readline";
import { createHolder, createWallet, generateIssuerKey, issueCredential } from "medzk";
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const say = (value) => console.log(JSON.stringify(value));
const hospital = generateIssuerKey();
const patient = createHolder();
const record = await issueCredential(hospital, { schema: "patient-record/v1", holderCommitment: patient.commitment, attributes: { dateOfBirth: "1990-03-14" } });
const wallet = createWallet({ holder: patient, credentials: [record], trustedVerifiers: [{ publicKey: process.argv[2], name: "Acme Health", purposes: ["claims"] }] });
say({ issuerPublicKey: hospital.publicKey });
const { requests } = await next();
const presentations = [];
for (const request of requests) presentations.push(await wallet.respond(request));
say({ presentations });
process.stdin.destroy();
`;

describe("@medzk/verifier, installed from its tarball into an empty project", () => {
  it("stays within 40 MB with medzk's own files within 2 MB, and carries no prover, issuer, circuit tooling or HTTP server", () => {
    expect(verifier.installedBytes).toBeLessThanOrEqual(40 * MB);
    expect(verifier.ownBytes).toBeLessThanOrEqual(2 * MB);
    expect(verifier.forbidden).toEqual([]);
    const names = verifier.packages.map((p) => p.replace(/@[^@]*$/, ""));
    for (const name of FORBIDDEN) expect(names).not.toContain(name);
    // medzk's own files: the builds, their types, README and LICENSE; no proving keys, circuits or maps.
    const own = filesUnder(join(verifier.project, "node_modules", "@medzk", "verifier")).sort();
    expect(own).toEqual(["LICENSE", "README.md", "dist/verifier.cjs", "dist/verifier.d.cts", "dist/verifier.d.ts", "dist/verifier.js", "package.json"]);
    const pkg = JSON.parse(readFileSync(join(verifier.project, "node_modules", "@medzk", "verifier", "package.json"), "utf8"));
    const root = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(pkg.version).toBe(root.version);
    expect(pkg.peerDependenciesMeta).toEqual({ pg: { optional: true } });
    for (const [dep, range] of Object.entries(pkg.dependencies)) if (root.dependencies[dep]) expect(range, dep).toBe(root.dependencies[dep]);
  });

  it("verifies presentations the full medzk package proved (singly, and a batch on worker threads), refuses a replay and a tampered proof, says MISSING_DEPENDENCY without pg, and exits by itself", async () => {
    writeFileSync(join(verifier.project, "verifier.mjs"), VERIFIER_SCRIPT);
    writeFileSync(join(full.project, "holder.mjs"), HOLDER_SCRIPT);
    const v = talk(verifier.project, "verifier.mjs");
    const { verifierPublicKey } = await v.next();
    const h = talk(full.project, "holder.mjs", [verifierPublicKey as string]);
    v.send(await h.next());
    h.send(await v.next());
    v.send(await h.next());
    const { first, replay, tampered, batch, workers, missingPg } = await v.next();
    expect(first).toMatchObject({ ok: true, statement: { type: "ageAtLeast", minAge: 18 }, issuerId: "st-mary" });
    expect(replay).toMatchObject({ ok: false, error: { code: "REQUEST_REPLAYED" } });
    expect(tampered).toMatchObject({ ok: false });
    expect(batch).toMatchObject([{ ok: true }, { ok: true }]);
    expect(workers).toBeGreaterThan(0);
    expect(missingPg).toEqual({ code: "MISSING_DEPENDENCY", message: expect.stringContaining("npm install pg") });
    expect(await v.exited).toBe(0);
    expect(await h.exited).toBe(0);
  }, 180_000);

  it("loads with require() as well, and its files point at no missing source map", async () => {
    const { stdout } = await run(process.execPath, ["-e", `const m = require("@medzk/verifier"); console.log(typeof m.createVerifier, typeof m.MemoryIssuerRegistry)`], { cwd: verifier.project });
    expect(stdout.trim()).toBe("function function");
    const dir = join(verifier.project, "node_modules", "@medzk", "verifier");
    for (const file of filesUnder(dir).filter((f) => /\.[cm]?js$/.test(f))) expect(readFileSync(join(dir, file), "utf8"), file).not.toMatch(/sourceMappingURL/);
  });
});

describe("medzk, installed from its tarball into an empty project", () => {
  it(`prints no engine warning on this Node (${process.version}): fastify's light-my-request dedupes onto the pinned 6.6.0 and its cookie@1`, () => {
    expect(full.engineWarnings).toEqual([]);
    expect(full.log).not.toMatch(/EBADENGINE|Unsupported engine/);
    // Nor a package with an install script (circomlibjs's blake-hash built a native addon).
    expect(full.log).not.toMatch(/install-scripts/);
    const lightMyRequest = full.packages.filter((p) => p.startsWith("light-my-request@"));
    expect(lightMyRequest).toEqual(["light-my-request@6.6.0"]);
    expect(full.packages.filter((p) => p.startsWith("cookie@"))).toEqual([expect.stringMatching(/^cookie@1\./)]);
  });

  it("no longer installs circomlibjs (nor its ethers v5 and blake-hash build); its EdDSA comes from @zk-kit/eddsa-poseidon", () => {
    const names = full.packages.map((p) => p.replace(/@[^@]*$/, ""));
    for (const gone of ["circomlibjs", "ethers", "blake-hash"]) expect(names).not.toContain(gone);
    expect(names).toEqual(expect.arrayContaining(["@zk-kit/eddsa-poseidon", "snarkjs", "ffjavascript", "fastify"]));
  });
});
