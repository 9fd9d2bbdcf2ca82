#!/usr/bin/env node
// Rebuilds every circuit artifact from source:
//   1. the powers of tau (ceremony/pot14_final.ptau), only if it is missing (takes ~8 minutes);
//   2. per circuit: circom2 compile, Groth16 setup, one phase-2 contribution from local entropy
//      plus a random beacon, verification key export;
//   3. artifacts/<name>.{wasm,zkey,vkey.json} and artifacts/manifest.json (SHA-256 of everything).
//
// The keys are development keys: whoever runs this once knows nothing secret afterwards only if
// the entropy is discarded, which it is (never written anywhere). SECURITY.md explains how a
// production deployment runs its own multi-party phase 2 instead.
//
// Usage: node scripts/build-circuits.mjs [circuit-name ...]
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readR1csHeader } from "./r1cs-header.mjs";
import * as snarkjs from "snarkjs";
import { ARTIFACTS_DIR, BUILD_DIR, CEREMONY_DIR, CIRCUITS, PTAU_FILE, PTAU_POWER, compileCircuit } from "./circuits.mjs";
import { sha256File } from "./hash.mjs";

const log = (msg) => console.log(`[build-circuits] ${msg}`);
const entropy = () => randomBytes(64).toString("hex");

async function ensurePtau() {
  if (existsSync(PTAU_FILE)) return;
  await mkdir(CEREMONY_DIR, { recursive: true });
  const tmp = join(BUILD_DIR, "ptau");
  await mkdir(tmp, { recursive: true });
  const step = (n) => join(tmp, `pot_${n}.ptau`);
  log(`powers of tau 2^${PTAU_POWER}: new`);
  await snarkjs.powersOfTau.newAccumulator(await curve(), PTAU_POWER, step(0));
  log("powers of tau: contribution");
  await snarkjs.powersOfTau.contribute(step(0), step(1), "medzk-dev", entropy());
  log("powers of tau: beacon");
  await snarkjs.powersOfTau.beacon(step(1), step(2), "medzk-beacon", randomBytes(32).toString("hex"), 10);
  log("powers of tau: prepare phase 2 (slow: ~5-8 minutes on 2 cores)");
  await snarkjs.powersOfTau.preparePhase2(step(2), PTAU_FILE);
  await rm(tmp, { recursive: true, force: true });
}

let curvePromise;
async function curve() {
  const { buildBn128 } = await import("ffjavascript");
  curvePromise ??= buildBn128();
  return curvePromise;
}

async function buildCircuit({ name, statement }) {
  const t0 = Date.now();
  log(`${name}: compile`);
  const out = await compileCircuit(name);
  const header = await readR1csHeader(out.r1cs);
  log(`${name}: ${header.nConstraints} constraints, ${header.nPubInputs + header.nOutputs} public signals; groth16 setup`);
  const z0 = join(BUILD_DIR, name, `${name}_0.zkey`);
  const z1 = join(BUILD_DIR, name, `${name}_1.zkey`);
  const zkey = join(ARTIFACTS_DIR, `${name}.zkey`);
  await snarkjs.zKey.newZKey(out.r1cs, PTAU_FILE, z0);
  log(`${name}: phase-2 contribution`);
  await snarkjs.zKey.contribute(z0, z1, "medzk-dev-1", entropy());
  await snarkjs.zKey.beacon(z1, zkey, "medzk-beacon", randomBytes(32).toString("hex"), 10);
  const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
  await writeFile(join(ARTIFACTS_DIR, `${name}.vkey.json`), JSON.stringify(vkey, null, 1) + "\n");
  await copyFile(out.wasm, join(ARTIFACTS_DIR, `${name}.wasm`));
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    name,
    statement,
    constraints: header.nConstraints,
    publicSignals: header.nPubInputs + header.nOutputs,
    r1cs: await sha256File(out.r1cs),
    files: {
      wasm: { path: `${name}.wasm`, sha256: await sha256File(join(ARTIFACTS_DIR, `${name}.wasm`)) },
      zkey: { path: `${name}.zkey`, sha256: await sha256File(zkey) },
      vkey: { path: `${name}.vkey.json`, sha256: await sha256File(join(ARTIFACTS_DIR, `${name}.vkey.json`)) },
    },
  };
}

async function main() {
  const only = process.argv.slice(2);
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  await ensurePtau();
  const manifestPath = join(ARTIFACTS_DIR, "manifest.json");
  const previous = existsSync(manifestPath) ? JSON.parse(await readFile(manifestPath, "utf8")) : { circuits: {} };
  const circuits = { ...previous.circuits };
  for (const c of CIRCUITS) {
    if (only.length > 0 && !only.includes(c.name)) continue;
    const entry = await buildCircuit(c);
    circuits[c.name] = entry;
  }
  const manifest = {
    format: "medzk-artifacts/v1",
    compiler: "circom2 --O2",
    ptau: { path: `ceremony/pot${PTAU_POWER}_final.ptau`, power: PTAU_POWER, sha256: await sha256File(PTAU_FILE) },
    circuits,
  };
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  log(`wrote ${manifestPath}`);
  if (curvePromise) await (await curvePromise).terminate();
  await globalThis.curve_bn128?.terminate();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
