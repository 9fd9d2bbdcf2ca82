// How long a phase-2 ceremony takes with the built `medzk ceremony` commands (dist/cli.js), on the
// smallest circuit (age_at_least, 2^13 constraints on the committed 2^14 ptau): init, three
// contributions, finalize (beacon + full verification + export), verify. Each step is a fresh
// process, as participants run it. Usage: npm run build && node bench/ceremony.mjs [--json]
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { compiledCircuit } from "../scripts/circuits.mjs";

const run = promisify(execFile);
const CLI = resolve("dist/cli.js");
const PTAU = resolve("ceremony/pot14_final.ptau");

const { r1cs } = await compiledCircuit("age_at_least");
const dir = await mkdtemp(join(tmpdir(), "medzk-bench-ceremony-"));
const steps = [
  ["init", ["ceremony", "init", "--circuit", "age_at_least", "--r1cs", r1cs, "--ptau", PTAU, "--dir", "c"]],
  ["contribute (1st)", ["ceremony", "contribute", "--dir", "c", "--name", "Alice"]],
  ["contribute (2nd)", ["ceremony", "contribute", "--dir", "c", "--name", "Bob"]],
  ["contribute (3rd)", ["ceremony", "contribute", "--dir", "c", "--name", "Carol"]],
  ["finalize", ["ceremony", "finalize", "--dir", "c", "--r1cs", r1cs, "--ptau", PTAU, "--beacon", "ab".repeat(32), "--out", "keys"]],
  ["verify", ["ceremony", "verify", "--dir", "c", "--r1cs", r1cs, "--ptau", PTAU]],
];
const results = [];
try {
  for (const [step, args] of steps) {
    const started = performance.now();
    await run(process.execPath, [CLI, ...args], { cwd: dir, maxBuffer: 1 << 24 });
    results.push({ step, ms: Math.round(performance.now() - started) });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const machine = { cpus: cpus().length, loadavg1: Number(loadavg()[0].toFixed(1)), node: process.version };
if (process.argv.includes("--json")) {
  process.stdout.write(JSON.stringify({ circuit: "age_at_least", machine, results }, null, 2) + "\n");
} else {
  process.stdout.write(`medzk ceremony, age_at_least (${machine.cpus} cores, load ${machine.loadavg1}, Node ${machine.node})\n`);
  for (const { step, ms } of results) process.stdout.write(`  ${step.padEnd(18)} ${(ms / 1000).toFixed(1).padStart(7)} s\n`);
}
