#!/usr/bin/env node
// Rebuilds the circuit artifacts from source, for every circuit of circuits/circuits.json:
//   1. the powers of tau (ceremony/pot14_final.ptau), only if it is missing (the slow part:
//      minutes);
//   2. per circuit: circom2 compile and zkey new (the content-keyed cache of scripts/circuits.mjs),
//      one phase-2 contribution from local entropy plus a random beacon, verification key
//      export;
//   3. <out>/<name>.{wasm,zkey,vkey.json} and <out>/manifest.json (SHA-256 of everything), where
//      <out> is artifacts/ unless --out names another directory; entries of circuits not rebuilt
//      are kept from the manifest already there.
// Then `npm run build` bundles the new verification keys and manifest into the library.
//
// The keys are development keys: whoever runs this once knows nothing secret afterwards only if
// the entropy is discarded, which it is (never written anywhere). SECURITY.md explains how a
// production deployment runs its own multi-party phase 2 instead.
//
// Usage: node scripts/build-circuits.mjs [--out <dir>] [circuit-name ...]
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { readR1csHeader } from "./r1cs-header.mjs";
import * as snarkjs from "snarkjs";
import { ARTIFACTS_DIR, BUILD_DIR, CEREMONY_DIR, CIRCUITS, PTAU_FILE, PTAU_POWER, compiledCircuit, initialZkey } from "./circuits.mjs";
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
  log("powers of tau: prepare phase 2 (the slow step)");
  await snarkjs.powersOfTau.preparePhase2(step(2), PTAU_FILE);
  await rm(tmp, { recursive: true, force: true });
}

let curvePromise;
async function curve() {
  const { buildBn128 } = await import("ffjavascript");
  curvePromise ??= buildBn128();
  return curvePromise;
}

async function buildCircuit({ name, statements, publicSignals }, outDir) {
  const t0 = Date.now();
  const out = await compiledCircuit(name, { log });
  const header = await readR1csHeader(out.r1cs);
  const count = header.nPubInputs + header.nOutputs;
  if (count !== publicSignals.length) throw new Error(`${name}: ${count} public signals, circuits/circuits.json lists ${publicSignals.length}`);
  log(`${name}: ${header.nConstraints} constraints, ${count} public signals; groth16 setup`);
  const work = join(BUILD_DIR, "setup", name);
  await mkdir(work, { recursive: true });
  const z1 = join(work, `${name}_1.zkey`);
  const zkey = join(outDir, `${name}.zkey`);
  // zkey new (deterministic) from the cache the artifact check shares: computed once per source.
  const initial = await initialZkey(name, { log });
  log(`${name}: phase-2 contribution`);
  await snarkjs.zKey.contribute(initial.path, z1, "medzk-dev-1", entropy());
  await snarkjs.zKey.beacon(z1, zkey, "medzk-beacon", randomBytes(32).toString("hex"), 10);
  const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
  await writeFile(join(outDir, `${name}.vkey.json`), JSON.stringify(vkey, null, 1) + "\n");
  await copyFile(out.wasm, join(outDir, `${name}.wasm`));
  await rm(work, { recursive: true, force: true });
  log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    name,
    // The manifest names one statement per circuit (its format predates the registry's list).
    statement: statements[0],
    constraints: header.nConstraints,
    publicSignals: count,
    r1cs: await sha256File(out.r1cs),
    // zkey new is deterministic: a ceremony's verification starts from an initial zkey with this hash.
    initialZkey: initial.sha256,
    files: {
      wasm: { path: `${name}.wasm`, sha256: await sha256File(join(outDir, `${name}.wasm`)) },
      zkey: { path: `${name}.zkey`, sha256: await sha256File(zkey) },
      vkey: { path: `${name}.vkey.json`, sha256: await sha256File(join(outDir, `${name}.vkey.json`)) },
    },
  };
}

function parseArgs(argv) {
  let outDir = ARTIFACTS_DIR;
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      if (!argv[i + 1]) throw new Error("--out needs a directory");
      outDir = resolve(argv[++i]);
    } else if (argv[i].startsWith("-")) throw new Error(`unknown option ${argv[i]}`);
    else if (!CIRCUITS.some((c) => c.name === argv[i])) throw new Error(`unknown circuit "${argv[i]}"; known: ${CIRCUITS.map((c) => c.name).join(", ")}`);
    else only.push(argv[i]);
  }
  return { outDir, only };
}

async function main() {
  const { outDir, only } = parseArgs(process.argv.slice(2));
  await mkdir(outDir, { recursive: true });
  await ensurePtau();
  const manifestPath = join(outDir, "manifest.json");
  const previous = existsSync(manifestPath) ? JSON.parse(await readFile(manifestPath, "utf8")) : { circuits: {} };
  // Registry order; circuits no longer in the registry are dropped.
  const circuits = {};
  for (const c of CIRCUITS) {
    if (only.length > 0 && !only.includes(c.name)) {
      if (previous.circuits[c.name]) circuits[c.name] = previous.circuits[c.name];
      continue;
    }
    circuits[c.name] = await buildCircuit(c, outDir);
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
