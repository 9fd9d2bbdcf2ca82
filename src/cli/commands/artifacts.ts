/**
 * `medzk artifacts check` and `medzk circuits build`: the circuit artifacts.
 *
 * In a repository checkout both run the repository's own scripts (scripts/check-artifacts.mjs,
 * scripts/build-circuits.mjs), so `npm run check:artifacts` and the CLI cannot disagree. An
 * installed package has no circuit sources or compiler: there `artifacts check` falls back to
 * hashing the shipped files against the manifest and says so, and `circuits build` refuses.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { MANIFEST } from "../../artifacts/manifest.js";
import { CliError, EXIT, inputError, usageError } from "../cli-error.js";
import type { Command } from "../io.js";

/** The medzk package directory this CLI belongs to (a checkout or an installed package). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "medzk") return dir;
      } catch {
        // not ours; keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new CliError(EXIT.INTERNAL, "INTERNAL", "cannot find the medzk package directory");
    dir = parent;
  }
}

/** Why the circuit tool chain is not usable here, or undefined if it is. */
function missingToolchain(root: string, script: string): string | undefined {
  for (const path of [join("scripts", script), join("circuits", "main")]) {
    if (!existsSync(join(root, path))) return `${path} is missing (not a repository checkout)`;
  }
  try {
    createRequire(join(root, "package.json")).resolve("circom2/package.json");
  } catch {
    return "the circom2 compiler is not installed (run npm ci in the checkout)";
  }
  return undefined;
}

export const artifactsCheck: Command = {
  name: "artifacts check",
  summary: "check the circuit artifacts against their sources and pins",
  help: `Usage: medzk artifacts check [--fast]

In a repository checkout: recompiles every circuit and checks that the r1cs and wasm are the ones
the manifest pins, that every artifact file matches its SHA-256, that each verification key is
its proving key's, and (unless --fast) that each proving key descends from the r1cs and the
powers of tau (snarkjs zkey verify). Takes about a minute.
In an installed package (no circuits/ or compiler): checks the shipped artifact files against
the manifest's SHA-256 pins only, and says so.

Exit status: 0 if everything matches, 1 if anything differs.

Options:
  --fast        skip the proving-key verification (checkout only)
  -h, --help    show this help`,
  options: { fast: { type: "boolean" } },
  async run(args) {
    const root = packageRoot();
    const missing = missingToolchain(root, "check-artifacts.mjs") ?? (existsSync(join(root, "ceremony")) ? undefined : "ceremony/ is missing");
    let problems: string[];
    if (missing === undefined) {
      const script = pathToFileURL(join(root, "scripts", "check-artifacts.mjs")).href;
      const { checkArtifacts } = (await import(script)) as { checkArtifacts: (o: object) => Promise<string[]> };
      problems = await checkArtifacts({ verifyZkey: args.values["fast"] !== true, log: (m: string) => process.stderr.write(`medzk: artifacts: ${m}\n`) });
      problems.push(...(await bundledManifestProblems(root)));
      if (problems.length === 0) process.stdout.write(`OK: artifacts match the circuit sources in ${root}\n`);
    } else {
      process.stderr.write(`medzk: artifacts: ${missing}: checking the shipped files against their SHA-256 pins only, without recompiling\n`);
      problems = await shippedFileProblems(root);
      if (problems.length === 0) process.stdout.write(`OK: the shipped artifacts match their pins (not recompiled: ${missing})\n`);
    }
    for (const p of problems) process.stderr.write(`medzk: artifacts: ${p}\n`);
    return problems.length === 0 ? EXIT.OK : EXIT.REFUSED;
  },
};

/** The manifest on disk must be the one bundled into this build (the pins the prover uses). */
async function bundledManifestProblems(root: string): Promise<string[]> {
  let onDisk: { circuits?: unknown };
  try {
    onDisk = JSON.parse(await readFile(join(root, "artifacts", "manifest.json"), "utf8")) as { circuits?: unknown };
  } catch (cause) {
    throw inputError(`cannot read artifacts/manifest.json in ${root}: ${(cause as Error).message}`, cause);
  }
  return JSON.stringify(onDisk.circuits) === JSON.stringify(MANIFEST.circuits)
    ? []
    : ["artifacts/manifest.json differs from the manifest built into this CLI: rebuild it (npm run build)"];
}

async function shippedFileProblems(root: string): Promise<string[]> {
  const problems = await bundledManifestProblems(root);
  for (const entry of Object.values(MANIFEST.circuits)) {
    for (const file of Object.values(entry.files)) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(join(root, "artifacts", file.path)));
      } catch {
        problems.push(`${entry.name}: artifacts/${file.path} is missing`);
        continue;
      }
      if (bytesToHex(sha256(bytes)) !== file.sha256) problems.push(`${entry.name}: artifacts/${file.path} does not match its pin`);
    }
  }
  return problems;
}

export const circuitsBuild: Command = {
  name: "circuits build",
  summary: "rebuild the circuit artifacts (repository checkout only)",
  help: `Usage: medzk circuits build [<circuit> ...]

Recompiles the circuits (all, or the ones named: ${Object.keys(MANIFEST.circuits).join(", ")}),
runs a Groth16 setup with a fresh phase-2 contribution and rewrites artifacts/ and its manifest
(scripts/build-circuits.mjs; ~45 s, plus ~8 minutes if the powers of tau must be made). Progress
lines go to stderr. The new keys are development keys (SECURITY.md); rebuild the package
afterwards (npm run build) so the bundled verification keys match.

Needs a repository checkout with its devDependencies installed.

Options:
  -h, --help    show this help`,
  options: {},
  positionals: true,
  async run(args) {
    for (const name of args.positionals) {
      if (!(name in MANIFEST.circuits)) throw usageError(`unknown circuit ${JSON.stringify(name)}; known: ${Object.keys(MANIFEST.circuits).join(", ")}`);
    }
    const root = packageRoot();
    const missing = missingToolchain(root, "build-circuits.mjs");
    if (missing !== undefined) throw inputError(`circuits build needs a medzk repository checkout: ${missing}`);
    const child = spawn(process.execPath, [join(root, "scripts", "build-circuits.mjs"), ...args.positionals], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    // The script's progress is not this command's output: pass it on to stderr.
    child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (status !== 0) throw new CliError(EXIT.INTERNAL, "BUILD_FAILED", `scripts/build-circuits.mjs exited with status ${status}`);
    process.stdout.write(`rebuilt ${args.positionals.length ? args.positionals.join(", ") : "all circuits"} in ${join(root, "artifacts")}; run npm run build next\n`);
    return 0;
  },
};
