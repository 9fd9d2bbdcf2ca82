#!/usr/bin/env node
// Checks that the committed artifacts are exactly what the circuit sources produce:
//   - the manifest lists exactly the registry's circuits (circuits/circuits.json), each serving
//     a statement its registry entry names, with the registry's number of public signals;
//   - each circuit compiles to the r1cs and wasm the manifest pins (circom2 is deterministic),
//     with the registry's public signals in the registry's order (.sym) and the pinned
//     constraint count (r1cs header);
//   - every shipped file has the SHA-256 the manifest pins, and so does the powers of tau;
//   - each verification key is the one exported from its proving key, with gamma != delta;
//   - each proving key descends from that r1cs and that powers of tau (snarkjs zkey verify: zkey
//     new, whose output must have the SHA-256 the manifest pins as initialZkey, then verify from
//     that initial zkey; the two steps of snarkjs's verifyFromR1cs, with the pin checked between).
// NOTE: zkey new is ~97% of each verification (age_at_least, CPU: C 14 s, A 6, B1 6, B2 24; the
// verify from the initial zkey 1.5 s). A random-linear-combination check of the sections against
// the ptau would be cheaper but not the same guarantee: the contribution chain starts from a hash
// of the initial points (C = delta * L included, so computed per wire anyway), G2's cofactor has
// small factors (10069, ...) an RLC on B2 misses with probability ~1/10069, and snarkjs does not
// export its chain check. So the full zkey new stays.
// Compiles and initial zkeys come from the content-keyed cache shared with the circuit tests, the
// build script and the ceremony test (scripts/circuits.mjs), so each is computed once per source;
// --fresh compiles into build/circuits/check/ and runs zkey new into a temporary directory instead. Exits non-zero and lists every
// disagreement. Usage: node scripts/check-artifacts.mjs [--fast] [--fresh]
// (--fast skips the zkey verification, the slow part).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { ARTIFACTS_DIR, BUILD_DIR, CIRCUITS, PTAU_FILE, ROOT, compileCircuit, compiledCircuit, initialZkey } from "./circuits.mjs";
import { sha256File } from "./hash.mjs";
import { readR1csHeader } from "./r1cs-header.mjs";

/**
 * The names of a compiled circuit's public signals in order, from its .sym file: wires 1 to
 * nOutputs + nPubInputs (wire 0 is the constant 1), without the "main." prefix.
 */
export async function publicSignalNames(files) {
  const header = await readR1csHeader(files.r1cs);
  const count = header.nOutputs + header.nPubInputs;
  const names = new Array(count);
  for (const line of (await readFile(files.sym, "utf8")).split("\n")) {
    // "labelIdx,wireIdx,componentIdx,name"; public signals are never optimised away.
    const [, wireText, , ...rest] = line.split(",");
    const wire = Number(wireText);
    const name = rest.join(",");
    if (wire >= 1 && wire <= count && name.startsWith("main.") && !name.slice(5).includes(".")) names[wire - 1] ??= name.slice(5);
  }
  return { names, nOutputs: header.nOutputs, constraints: header.nConstraints };
}

/**
 * Every disagreement between the sources, the registry, the manifest and the shipped files, as
 * messages (none: all agree). `circuits` limits the per-circuit checks to those names (the suite
 * splits the slow zkey verification over several files so they run side by side).
 */
