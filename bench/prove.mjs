#!/usr/bin/env node
// Proving benchmark (npm run bench:prove): for every (statement, issuer mode) of the circuit
// registry, medzk.prove warm (all holder checks, resident key) against snarkjs.groth16.fullProve
// on the same artifacts and witness input, the two interleaved sample by sample so that load
// changes on a shared machine hit both alike, twice: on the windowed path (a key's first proofs)
// and with the fixed-base tables the prover keeps once a key has proved 16 times (with the first
// proof's and the build's wall times); then the per-phase split of one proof
// (bench/_prove-parts.ts) for medzk's prover and snarkjs's groth16.prove on the same witness.
// Prints tables with the load average and writes bench/results/prove.json.
// Usage: npm run bench:prove [-- --quick] [-- --only <statement label>] [-- --no-parts]
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { buildCircuitInput, prove } from "../dist/index.js";
import { NOW, STATEMENTS, verifierFor, world } from "./_fixtures.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.argv.includes("--quick");
const PARTS = !process.argv.includes("--no-parts");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const RUNS = QUICK ? 3 : 7;
/** src/prover/groth16-prove.ts's TABLE_AFTER_PROOFS (not exported by the package). */
const TABLE_AFTER_PROOFS = 16;
const step = (m) => process.stderr.write(`[bench:prove] ${m}\n`);
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const registry = JSON.parse(await readFile(join(ROOT, "circuits", "circuits.json"), "utf8"));
const ENTRIES = Object.entries(registry.circuits)
  .flatMap(([circuit, c]) => c.statements.map((statement) => ({ statement, circuit, hidden: c.issuerMode === "set", label: c.issuerMode === "set" ? `${statement} hidden` : statement })))
  .filter((e) => only === undefined || e.label === only);

await mkdir(join(ROOT, "bench", "results"), { recursive: true });
// The baseline is snarkjs as its users run it, on the curve ffjavascript builds from its own wasm
// generation: medzk's prover fills ffjavascript's curve cache (globalThis.curve_bn128, where
// snarkjs takes its curve from) with medzk's module, and snarkjs on that module is faster than
// snarkjs (bench/run.mjs, onStock). Every snarkjs call runs with the stock curve swapped in.
globalThis.curve_bn128 = null;
const stockCurve = await buildBn128();
globalThis.curve_bn128 = null;
if (typeof stockCurve.tm.instance.exports.bn128_multiMillerLoop === "function") throw new Error("the baseline curve is not ffjavascript's own");
const onStock = async (fn) => {
  const medzkOwn = globalThis.curve_bn128;
  globalThis.curve_bn128 = stockCurve;
  try {
    return await fn();
  } finally {
    globalThis.curve_bn128 = medzkOwn;
  }
};
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
  // CPU time of the whole process (all threads, workers included): on a shared machine the wall
  // time depends on what else runs, the work done does not.
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  /** `n` interleaved pairs (medzk.prove, then snarkjs.groth16.fullProve), with their medians. */
  const pairs = async (n) => {
    const ours = [], base = [], oursCpu = [], baseCpu = [];
    const loadBefore = os.loadavg()[0];
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      let c0 = cpu();
      await prove(options);
      ours.push(performance.now() - t0);
      oursCpu.push(cpu() - c0);
      t0 = performance.now();
      c0 = cpu();
      await onStock(() => snarkjs.groth16.fullProve(input, wasm, zkey));
      base.push(performance.now() - t0);
      baseCpu.push(cpu() - c0);
    }
    const ratios = ours.map((x, i) => x / base[i]);
    return { warmMs: median(ours), baselineWarmMs: median(base), ratio: median(ours) / median(base), pairedRatioMedian: median(ratios), cpuMs: median(oursCpu), baselineCpuMs: median(baseCpu), cpuRatio: median(oursCpu) / median(baseCpu), load1: [loadBefore, os.loadavg()[0]] };
  };
  // The key's first proof (cold: artifacts, witness calculator, key parse), and snarkjs's
  // warm-up; then the windowed path (the key's next proofs), then the table build, which the
  // prover starts after a key's 16th proof (TABLE_AFTER_PROOFS in src/prover/groth16-prove.ts) and
  // the 17th proof awaits; then the fixed-base table path. Proofs of both paths are checked with
  // snarkjs.
  let t = performance.now();
  const first = await prove(options);
  const firstMs = performance.now() - t;
  await onStock(() => snarkjs.groth16.fullProve(input, wasm, zkey));
  const windowedRuns = Math.min(RUNS, TABLE_AFTER_PROOFS - 1);
  const windowed = await pairs(windowedRuns);
  for (let i = 1 + windowedRuns; i < TABLE_AFTER_PROOFS; i++) await prove(options);
  t = performance.now();
  const afterBuild = await prove(options);
  const buildMs = performance.now() - t;
  for (const p of [first, afterBuild]) if (!(await snarkjs.groth16.verify(vkey, p.publicSignals, p.proof))) throw new Error(`snarkjs refused medzk's ${e.label} proof`);
  const tabled = await pairs(RUNS);
  rows.push({ statement: e.label, circuit: e.circuit, ...tabled, windowed, firstMs, buildProofMs: buildMs });
  if (parts) splits[e.label] = await parts({ wasm, zkey, input, runs: RUNS, onStock });
}

