// The per-phase cost of one proof, for bench/prove.mjs: each phase of medzk's resident prover
// (src/prover/groth16-prove.ts) timed alone on medzk's own modules (bundled by the caller with
// esbuild, as bench/_verify-parts.ts is: dist/ exports none of them), beside snarkjs's
// groth16.prove on the same witness with its own phases (from its logger's debug lines).
import { WitnessCalculatorBuilder } from "circom_runtime";
import * as snarkjs from "snarkjs";
import { threadedCurve } from "../src/groth16/curve.js";
import { groth16ProveResident, type ProvePhases, provingTables } from "../src/prover/groth16-prove.js";
import { parseProvingKey, wtnsValues } from "../src/prover/proving-key.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

export interface PartsInput {
  wasm: Uint8Array;
  zkey: Uint8Array;
  input: Record<string, unknown>;
  runs: number;
  /** Runs a snarkjs call on the curve snarkjs's users get (bench/prove.mjs's stock curve). */
  onStock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** snarkjs's phases, from the debug lines its groth16 prover logs at each step. */
function snarkjsLogger(marks: Map<string, number>) {
  let last = performance.now();
  let phase = "read";
  const phaseOf = (m: string): string | undefined => {
    if (m.startsWith("Building ABC")) return "buildABC (JS)";
    if (m.startsWith("IFFT_A") || m.startsWith("FFT") || m.startsWith("IFFT")) return "FFTs";
    if (m.startsWith("Join ABC")) return "joinABC";
    const msm = /^Multiexp start: multiexp (\w+)/.exec(m);
    if (msm) return `MSM ${msm[1]}`;
    return undefined;
  };
  return {
    debug(m: string) {
      const next = phaseOf(m);
      if (!next || next === phase) return;
      const now = performance.now();
      marks.set(phase, (marks.get(phase) ?? 0) + now - last);
      last = now;
      phase = next;
    },
    end() {
      marks.set(phase, (marks.get(phase) ?? 0) + performance.now() - last);
    },
    info() {},
    warn() {},
    error() {},
  };
}

export async function proveParts({ wasm, zkey, input, runs, onStock }: PartsInput): Promise<Record<string, number>> {
  await import("snarkjs");
  const curve = await threadedCurve();
  if (!curve) throw new Error("no worker threads");
  const calculator = await WitnessCalculatorBuilder(wasm);
  const out: Record<string, number> = {};
  out["witness (circom wasm, calculator kept)"] = await timeIt(runs, () => calculator.calculateWTNSBin(input));
  out["witness (compile + calculate, as fullProve)"] = await timeIt(runs, async () => (await WitnessCalculatorBuilder(wasm)).calculateWTNSBin(input));
  out["zkey parse (once per key)"] = await timeIt(runs, () => parseProvingKey(zkey));
  const key = parseProvingKey(zkey);
  const wtns = await calculator.calculateWTNSBin(input);
  const witness = wtnsValues(wtns, key.nVars);
  // Windowed (a key's first proofs): each run on a fresh key object, so that no run counts
  // towards the table build (TABLE_AFTER_PROOFS), which would then run beside the next timings.
  const phases: ProvePhases[] = [];
  out["medzk: proof from witness, windowed (first proofs)"] = await timeIt(runs, async () => {
    const p = {} as ProvePhases;
    await groth16ProveResident(curve, { ...key }, witness, p);
    phases.push(p);
  });
  out["medzk:  H polynomial task (wasm buildABC, FFTs, join)"] = median(phases.map((p) => p.h));
  out["medzk:  all MSMs done"] = median(phases.map((p) => p.msm));
  const t0 = performance.now();
  if (!(await provingTables(curve, key))) throw new Error("no fixed-base tables");
  out["medzk: fixed-base tables (once per key, both workers)"] = performance.now() - t0;
  const tabled: ProvePhases[] = [];
  out["medzk: proof from witness, fixed-base tables"] = await timeIt(runs, async () => {
    const p = {} as ProvePhases;
    await groth16ProveResident(curve, key, witness, p);
    tabled.push(p);
  });
  out["medzk:  H polynomial task"] = median(tabled.map((p) => p.h));
  out["medzk:  all MSMs done "] = median(tabled.map((p) => p.msm));
  out["medzk:  randomise + affine"] = median(tabled.map((p) => p.finish));
  const sj: Map<string, number>[] = [];
  out["snarkjs.groth16.prove from witness"] = await timeIt(runs, async () => {
    const marks = new Map<string, number>();
    const logger = snarkjsLogger(marks);
    await onStock(() => snarkjs.groth16.prove(zkey, wtns, logger as never));
    logger.end();
    sj.push(marks);
  });
  for (const name of sj[0]!.keys()) out[`snarkjs:  ${name}`] = median(sj.map((m) => m.get(name) ?? 0));
  return out;
}