export async function checkArtifacts({ verifyZkey = true, fresh = false, circuits, log = () => {} } = {}) {
  const problems = [];
  const manifest = JSON.parse(await readFile(join(ARTIFACTS_DIR, "manifest.json"), "utf8"));
  if ((await sha256File(PTAU_FILE)) !== manifest.ptau.sha256) problems.push(`ptau: ${manifest.ptau.path} does not match its pin`);
  for (const name of Object.keys(manifest.circuits)) {
    if (!CIRCUITS.some((c) => c.name === name)) problems.push(`${name}: in the manifest but not in circuits/circuits.json`);
  }
  for (const name of circuits ?? []) if (!CIRCUITS.some((c) => c.name === name)) problems.push(`${name}: not in circuits/circuits.json`);
  for (const circuit of CIRCUITS.filter((c) => !circuits || circuits.includes(c.name))) {
    const { name } = circuit;
    const entry = manifest.circuits[name];
    if (!entry) {
      problems.push(`${name}: missing from the manifest`);
      continue;
    }
    if (!circuit.statements.includes(entry.statement)) problems.push(`${name}: the manifest says it serves "${entry.statement}", the registry ${circuit.statements.join(", ")}`);
    if (entry.publicSignals !== circuit.publicSignals.length) {
      problems.push(`${name}: the manifest pins ${entry.publicSignals} public signals, the registry lists ${circuit.publicSignals.length}`);
    }
    const out = fresh ? (log(`${name}: compile`), await compileCircuit(name, join(BUILD_DIR, "check", name))) : await compiledCircuit(name, { log });
    if ((await sha256File(out.r1cs)) !== entry.r1cs) problems.push(`${name}: the circuit source compiles to a different r1cs than the one the keys were made for`);
    if ((await sha256File(out.wasm)) !== entry.files.wasm.sha256) problems.push(`${name}: the circuit source compiles to a different wasm than the shipped one`);
    const compiled = await publicSignalNames(out);
    if (JSON.stringify(compiled.names) !== JSON.stringify(circuit.publicSignals)) {
      problems.push(`${name}: the compiled public signals are [${compiled.names.join(", ")}], the registry lists [${circuit.publicSignals.join(", ")}]`);
    }
    if (compiled.nOutputs !== circuit.outputs.length) problems.push(`${name}: the circuit has ${compiled.nOutputs} outputs, the registry lists ${circuit.outputs.length}`);
    if (compiled.constraints !== entry.constraints) problems.push(`${name}: ${compiled.constraints} constraints, the manifest pins ${entry.constraints}`);
    for (const file of Object.values(entry.files)) {
      if ((await sha256File(join(ARTIFACTS_DIR, file.path))) !== file.sha256) problems.push(`${name}: ${file.path} does not match its pin`);
    }
    const zkey = join(ARTIFACTS_DIR, entry.files.zkey.path);
    const shipped = JSON.parse(await readFile(join(ARTIFACTS_DIR, entry.files.vkey.path), "utf8"));
    const exported = await snarkjs.zKey.exportVerificationKey(zkey);
    if (JSON.stringify(shipped) !== JSON.stringify(exported)) problems.push(`${name}: the verification key is not the proving key's`);
    if (JSON.stringify(shipped.vk_gamma_2) === JSON.stringify(shipped.vk_delta_2)) problems.push(`${name}: no phase-2 contribution (gamma == delta)`);
    if (verifyZkey) {
      log(`${name}: zkey new and zkey verify against r1cs and ptau`);
      const work = fresh ? await mkdtemp(join(tmpdir(), "medzk-check-")) : undefined;
      try {
        let initial;
        if (work) {
          initial = { path: join(work, `${name}_0000.zkey`) };
          await snarkjs.zKey.newZKey(out.r1cs, PTAU_FILE, initial.path);
          initial.sha256 = await sha256File(initial.path);
        } else initial = await initialZkey(name, { log });
        if (initial.sha256 !== entry.initialZkey) problems.push(`${name}: zkey new on the r1cs and the powers of tau gives SHA-256 ${initial.sha256}, the manifest pins initialZkey ${entry.initialZkey}`);
        if (!(await snarkjs.zKey.verifyFromInit(initial.path, PTAU_FILE, zkey))) problems.push(`${name}: the proving key does not verify against the r1cs and the powers of tau`);
      } finally {
        if (work) await rm(work, { recursive: true, force: true });
      }
    }
  }
  await globalThis.curve_bn128?.terminate();
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = await checkArtifacts({
    verifyZkey: !process.argv.includes("--fast"),
    fresh: process.argv.includes("--fresh"),
    log: (m) => console.log(`[check-artifacts] ${m}`),
  });
  if (problems.length > 0) {
    console.error(`[check-artifacts] ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}\nRebuild with: npm run build:circuits`);
    process.exit(1);
  }
  console.log(`[check-artifacts] OK: artifacts match circuits/ (${ROOT})`);
  process.exit(0);
}
