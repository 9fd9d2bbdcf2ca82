#!/usr/bin/env node
// Checks that the committed artifacts are exactly what the circuit sources produce:
//   - recompiling each circuit gives the r1cs and wasm the manifest pins (circom2 is deterministic);
//   - every shipped file has the SHA-256 the manifest pins, and so does the powers of tau;
//   - each verification key is the one exported from its proving key, with gamma != delta;
//   - each proving key descends from that r1cs and that powers of tau (snarkjs zkey verify).
// Exits non-zero and lists every disagreement. Usage: node scripts/check-artifacts.mjs [--fast]
// (--fast skips the ~12 s per circuit zkey verification).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { ARTIFACTS_DIR, BUILD_DIR, CIRCUITS, PTAU_FILE, ROOT, compileCircuit } from "./circuits.mjs";
import { sha256File } from "./hash.mjs";

export async function checkArtifacts({ verifyZkey = true, log = () => {} } = {}) {
  const problems = [];
  const manifest = JSON.parse(await readFile(join(ARTIFACTS_DIR, "manifest.json"), "utf8"));
  if ((await sha256File(PTAU_FILE)) !== manifest.ptau.sha256) problems.push(`ptau: ${manifest.ptau.path} does not match its pin`);
  for (const { name } of CIRCUITS) {
    const entry = manifest.circuits[name];
    if (!entry) {
      problems.push(`${name}: missing from the manifest`);
      continue;
    }
    log(`${name}: compile`);
    const out = await compileCircuit(name, join(BUILD_DIR, "check", name));
    if ((await sha256File(out.r1cs)) !== entry.r1cs) problems.push(`${name}: the circuit source compiles to a different r1cs than the one the keys were made for`);
    if ((await sha256File(out.wasm)) !== entry.files.wasm.sha256) problems.push(`${name}: the circuit source compiles to a different wasm than the shipped one`);
    for (const file of Object.values(entry.files)) {
      if ((await sha256File(join(ARTIFACTS_DIR, file.path))) !== file.sha256) problems.push(`${name}: ${file.path} does not match its pin`);
    }
    const zkey = join(ARTIFACTS_DIR, entry.files.zkey.path);
    const shipped = JSON.parse(await readFile(join(ARTIFACTS_DIR, entry.files.vkey.path), "utf8"));
    const exported = await snarkjs.zKey.exportVerificationKey(zkey);
    if (JSON.stringify(shipped) !== JSON.stringify(exported)) problems.push(`${name}: the verification key is not the proving key's`);
    if (JSON.stringify(shipped.vk_gamma_2) === JSON.stringify(shipped.vk_delta_2)) problems.push(`${name}: no phase-2 contribution (gamma == delta)`);
    if (verifyZkey) {
      log(`${name}: zkey verify against r1cs and ptau`);
      if (!(await snarkjs.zKey.verifyFromR1cs(out.r1cs, PTAU_FILE, zkey))) problems.push(`${name}: the proving key does not verify against the r1cs and the powers of tau`);
    }
  }
  await globalThis.curve_bn128?.terminate();
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = await checkArtifacts({ verifyZkey: !process.argv.includes("--fast"), log: (m) => console.log(`[check-artifacts] ${m}`) });
  if (problems.length > 0) {
    console.error(`[check-artifacts] ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}\nRebuild with: npm run build:circuits`);
    process.exit(1);
  }
  console.log(`[check-artifacts] OK: artifacts match circuits/ (${ROOT})`);
  process.exit(0);
}
