#!/usr/bin/env node
// medzk benchmarks, each against a baseline measured in the same run on the same machine:
//   - batch verification throughput at n = 1, 10, 100: verifier.verifyBatch (all policy checks)
//     vs snarkjs.groth16.verify called serially on the same proofs;
//   - single verification, warm: verifier.verify vs snarkjs.groth16.verify; cold: a fresh
//     process importing medzk and verifying once;
//   - proving per statement and issuer mode (the issuer key public, or hidden among the
//     verifier's trusted set: "<statement> hidden"), warm: medzk.prove (all holder checks) vs
//     snarkjs.groth16.fullProve on the same artifacts and witness input; cold: a fresh process
//     proving once;
//   - the per-proof cost split of verification (each step of verifyBatch alone: parsing, request
//     authenticity, signal and trust checks, point and subgroup checks, scalar multiplication,
//     line preparation, Miller loop) beside the floor it gives, and issue 22's targets, met or not;
//   - peak RSS of a proving process and of a verifier handling a batch of 100;
//   - the wallet page's Share in headless Chromium, first and later (bench/wallet-share.mjs);
//   - constraint counts beside iden3's credentialAtomicQueryV3 and Semaphore (depth 20).
// Prints tables and writes bench/results/latest.json. Usage: npm run bench [-- --quick] [-- --verify-only] [-- --no-wallet]
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { promisify } from "node:util";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { buildCircuitInput, createVerifier, prove } from "../dist/index.js";
import { NOW, VERIFIER_KEY, STATEMENTS, verifierFor, world } from "./_fixtures.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const QUICK = process.argv.includes("--quick");
// Verification only (no proving table): for work on the verifier.
const VERIFY_ONLY = process.argv.includes("--verify-only");
const PROVE_RUNS = QUICK ? 3 : 7;
const BATCH_SIZES = QUICK ? [1, 10] : [1, 10, 100];
const run = promisify(execFile);

/**
 * Medians of n samples each of a and b, taken alternately (a, b, a, b, ...) after one warm-up
 * call of each: a ratio of the two stays meaningful when the machine's load changes during the run.
 */
async function timePair(n, a, b) {
  await a(0);
  await b(0);
  const [sa, sb] = [[], []];
  for (let i = 0; i < n; i++) {
    for (const [fn, samples] of [[a, sa], [b, sb]]) {
      const t0 = performance.now();
      await fn(i);
      samples.push(performance.now() - t0);
    }
  }
  const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [median(sa), median(sb)];
}

