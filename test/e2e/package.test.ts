/**
 * The published packages: what `npm pack` ships, publint and are-the-types-wrong on the packed
 * tarballs (medzk, and @medzk/verifier from scripts/pack-verifier.mjs), no source-map URL that
 * points at a file not shipped, and that the verifier-only entry does not reach the prover, the
 * circuit tooling or circomlibjs. Runs on the build made by `npm test` (tsup before vitest).
 * test/e2e/install.test.ts installs both tarballs.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { afterAll, describe, expect, it } from "vitest";
import { entryFootprint } from "../../scripts/entry-footprint.mjs";
import { buildVerifierPackage } from "../../scripts/pack-verifier.mjs";
import pkg from "../../package.json" with { type: "json" };
import registry from "../../circuits/circuits.json" with { type: "json" };

const run = promisify(execFile);
const ROOT = new URL("../..", import.meta.url).pathname;

/** The files `npm pack` would ship from `dir`. */
async function packedFiles(dir: string): Promise<string[]> {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, maxBuffer: 1 << 24 });
  return JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
}

/**
 * `npm pack` of the checkout, made once (it hashes and compresses ~60 MB of artifacts: ~10 s of
 * CPU each time): the files it ships, for the tests that read them, and the tarball, for
 * are-the-types-wrong (which would otherwise pack again with --pack).
 */
let rootPack: Promise<{ tarball: string; files: string[] }> | undefined;
function packRoot(): Promise<{ tarball: string; files: string[] }> {
  rootPack ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), "medzk-pack-"));
    const { stdout } = await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], { cwd: ROOT, maxBuffer: 1 << 24 });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    return { tarball: join(out, packed!.filename), files: packed!.files.map((f) => f.path) };
  })();
  return rootPack;
}
afterAll(async () => {
  if (rootPack) await rm(dirname((await rootPack).tarball), { recursive: true, force: true });
});

