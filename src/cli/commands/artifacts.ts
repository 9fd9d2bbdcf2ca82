/**
 * `medzk artifacts check`: the circuit artifacts against their sources and pins.
 *
 * In a repository checkout it runs the repository's own scripts/check-artifacts.mjs, so `npm run
 * check:artifacts` and the CLI cannot disagree. An installed package has no circuit sources or
 * compiler: there it falls back to hashing the shipped files against the manifest and says so.
 * Rebuilding artifacts needs a checkout and is an npm script (`npm run build:circuits`), not a
 * command.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { MANIFEST } from "../../artifacts/manifest.js";
import { CliError, EXIT, inputError } from "../cli-error.js";
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
    if (parent === dir) throw new CliError("INTERNAL", "cannot find the medzk package directory");
    dir = parent;
  }
}

/** Why the circuit tool chain is not usable here, or undefined if it is. */
function missingToolchain(root: string): string | undefined {
  for (const path of [join("scripts", "check-artifacts.mjs"), join("circuits", "circuits.json"), "ceremony"]) {
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

In a repository checkout: compiles every circuit of circuits/circuits.json (reusing the
checkout's compile cache when the sources are unchanged) and checks that the r1cs and wasm are
the ones the manifest pins, that the public signals are the registry's, that every artifact file
matches its SHA-256, that each verification key is its proving key's, and (unless --fast) that
each proving key descends from the r1cs and the powers of tau (snarkjs zkey verify).
In an installed package (no circuits/ or compiler): checks the shipped artifact files against
the manifest's SHA-256 pins only, and says so.

Exit status: 0 if everything matches, 1 if anything differs.

Options:
  --fast        skip the proving-key verification (checkout only)
  --fresh       compile and run zkey new afresh instead of reusing the checkout's cache
                (build/circuits/cache/, shared with the tests and npm run build:circuits)
  -h, --help    show this help`,
  options: { fast: { type: "boolean" }, fresh: { type: "boolean" } },
  async run(args) {
    const root = packageRoot();
    const missing = missingToolchain(root);
    let problems: string[];
    if (missing === undefined) {
      const script = pathToFileURL(join(root, "scripts", "check-artifacts.mjs")).href;
      const { checkArtifacts } = (await import(script)) as { checkArtifacts: (o: object) => Promise<string[]> };
      problems = await checkArtifacts({ verifyZkey: args.values["fast"] !== true, fresh: args.values["fresh"] === true, log: (m: string) => process.stderr.write(`medzk: artifacts: ${m}\n`) });
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