console.log(`\nmedzk proving: ${os.cpus()[0]?.model ?? "cpu"} x${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}, load ${load()}`);
console.log(`warm, median of ${RUNS} interleaved pairs ("paired": median of per-pair ratios; cpu: process CPU time, all threads); baseline snarkjs.groth16.fullProve on the same artifacts and input; goal ratio <= 0.70`);
const header = `${"statement".padEnd(24)}${"medzk ms".padStart(10)}${"base ms".padStart(9)}${"ratio".padStart(7)}${"paired".padStart(8)}${"cpu ms".padStart(8)}${"base cpu".padStart(9)}${"cpu ratio".padStart(10)}${"load1".padStart(12)}`;
const line = (label, r) => `${label.padEnd(24)}${r.warmMs.toFixed(0).padStart(10)}${r.baselineWarmMs.toFixed(0).padStart(9)}${r.ratio.toFixed(2).padStart(7)}${r.pairedRatioMedian.toFixed(2).padStart(8)}${r.cpuMs.toFixed(0).padStart(8)}${r.baselineCpuMs.toFixed(0).padStart(9)}${r.cpuRatio.toFixed(2).padStart(10)}${r.load1.map((x) => x.toFixed(1)).join("-").padStart(12)}`;
console.log(`\nwarm with fixed-base tables (a key's proofs after its ${TABLE_AFTER_PROOFS}th: a prover that proves again and again with it)`);
console.log(header);
for (const r of rows) console.log(line(r.statement, r));
console.log(`\nwindowed (a key's proofs before its ${TABLE_AFTER_PROOFS}th, no tables yet)`);
console.log(header);
for (const r of rows) console.log(line(r.statement, r.windowed));
console.log(`\ncold and build: the key's first proof, and the ${TABLE_AFTER_PROOFS + 1}th (it waits for the table build)`);
for (const r of rows) console.log(`${r.statement.padEnd(24)}${`${r.firstMs.toFixed(0)} ms`.padStart(10)}${`${r.buildProofMs.toFixed(0)} ms`.padStart(12)}`);
for (const [label, s] of Object.entries(splits)) {
  console.log(`\nper phase, ${label} (ms, medians of ${RUNS}; phases of one proof, sub-rows indented)`);
  for (const [name, ms] of Object.entries(s)) console.log(`${name.padEnd(56)}${ms.toFixed(1).padStart(9)}`);
}
const out = join(ROOT, "bench", "results", "prove.json");
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length, loadavg: os.loadavg(), proving: rows, phases: splits }, null, 2));
console.log(`\nwrote ${out}`);