/** Every `sourceMappingURL` in the shipped JavaScript of `dir` whose target is not shipped too. */
function danglingSourceMaps(dir: string, files: string[]): string[] {
  const dangling: string[] = [];
  for (const file of files.filter((f) => /\.[cm]?js$/.test(f))) {
    for (const [, url] of readFileSync(join(dir, file), "utf8").matchAll(/[#@]\s*sourceMappingURL=(\S+)/g)) {
      if (url!.startsWith("data:")) continue;
      const target = join(dirname(file), url!);
      if (!files.includes(target) || !existsSync(join(dir, target))) dangling.push(`${file} -> ${url}`);
    }
  }
  return dangling;
}

describe("the npm package", () => {
  it("ships the builds, types, pinned artifacts and docs, and no sources, tests, circuits or ceremony files", async () => {
    const { files } = await packRoot();
    // Every file any export condition points to, and the bin.
    const targets = (value: unknown): string[] =>
      typeof value === "string" ? [value] : Object.values(value as Record<string, unknown>).flatMap(targets);
    for (const [subpath, conditions] of Object.entries(pkg.exports)) {
      for (const file of targets(conditions)) expect(files, `${subpath} -> ${file}`).toContain(file.replace(/^\.\//, ""));
    }
    expect(files).toContain(pkg.bin.medzk.replace(/^\.\//, ""));
    // Every circuit of the registry (circuits/circuits.json), the hidden-issuer ones included.
    for (const circuit of Object.keys(registry.circuits)) {
      for (const ext of ["wasm", "zkey", "vkey.json"]) expect(files).toContain(`artifacts/${circuit}.${ext}`);
    }
    expect(files).toEqual(expect.arrayContaining(["artifacts/manifest.json", "README.md", "SECURITY.md", "LICENSE", "package.json"]));
    // The patient wallet page ships, at the path its relative imports (../../dist/browser, ../../artifacts) expect.
    expect(files.filter((f) => f.startsWith("examples/")).sort()).toEqual(
      ["hospitals.json", "index.html", "openid4vp.js", "serve.mjs", "shc.js", "verifiers.json", "wallet.css", "wallet.js"].map((f) => `examples/wallet/${f}`),
    );
    const unwanted = files.filter((f) => /^(src|test|circuits|ceremony|scripts|bench|scratch|node_modules|dist\/packages)\/|^examples\/(?!wallet\/)|\.map$|\.r1cs$|\.ptau$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it("ships no JavaScript whose sourceMappingURL points at a file it does not ship", async () => {
    const { files } = await packRoot();
    expect(files.filter((f) => /\.[cm]?js$/.test(f)).length).toBeGreaterThan(5);
    expect(danglingSourceMaps(ROOT, files)).toEqual([]);
  });

  it("passes publint", async () => {
    const { messages } = await publint({ pkgDir: ROOT, level: "suggestion" });
    expect(messages).toEqual([]);
  });

  it("passes are-the-types-wrong for ESM and CommonJS consumers (node16 and bundler resolution)", async () => {
    const bin = new URL("../../node_modules/.bin/attw", import.meta.url).pathname;
    // Through a file: attw exits before a large JSON report is flushed to a pipe.
    const out = join(mkdtempSync(join(tmpdir(), "medzk-attw-")), "report.json");
    const { tarball } = await packRoot();
    await run("sh", ["-c", `"${bin}" "${tarball}" --profile node16 --format json > "${out}"`], { cwd: ROOT }).catch(() => undefined);
    const report = JSON.parse(readFileSync(out, "utf8"));
    const problems = (report.analysis.problems ?? []).filter(
      (p: { kind: string; entrypoint: string; resolutionKind?: string }) =>
        // node10 resolution predates "exports" (subpaths cannot resolve there); medzk requires Node >= 20.
        p.resolutionKind !== "node10" &&
        // medzk/browser is an ES module bundle for browsers by design: require() of it is not offered.
        !(p.entrypoint === "./browser" && p.kind === "CJSResolvesToESM"),
    );
    expect(problems).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints)).toEqual(expect.arrayContaining([".", "./verifier", "./server", "./browser", "./chain"]));
  }, 120_000);

  it("medzk/verifier reaches neither the prover nor circomlibjs nor the circuit tooling", async () => {
    const footprint = await entryFootprint("verifier");
    const names = footprint.packages.map((p) => p.name);
    for (const heavy of ["snarkjs", "circomlibjs", "circom2", "circom_runtime", "r1csfile", "fastify", "pino", "blake-hash"]) expect(names).not.toContain(heavy);
    expect(names).toContain("ffjavascript");
    // The full entry does load the prover: the comparison is meaningful.
    expect((await entryFootprint("index")).packages.map((p) => p.name)).toContain("snarkjs");
  }, 60_000);
});

describe("@medzk/verifier, the verifier-only package", () => {
  let dir: string;

  it("ships its builds, types, README and LICENSE only, with no dangling source-map URL", async () => {
    ({ dir } = await buildVerifierPackage());
    const files = (await packedFiles(dir)).sort();
    expect(files).toEqual(["LICENSE", "README.md", "dist/verifier.cjs", "dist/verifier.d.cts", "dist/verifier.d.ts", "dist/verifier.js", "package.json"]);
    expect(danglingSourceMaps(dir, files)).toEqual([]);
    // ffjavascript's engine is inlined, and says so (GPL-3.0 like medzk).
    const bundle = readFileSync(join(dir, "dist/verifier.js"), "utf8");
    expect(bundle.split("\n")[0]).toMatch(/ffjavascript 0\.3\.1's engine \(GPL-3\.0/);
    expect(bundle).not.toMatch(/from ["']ffjavascript|wasmcurves|wasmbuilder/);
  }, 120_000);

  it("passes publint and are-the-types-wrong (node16 and bundler resolution)", async () => {
    dir ??= (await buildVerifierPackage()).dir;
    const { messages } = await publint({ pkgDir: dir, level: "suggestion" });
    expect(messages).toEqual([]);
    const bin = new URL("../../node_modules/.bin/attw", import.meta.url).pathname;
    const out = join(mkdtempSync(join(tmpdir(), "medzk-attw-")), "report.json");
    await run("sh", ["-c", `"${bin}" --pack . --profile node16 --format json > "${out}"`], { cwd: dir }).catch(() => undefined);
    const report = JSON.parse(readFileSync(out, "utf8"));
    expect((report.analysis.problems ?? []).filter((p: { resolutionKind?: string }) => p.resolutionKind !== "node10")).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints)).toEqual([".", "./package.json"]);
  }, 120_000);
});

describe("API reference", () => {
  it("typedoc builds it from the TSDoc comments with no warnings (broken links, unexported referenced types)", async () => {
    const bin = new URL("../../node_modules/.bin/typedoc", import.meta.url).pathname;
    // --skipErrorChecking: TypeScript's own diagnostics are tsc's job (`npm test` runs `tsc -p .`
    // first, over the same tsconfig); typedoc's validation (links, unexported types) still runs.
    // Checking the types twice cost ~35 s of CPU (54 s -> 19 s user time here).
    const { stdout, stderr } = await run(bin, ["--emit", "none", "--skipErrorChecking"], { cwd: ROOT, maxBuffer: 1 << 24 });
    expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
  }, 120_000);
});
