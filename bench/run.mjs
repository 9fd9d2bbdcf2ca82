#!/usr/bin/env node
// Benchmarks medzk against plain snarkjs on the same artifacts, in one process, side by side:
//   - proving (warm): medzk.prove (all checks + single-threaded prover) vs snarkjs.groth16.fullProve
//     (default multi-threaded curve) and fullProve with singleThread;
//   - verification (warm): medzk verifier.verify (all policy checks + pairing) vs
//     snarkjs.groth16.verify;
// Prints a table and writes bench/results/latest.json. Ratios are medzk / baseline (lower is better).
// Usage: npm run bench [-- --iterations N]
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { buildCircuitInput, createHolder, createVerifier, generateIssuerKey, issueCredential, prove } from "../dist/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const argIndex = process.argv.indexOf("--iterations");
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 5;
const VERIFY_N = 50;

async function timeIt(n, fn) {
  await fn(); // warm-up
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples.at(-1), n };
}

const hospital = generateIssuerKey();
const insurerKey = generateIssuerKey();
const patient = createHolder();
const now = new Date("2026-06-15T12:00:00Z");
const record = await issueCredential(hospital, { schema: "patient-record/v1", holder: patient.commitment, attributes: { dateOfBirth: "1990-05-17" }, now });
const coverage = await issueCredential(insurerKey, {
  schema: "insurance-coverage/v1",
  holder: patient.commitment,
  attributes: { insurerId: "acme-health", memberId: "M-1", plan: "gold", coverageStart: "2026-01-01", coverageEnd: "2026-12-31" },
  now,
});
const verifier = createVerifier({ trustedIssuers: [hospital.publicKey, insurerKey.publicKey], scope: "bench", clock: () => now, requestTtlSeconds: 86400 });

const rows = [];
for (const [statement, credential, circuit] of [
  [{ type: "ageAtLeast", minAge: 18 }, record, "age_at_least"],
  [{ type: "insuranceActive", insurerId: "acme-health" }, coverage, "insurance_active"],
]) {
  const wasm = await readFile(join(ROOT, "artifacts", `${circuit}.wasm`));
  const zkey = await readFile(join(ROOT, "artifacts", `${circuit}.zkey`));
  const vkey = JSON.parse(await readFile(join(ROOT, "artifacts", `${circuit}.vkey.json`), "utf8"));

  const presentations = [];
  for (let i = 0; i < VERIFY_N + 1; i++) {
    presentations.push(await prove({ credential, holder: patient, request: verifier.createRequest({ statement }), now }));
  }
  const request = verifier.createRequest({ statement });
  const medzkProve = await timeIt(N, () => prove({ credential, holder: patient, request, now }));
  // The baseline proves exactly the witness medzk proves, on the same artifacts.
  const { input } = await buildCircuitInput({ credential, holder: patient, request, now });
  const snarkjsProveMT = await timeIt(N, () => snarkjs.groth16.fullProve(input, wasm, zkey));
  const snarkjsProveST = await timeIt(N, () => snarkjs.groth16.fullProve(input, wasm, zkey, undefined, undefined, { singleThread: true }));
  const { proof, publicSignals } = presentations[0];

  let k = 1;
  const medzkVerify = await timeIt(VERIFY_N - 1, async () => {
    const r = await verifier.verify(presentations[k++]);
    if (!r.ok) throw new Error(`verify failed: ${r.error.code}`);
  });
  const snarkjsVerify = await timeIt(VERIFY_N, async () => {
    if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) throw new Error("snarkjs verify failed");
  });
  rows.push(
    { statement: statement.type, operation: "prove (warm)", medzk: medzkProve, baseline: "snarkjs fullProve, multi-threaded", base: snarkjsProveMT },
    { statement: statement.type, operation: "prove (warm)", medzk: medzkProve, baseline: "snarkjs fullProve, singleThread", base: snarkjsProveST },
    { statement: statement.type, operation: "verify (warm)", medzk: medzkVerify, baseline: "snarkjs groth16.verify", base: snarkjsVerify },
  );
}

const fmt = (x) => x.toFixed(1).padStart(9);
console.log(`\nmedzk benchmark — ${os.cpus()[0]?.model ?? "cpu"} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`${"statement".padEnd(16)} ${"operation".padEnd(14)} ${"medzk ms".padStart(9)} ${"base ms".padStart(9)} ${"ratio".padStart(6)}  baseline`);
for (const r of rows) {
  console.log(`${r.statement.padEnd(16)} ${r.operation.padEnd(14)} ${fmt(r.medzk.median)} ${fmt(r.base.median)} ${(r.medzk.median / r.base.median).toFixed(2).padStart(6)}  ${r.baseline}`);
}
await mkdir(join(ROOT, "bench", "results"), { recursive: true });
const out = join(ROOT, "bench", "results", "latest.json");
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, rows }, null, 2));
console.log(`\nwrote ${out}`);
await globalThis.curve_bn128?.terminate();