async function timeIt(n, fn) {
  await fn(0); // warm-up
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function child(mode, input) {
  const file = join(ROOT, "bench", "results", `_${mode}.json`);
  await writeFile(file, JSON.stringify({ ...input, verifierKey: VERIFIER_KEY, now: NOW.toISOString() }));
  const { stdout } = await run(process.execPath, [join(ROOT, "bench", "_child.mjs"), mode, file], { maxBuffer: 1 << 26 });
  return JSON.parse(stdout.trim().split("\n").at(-1));
}

// Every (statement, issuer mode) of the circuit registry, with the circuit serving it; each
// statement needs an example in _fixtures.mjs.
const registry = JSON.parse(await readFile(join(ROOT, "circuits", "circuits.json"), "utf8"));
const ENTRIES = Object.entries(registry.circuits).flatMap(([circuit, c]) =>
  c.statements.map((statement) => ({ statement, circuit, hidden: c.issuerMode === "set", label: c.issuerMode === "set" ? `${statement} hidden` : statement })),
);
const missing = [...new Set(ENTRIES.map((e) => e.statement))].filter((s) => !(s in STATEMENTS));
if (missing.length > 0) throw new Error(`bench/_fixtures.mjs has no example statement for ${missing.join(", ")}`);

await mkdir(join(ROOT, "bench", "results"), { recursive: true });
// snarkjs as its users run it: on the multi-threaded curve ffjavascript builds from its own wasm
// generation (buildBn128). snarkjs takes its curve from ffjavascript's cache, globalThis.curve_bn128,
// which medzk's prover and worker pool fill with medzk's module when they find it empty; a
// baseline run on that module would be snarkjs sped up by medzk's wasm (on 2026-12-07, ~28% for
// fullProve). So the stock curve is built first, and every baseline call runs with it swapped
// in (onStock), every medzk call with medzk's own (the cache holds it otherwise).
globalThis.curve_bn128 = null;
const stockCurve = await buildBn128();
globalThis.curve_bn128 = null;
if (typeof stockCurve.tm.instance.exports.bn128_multiMillerLoop === "function") throw new Error("the baseline curve is not ffjavascript's own");
const onStock = (fn) => async (...args) => {
  const medzkOwn = globalThis.curve_bn128;
  globalThis.curve_bn128 = stockCurve;
  try {
    return await fn(...args);
  } finally {
    globalThis.curve_bn128 = medzkOwn;
  }
};
const w = await world();
const verifier = verifierFor(w.publicKey);
const artifacts = {};
for (const { circuit } of ENTRIES) {
  artifacts[circuit] = {
    wasm: await readFile(join(ROOT, "artifacts", `${circuit}.wasm`)),
    zkey: await readFile(join(ROOT, "artifacts", `${circuit}.zkey`)),
    vkey: JSON.parse(await readFile(join(ROOT, "artifacts", `${circuit}.vkey.json`), "utf8")),
  };
}
// The fixture credential of the schema the statement reads (fixed by its circuit, or the query's).
const credentialFor = (e) => {
  const schema = registry.circuits[e.circuit].schema ?? STATEMENTS[e.statement].schema;
  return [w.record, w.coverage].find((c) => c.schema.id === schema);
};
// A request for the entry; in hidden mode with the verifier's trusted set it names.
const requestFor = async (e) => {
  const statement = STATEMENTS[e.statement];
  if (!e.hidden) return { request: verifier.createRequest({ statement }) };
  return verifier.createHiddenRequest({ statement });
};
const proveOptions = async (e) => ({ credential: credentialFor(e), holder: w.holder, ...(await requestFor(e)), now: NOW, allowDisclosure: ["coverageEnd"] });
const proveOnce = async (e) => prove(await proveOptions(e));
const AGE = ENTRIES.find((e) => e.statement === "ageAtLeast" && !e.hidden);

const step = (m) => process.stderr.write(`[bench] ${m}\n`);
process.on("exit", (code) => step(`exit ${code}`));
// ---- proving ----
const proving = [];
for (const e of VERIFY_ONLY ? [] : ENTRIES) {
  step(`proving ${e.label}`);
  const medzk = await timeIt(PROVE_RUNS, () => proveOnce(e));
  const { input } = await buildCircuitInput(await proveOptions(e));
  const base = await timeIt(PROVE_RUNS, onStock(() => snarkjs.groth16.fullProve(input, artifacts[e.circuit].wasm, artifacts[e.circuit].zkey)));
  const { credential, holder, request, issuerSet } = await proveOptions(e);
  const cold = await child("prove-cold", { credential, holder, request, ...(issuerSet ? { issuerSet } : {}), publicKey: w.publicKey });
  proving.push({ statement: e.label, circuit: e.circuit, warmMs: medzk, baselineWarmMs: base, ratio: medzk / base, coldMs: cold.ms, coldUptimeMs: cold.uptimeMs, peakRssMb: cold.maxRssMb });
}

// ---- verification ----
step("verification");
const maxN = Math.max(...BATCH_SIZES);
const presentations = [];
for (let i = 0; i < maxN; i++) presentations.push(await proveOnce(AGE));
const vk = artifacts[AGE.circuit].vkey;
// A store that never refuses: the same presentations are verified many times, and the bookkeeping
// of single use is not what is measured (snarkjs has none).
const reusable = { trustedIssuers: [w.publicKey], key: VERIFIER_KEY, purpose: "bench", clock: () => NOW, requestTtlSeconds: 86400, challengeStore: { consume: async () => true } };
const warmVerifier = createVerifier(reusable);
// medzk and its baseline alternate sample by sample (timePair), so that a change in the machine's
// load during the run weighs on both alike.
const [singleMs, singleBaseMs] = await timePair(
  50,
  async (i) => {
    const r = await warmVerifier.verify(presentations[i % presentations.length]);
    if (!r.ok) throw new Error(`verify refused a valid presentation: ${r.error.code}`);
  },
  onStock((i) => snarkjs.groth16.verify(vk, presentations[i % presentations.length].publicSignals, presentations[i % presentations.length].proof)),
);
const single = { warmMs: singleMs, baselineWarmMs: singleBaseMs };
single.ratio = single.warmMs / single.baselineWarmMs;
const colds = [];
for (let i = 0; i < 3; i++) colds.push(await child("verify-cold", { presentation: presentations[i], publicKey: w.publicKey }));
colds.sort((a, b) => a.ms - b.ms);
single.coldMs = colds[1].ms;
single.coldUptimeMs = colds[1].uptimeMs;

const batches = [];
// Repeated runs over the same presentations: a store that never refuses isolates the
// verification cost from single-use bookkeeping.
const inProcess = createVerifier(reusable);
// The same with the curve work spread over worker threads (one per core).
const inParallel = createVerifier({ ...reusable, parallel: { minBatch: 2 } });
// NOTE: both medzk's worker pool and snarkjs take their multi-threaded curve from ffjavascript's
// cache, globalThis.curve_bn128: each side gets its own curve here (snarkjs the stock one, see
// onStock), swapped in before each of its calls.
const snarkjsCurve = stockCurve;
await inParallel.verifyBatch(presentations.slice(0, 2));
const medzkCurve = globalThis.curve_bn128;
if (medzkCurve === stockCurve || typeof medzkCurve?.tm.instance.exports.bn128_multiMillerLoop !== "function") throw new Error("medzk's pool is not on medzk's module");
const onCurve = (curve, fn) => (...args) => {
  globalThis.curve_bn128 = curve;
  return fn(...args);
};
for (const n of BATCH_SIZES) {
  step(`batch ${n}`);
  const items = presentations.slice(0, n);
  const batchOf = (v) => async () => {
    const results = await v.verifyBatch(items);
    if (!results.every((r) => r.ok)) throw new Error("batch refused a valid presentation");
  };
  const serialSnarkjs = async () => {
    for (const p of items) if (!(await snarkjs.groth16.verify(vk, p.publicSignals, p.proof))) throw new Error("snarkjs refused");
  };
  // Each medzk mode alternates with its own baseline samples (see timePair).
  const baseline = onCurve(snarkjsCurve, serialSnarkjs);
  const [medzk, base] = await timePair(n >= 100 ? 3 : 5, batchOf(inProcess), baseline);
  const [threaded, base2] = await timePair(n >= 100 ? 3 : 5, onCurve(medzkCurve, batchOf(inParallel)), baseline);
  batches.push({
    n,
    medzkMs: medzk,
    parallelMs: threaded,
    baselineMs: base,
    parallelBaselineMs: base2,
    medzkPerSecond: (n * 1000) / medzk,
    parallelPerSecond: (n * 1000) / threaded,
    baselinePerSecond: (n * 1000) / base,
    speedup: base / medzk,
    parallelSpeedup: base2 / threaded,
  });
}
const batchRss = await child("verify-batch", { presentations: presentations.slice(0, maxN), publicKey: w.publicKey });

// ---- verification cost split ----
// bench/_verify-parts.ts runs each step of verifyBatch alone on medzk's own modules (bundled here
// with esbuild: dist/ exports none of them).
step("verification parts");
const partsFile = join(ROOT, "bench", "results", "_verify-parts.mjs");
await esbuild({ entryPoints: [join(ROOT, "bench", "_verify-parts.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile: partsFile, logLevel: "error" });
const { verifyParts } = await import(pathToFileURL(partsFile).href);
const parts = await verifyParts({ presentations: presentations.slice(0, maxN), verifierKey: VERIFIER_KEY, purpose: "bench", publicKey: w.publicKey, now: NOW });
const OUTSIDE = ["parse (envelope, proof)", "request authenticity", "key, statement and signals", "trust (issuer key, revocation root)"];
const CURVE = ["points on the curves", "B in G2's subgroup", "scalar multiplication r_i·A_i", "line preparation (B's coefficients)", "Miller loop (lines; squarings shared)"];
const sum = (names) => names.reduce((a, k) => a + parts[k], 0);
const biggest = batches.at(-1);
const snarkjsPerProof = biggest.baselineMs / biggest.n;
const split = {
  parts,
  outsidePairingMs: sum(OUTSIDE),
  curveFloorMs: sum(CURVE),
  floorMs: sum(OUTSIDE) + sum(CURVE),
  measuredPerItemMs: biggest.medzkMs / biggest.n,
  snarkjsPerProofMs: snarkjsPerProof,
};
split.floorSpeedup = snarkjsPerProof / split.floorMs;

// ---- constraints ----
const manifest = JSON.parse(await readFile(join(ROOT, "artifacts", "manifest.json"), "utf8"));
const constraints = Object.keys(registry.circuits).map((name) => ({ circuit: name, constraints: manifest.circuits[name].constraints }));
constraints.push({ circuit: "iden3 credentialAtomicQueryV3 (one predicate)", constraints: 56215 }, { circuit: "Semaphore v4, depth 20", constraints: 6431 });

// ---- the wallet page's Share in headless Chromium (bench/wallet-share.mjs), in a process of its own ----
let walletShare;
if (!VERIFY_ONLY && !process.argv.includes("--no-wallet")) {
  step("wallet page Share (bench/wallet-share.mjs; --no-wallet skips it)");
  await run(process.execPath, [join(ROOT, "bench", "wallet-share.mjs"), "--shares", QUICK ? "3" : "8"], { cwd: ROOT, maxBuffer: 16 << 20 });
  walletShare = JSON.parse(await readFile(join(ROOT, "bench", "results", "wallet-share.json"), "utf8")).summary;
}

// ---- report ----
const f = (x, d = 1) => x.toFixed(d).padStart(9);
console.log(`\nmedzk benchmark: ${os.cpus()[0]?.model ?? "cpu"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`);
console.log("\nproving (warm = median of " + PROVE_RUNS + "; baseline snarkjs.groth16.fullProve, same artifacts and input)");
console.log(`${"statement".padEnd(24)}${"warm ms".padStart(9)}${"base ms".padStart(9)}${"ratio".padStart(7)}${"cold ms".padStart(9)}${"RSS MB".padStart(9)}`);
for (const p of proving) console.log(`${p.statement.padEnd(24)}${f(p.warmMs, 0)}${f(p.baselineWarmMs, 0)}${p.ratio.toFixed(2).padStart(7)}${f(p.coldMs, 0)}${f(p.peakRssMb, 0)}`);
console.log(`\nsingle verification (ageAtLeast): warm ${single.warmMs.toFixed(1)} ms vs snarkjs.groth16.verify ${single.baselineWarmMs.toFixed(1)} ms (ratio ${single.ratio.toFixed(2)}); cold ${single.coldMs.toFixed(0)} ms from script start (import + first verify), ${single.coldUptimeMs.toFixed(0)} ms including Node start-up`);
console.log(`\nbatch verification (ageAtLeast; baseline snarkjs.groth16.verify serially; "all cores" = parallel: ${os.availableParallelism()} worker threads)`);
console.log(`${"n".padStart(5)}${"1 thread ms".padStart(13)}${"all cores ms".padStart(14)}${"base ms".padStart(10)}${"1 thread/s".padStart(12)}${"cores/s".padStart(9)}${"base/s".padStart(8)}${"x 1 thread".padStart(12)}${"x cores".padStart(9)}`);
for (const b of batches) {
  console.log(
    `${String(b.n).padStart(5)}${f(b.medzkMs).padStart(13)}${f(b.parallelMs).padStart(14)}${f(b.baselineMs).padStart(10)}${f(b.medzkPerSecond, 0).padStart(12)}${f(b.parallelPerSecond, 0).padStart(9)}${f(b.baselinePerSecond, 0).padStart(8)}${b.speedup.toFixed(2).padStart(12)}${b.parallelSpeedup.toFixed(2).padStart(9)}`,
  );
}
console.log(`verifier process handling a batch of ${maxN}: peak RSS ${batchRss.maxRssMb.toFixed(0)} MB`);
console.log(`\nverification cost split (ms per proof, batch of ${maxN}, one thread; steps measured alone, medians)`);
for (const [name, ms] of Object.entries(parts)) console.log(`${name.padEnd(42)}${ms.toFixed(3).padStart(9)}`);
console.log(`${"outside the pairing (target <= 0.1)".padEnd(42)}${split.outsidePairingMs.toFixed(3).padStart(9)}`);
console.log(`${"floor per proof (outside + curve steps)".padEnd(42)}${split.floorMs.toFixed(3).padStart(9)}   = ${split.floorSpeedup.toFixed(1)}x snarkjs at best on one thread (${(2 * split.floorSpeedup).toFixed(1)}x on 2 cores)`);
console.log(`${"measured per proof in verifyBatch".padEnd(42)}${split.measuredPerItemMs.toFixed(3).padStart(9)}   (snarkjs.groth16.verify ${snarkjsPerProof.toFixed(2)} ms per proof, same run)`);
const met = (ok) => (ok ? "met" : "NOT met");
console.log(
  `targets (issue 22): single warm <= 0.25x snarkjs: ${single.ratio.toFixed(2)}x ${met(single.ratio <= 0.25)}; cold < 150 ms: ${single.coldMs.toFixed(0)} ms ${met(single.coldMs < 150)}; ` +
    `batch n=${biggest.n} >= 12x on one thread: ${biggest.speedup.toFixed(1)}x ${met(biggest.speedup >= 12)}; >= 20x on all cores: ${biggest.parallelSpeedup.toFixed(1)}x ${met(biggest.parallelSpeedup >= 20)}`,
);
if (walletShare) {
  console.log(
    `wallet page Share in headless Chromium (the page's clock, bench/wallet-share.mjs): first ${walletShare.firstTotalMs} ms, goal < 1500: ${met(walletShare.goalFirstMet)}; ` +
      `later median ${walletShare.laterTotalMedianMs} ms, max ${walletShare.laterTotalMaxMs} ms, goal < 1000 each: ${met(walletShare.goalLaterMet)}`,
  );
}
console.log("\nconstraints");
for (const c of constraints) console.log(`${c.circuit.padEnd(48)}${String(c.constraints).padStart(8)}`);

const out = join(ROOT, "bench", "results", "latest.json");
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, proving, single, batches, batchPeakRssMb: batchRss.maxRssMb, verificationSplit: split, walletShare, constraints }, null, 2));
console.log(`\nwrote ${out}`);
