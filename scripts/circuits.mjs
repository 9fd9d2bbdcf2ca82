// The circuit registry and the circom2 compile step, shared by the artifact build, the
// consistency check and the circuit tests, so all three compile exactly the same way.
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ARTIFACTS_DIR = join(ROOT, "artifacts");
export const BUILD_DIR = join(ROOT, "build", "circuits");
export const CEREMONY_DIR = join(ROOT, "ceremony");
export const PTAU_POWER = 14;
export const PTAU_FILE = join(CEREMONY_DIR, `pot${PTAU_POWER}_final.ptau`);

/** Every shipped circuit: `name` is the file stem under circuits/main and artifacts/. */
export const CIRCUITS = [
  { name: "age_at_least", statement: "ageAtLeast" },
  { name: "insurance_active", statement: "insuranceActive" },
  { name: "query", statement: "query" },
];

const require = createRequire(import.meta.url);
const circom2Cli = join(dirname(require.resolve("circom2/package.json")), "cli.js");

/**
 * Compiles circuits/main/<name>.circom with circom2 (--O2) into outDir.
 * Returns the paths of the r1cs, wasm and sym files.
 */
export async function compileCircuit(name, outDir = join(BUILD_DIR, name)) {
  await mkdir(outDir, { recursive: true });
  const source = join(ROOT, "circuits", "main", `${name}.circom`);
  await promisify(execFile)(
    process.execPath,
    [circom2Cli, source, "--r1cs", "--wasm", "--sym", "--O2", "-l", join(ROOT, "node_modules"), "-o", outDir],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  return {
    r1cs: join(outDir, `${name}.r1cs`),
    wasm: join(outDir, `${name}_js`, `${name}.wasm`),
    sym: join(outDir, `${name}.sym`),
  };
}
