#!/usr/bin/env node
// Proving benchmark (npm run bench:prove): for every (statement, issuer mode) of the circuit
// registry, medzk.prove warm (all holder checks, resident key) against snarkjs.groth16.fullProve
// on the same artifacts and witness input, the two interleaved sample by sample so that load
// changes on a shared machine hit both alike; then the per-phase split of one proof
// (bench/_prove-parts.ts) for medzk's prover and snarkjs's groth16.prove on the same witness.
// Prints tables with the load average and writes bench/results/prove.json.
// Usage: npm run bench:prove [-- --quick] [-- --only <statement label>] [-- --no-parts]
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import * as snarkjs from "snarkjs";
import { buildCircuitInput, prove } from "../dist/index.js";
import { NOW, STATEMENTS, verifierFor, world } from "./_fixtures.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.argv.includes("--quick");
const PARTS = !process.argv.includes("--no-parts");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const RUNS = QUICK ? 3 : 7;
const step = (m) => process.stderr.write(`[bench:prove] ${m}\n`);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const registry = JSON.parse(await readFile(join(ROOT, "circuits", "circuits.json"), "utf8"));
const ENTRIES = Object.entries(registry.circuits)
  .flatMap(([circuit, c]) => c.statements.map((statement) => ({ statement, circuit, hidden: c.issuerMode === "set", label: c.issuerMode === "set" ? `${statement} hidden` : statement })))
  .filter((e) => only === undefined || e.label === only);

await mkdir(join(ROOT, "bench", "results"), { recursive: true });
const w = await world();
const verifier = verifierFor(w.publicKey);
const credentialFor = (e) => {
  const schema = registry.circuits[e.circuit].schema ?? STATEMENTS[e.statement].schema;
  return [w.record, w.coverage].find((c) => c.schema.id === schema);
};
const proveOptions = async (e) => {
  const statement = STATEMENTS[e.statement];
  const req = e.hidden ? await verifier.createHiddenRequest({ statement }) : { request: verifier.createRequest({ statement }) };
  return { credential: credentialFor(e), holder: w.holder, ...req, now: NOW, allowDisclosure: ["coverageEnd"] };
};

let parts;
if (PARTS) {
  const file = join(ROOT, "bench", "results", "_prove-parts.mjs");
  await esbuild({ entryPoints: [join(ROOT, "bench", "_prove-parts.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile: file, logLevel: "error" });
  ({ proveParts: parts } = await import(pathToFileURL(file).href));
}

const rows = [];
const splits = {};
for (const e of ENTRIES) {
  step(`${e.label} (load ${load()})`);
  const wasm = await readFile(join(ROOT, "artifacts", `${e.circuit}.wasm`));
  const zkey = await readFile(join(ROOT, "artifacts", `${e.circuit}.zkey`));
  const vkey = JSON.parse(await readFile(join(ROOT, "artifacts", `${e.circuit}.vkey.json`), "utf8"));
  const options = await proveOptions(e);
  const { input } = await buildCircuitInput(options);
  // Warm-up of both, and a check that medzk's proofs verify with snarkjs. "Warm" is a prover that
  // proves again and again with the key: the prover builds its fixed-base tables after the key's
  // 8th proof (TABLE_AFTER_PROOFS in src/prover/groth16-prove.ts) and the 9th awaits them, so the
  // timed proofs below all use them. The first and the 9th proof's wall times are printed too.
  let t = performance.now();
  const first = await prove(options);
  const firstMs = performance.now() - t;
  for (let i = 2; i <= 8; i++) await prove(options);
  t = performance.now();
  const ninth = await prove(options);
  const buildMs = performance.now() - t;
  for (const p of [first, ninth]) if (!(await snarkjs.groth16.verify(vkey, p.publicSignals, p.proof))) throw new Error(`snarkjs refused medzk's ${e.label} proof`);
  await snarkjs.groth16.fullProve(input, wasm, zkey);
  const ours = [];
  const base = [];
  // CPU time of the whole process (all threads, workers included): on a shared machine the wall
  // time depends on what else runs, the work done does not.
  const oursCpu = [];
  const baseCpu = [];
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const loadBefore = os.loadavg()[0];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    let c0 = cpu();
    await prove(options);
    ours.push(performance.now() - t0);
    oursCpu.push(cpu() - c0);
    t0 = performance.now();
    c0 = cpu();
    await snarkjs.groth16.fullProve(input, wasm, zkey);
    base.push(performance.now() - t0);
    baseCpu.push(cpu() - c0);
  }
  const ratios = ours.map((x, i) => x / base[i]);
  rows.push({ statement: e.label, circuit: e.circuit, warmMs: median(ours), baselineWarmMs: median(base), ratio: median(ours) / median(base), pairedRatioMedian: median(ratios), cpuMs: median(oursCpu), baselineCpuMs: median(baseCpu), cpuRatio: median(oursCpu) / median(baseCpu), firstMs, ninthMs: buildMs, load1: [loadBefore, os.loadavg()[0]] });
  if (parts) splits[e.label] = await parts({ wasm, zkey, input, runs: RUNS });
}

console.log(`\nmedzk proving: ${os.cpus()[0]?.model ?? "cpu"} x${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}, load ${load()}`);
console.log(`warm, median of ${RUNS} interleaved pairs ("paired": median of per-pair ratios; cpu: process CPU time, all threads); baseline snarkjs.groth16.fullProve on the same artifacts and input; goal ratio <= 0.70`);
console.log(`first proof of a key (windowed) and the 9th (awaits the table build): ${rows.map((r) => `${r.statement} ${r.firstMs.toFixed(0)} / ${r.ninthMs.toFixed(0)} ms`).join(", ")}`);
console.log(`${"statement".padEnd(24)}${"medzk ms".padStart(10)}${"base ms".padStart(9)}${"ratio".padStart(7)}${"paired".padStart(8)}${"cpu ms".padStart(8)}${"base cpu".padStart(9)}${"cpu ratio".padStart(10)}${"load1".padStart(12)}`);
for (const r of rows) console.log(`${r.statement.padEnd(24)}${r.warmMs.toFixed(0).padStart(10)}${r.baselineWarmMs.toFixed(0).padStart(9)}${r.ratio.toFixed(2).padStart(7)}${r.pairedRatioMedian.toFixed(2).padStart(8)}${r.cpuMs.toFixed(0).padStart(8)}${r.baselineCpuMs.toFixed(0).padStart(9)}${r.cpuRatio.toFixed(2).padStart(10)}${r.load1.map((x) => x.toFixed(1)).join("-").padStart(12)}`);
for (const [label, s] of Object.entries(splits)) {
  console.log(`\nper phase, ${label} (ms, medians of ${RUNS}; phases of one proof, sub-rows indented)`);
  for (const [name, ms] of Object.entries(s)) console.log(`${name.padEnd(56)}${ms.toFixed(1).padStart(9)}`);
}
const out = join(ROOT, "bench", "results", "prove.json");
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, loadavg: os.loadavg(), proving: rows, phases: splits }, null, 2));
console.log(`\nwrote ${out}`);
