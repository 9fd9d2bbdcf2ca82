/**
 * Groth16 proving on a resident proving key: the computation of snarkjs's groth16_prove.js
 * (snarkjs 0.7, the same QAP evaluation, FFTs on the coset, five multi-exponentiations and
 * randomisation), on the same wasmcurves functions, without its per-proof overheads.
 *
 * Where snarkjs loses its time on a circuit of ~10k constraints (bench/prove.mjs measures it):
 * - it re-reads and re-parses the zkey from its bytes on every proof (./proving-key.ts parses once);
 * - it builds the QAP evaluations A, B, C in JavaScript, one Fr.mul/Fr.add call (each a copy into
 *   and out of wasm memory) per coefficient, ~80k of them: here wasmcurves' own `qap_buildABC`
 *   does it in one call;
 * - each multi-exponentiation is cut by ffjavascript into one task per 9-bit window (29 tasks),
 *   each task copying all the bases and scalars to a worker again (~29 MB per proof for B in G2
 *   alone): here the windows are shared out in one task per worker, so each worker receives the
 *   bases once, and the window width follows the number of non-zero scalars;
 * - the five multi-exponentiations and the FFTs run one after the other, so workers idle at every
 *   join: here everything is queued at once and the H polynomial is computed while the four
 *   witness multi-exponentiations run;
 * - every multi-exponentiation pays ~29 bucket sums and 254 doublings per proof: once a process
 *   has proved {@link TABLE_AFTER_PROOFS} times with a key, it keeps fixed-base tables of the
 *   key's bases (./fixed-base.ts), which leave one bucket sum per task and ~25% fewer additions.
 * No curve or field arithmetic is written here: every operation is a wasmcurves export (through
 * ffjavascript's thread manager) or an ffjavascript curve method, and proofs are checked against
 * snarkjs's verifier and CLI in test/integration/prover-resident.test.ts.
 */
import { MedzkError } from "../core/errors.js";
import type { Curve, CurveGroup, PointBytes } from "../groth16/curve.js";
import { type FixedBaseTable, buildFixedBaseTable, fixedBaseMultiExp } from "./fixed-base.js";
import type { ProvingKey } from "./proving-key.js";

const N8 = 32;

/** ffjavascript's Fr as the prover uses it (beyond medzk's typed {@link Curve}). */
interface ProverFr {
  readonly one: Uint8Array;
  /** Two-adicity of r - 1 (28 for BN254). */
  readonly s: number;
  /** w[k]: a primitive 2^k-th root of unity (Montgomery form). */
  readonly w: Uint8Array[];
  /** The coset shift used when the domain is the largest (2^s). */
  readonly shift: Uint8Array;
  random(): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(a: Uint8Array): Uint8Array;
}

interface ProverGroup extends CurveGroup {
  readonly zero: PointBytes;
  double(p: PointBytes): PointBytes;
  timesFr(p: PointBytes, s: Uint8Array): PointBytes;
}

/** A proof as snarkjs returns it: decimal strings. */
export interface RawProof {
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: "groth16"; curve: "bn128" };
  publicSignals: string[];
}

/** Per-phase wall times of one proof (ms), for bench/prove.mjs. */
export interface ProvePhases {
  /** Queuing the four witness multi-exponentiations (copies to workers start here). */
  queue: number;
  /** The H polynomial task (buildABC, 3 iFFT/FFT pairs, join), from queueing to its result. */
  h: number;
  /** All multi-exponentiations done (from the start). */
  msm: number;
  /** Randomisation and conversion to affine coordinates. */
  finish: number;
}

/** Bits of a scalar below r (< 2^254): the windows above are always zero. */
const SCALAR_BITS = 254;

/**
 * The Pippenger window width for `n` points with non-zero scalars: each window costs one mixed
 * addition per point plus ~2^(c+1) additions to sum its 2^c buckets (wasmcurves'
 * `_multiexp_chunk`, `_reduceTable`), so c minimises ceil(254/c)·(n + 2^(c+1)).
 */
function windowBits(n: number): number {
  let best = 1;
  let bestCost = Infinity;
  for (let c = 1; c <= 16; c++) {
    const cost = Math.ceil(SCALAR_BITS / c) * (n + 2 ** (c + 1));
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best;
}

/**
 * Σ scalars_i·bases_i (affine bases, 32-byte little-endian scalars, normal form), cut by windows:
 * one task per worker, each holding the bases once and running wasmcurves'
 * `_multiexpAffine_chunk` for its share of the c-bit windows; the window sums are then joined
 * here (W = Σ_j 2^(c·j)·W_j, by doublings, as ffjavascript's engine_multiexp.js joins them).
 * ffjavascript instead sends one task per window, each copying every base and scalar again.
 */
async function multiExp(group: ProverGroup, prefix: "g1m" | "g2m", tm: Curve["tm"], bases: Uint8Array, scalars: Uint8Array, pointBytes: number): Promise<PointBytes> {
  const n = scalars.length / N8;
  if (n === 0) return group.zero;
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i * N8; j < (i + 1) * N8; j++) {
      if (scalars[j] !== 0) {
        nonZero++;
        break;
      }
    }
  }
  const c = windowBits(Math.max(1, nonZero));
  const windows = Math.ceil(SCALAR_BITS / c);
  const parts = Math.min(Math.max(1, tm.concurrency), windows);
  const jobs: Promise<Uint8Array[]>[] = [];
  const order: number[] = [];
  for (let p = 0; p < parts; p++) {
    const task: unknown[] = [
      { cmd: "ALLOCSET", var: 0, buff: bases },
      { cmd: "ALLOCSET", var: 1, buff: scalars },
    ];
    let out = 0;
    for (let w = p; w < windows; w += parts) {
      const bits = Math.min(c, SCALAR_BITS - w * c);
      task.push(
        { cmd: "ALLOC", var: 2 + out, len: pointBytes },
        { cmd: "CALL", fnName: `${prefix}_multiexpAffine_chunk`, params: [{ var: 0 }, { var: 1 }, { val: N8 }, { val: n }, { val: w * c }, { val: bits }, { var: 2 + out }] },
        { cmd: "GET", out, var: 2 + out, len: pointBytes },
      );
      order.push(w);
      out++;
    }
    jobs.push(tm.queueAction(task));
  }
  const sums: PointBytes[] = [];
  (await Promise.all(jobs)).flat().forEach((point, k) => (sums[order[k]!] = point));
  let acc = group.zero;
  for (let w = windows - 1; w >= 0; w--) {
    if (!group.isZero(acc)) for (let i = 0; i < c; i++) acc = group.double(acc);
    acc = group.add(acc, sums[w]!);
  }
  return acc;
}

/**
 * The task computing H's scalars (snarkjs's buildABC1, three ifft/batchApplyKey/fft, joinABC and
 * fromMontgomery): the coefficients of (A·B − C)/Z evaluated on the coset, as MSM scalars.
 */
function hTask(key: ProvingKey, witness: Uint8Array, one: Uint8Array, inc: Uint8Array): unknown[] {
  const n = key.domainSize;
  const len = n * N8;
  const task: unknown[] = [
    { cmd: "ALLOCSET", var: 0, buff: key.coefs },
    { cmd: "ALLOCSET", var: 1, buff: witness },
    { cmd: "ALLOC", var: 2, len },
    { cmd: "ALLOC", var: 3, len },
    { cmd: "ALLOC", var: 4, len },
    { cmd: "ALLOCSET", var: 5, buff: one },
    { cmd: "ALLOCSET", var: 6, buff: inc },
    { cmd: "ALLOC", var: 7, len },
    {
      cmd: "CALL",
      fnName: "qap_buildABC",
      params: [{ var: 0 }, { val: key.nCoefs }, { var: 1 }, { var: 2 }, { var: 3 }, { var: 4 }, { val: 0 }, { val: n }, { val: 0 }, { val: key.nVars }],
    },
  ];
  for (const v of [2, 3, 4]) {
    task.push(
      { cmd: "CALL", fnName: "frm_ifft", params: [{ var: v }, { val: n }] },
      { cmd: "CALL", fnName: "frm_batchApplyKey", params: [{ var: v }, { val: n }, { var: 5 }, { var: 6 }, { var: v }] },
      { cmd: "CALL", fnName: "frm_fft", params: [{ var: v }, { val: n }] },
    );
  }
  task.push(
    { cmd: "CALL", fnName: "qap_joinABC", params: [{ var: 2 }, { var: 3 }, { var: 4 }, { val: n }, { var: 7 }] },
    { cmd: "CALL", fnName: "frm_batchFromMontgomery", params: [{ var: 7 }, { val: n }, { var: 7 }] },
    { cmd: "GET", out: 0, var: 7, len },
  );
  return task;
}

function leToDecimal(bytes: Uint8Array): string {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v.toString();
}

const decimal = (x: unknown): string => {
  if (typeof x !== "bigint") throw new MedzkError("PROVING_FAILED", `unexpected coordinate ${String(x)}`);
  return x.toString();
};

/**
 * The fixed-base tables of one key's five multi-exponentiations (./fixed-base.ts).
 * NOTE: computed in this process from the key's own bases, never read from elsewhere; a wrong
 * table makes proofs that fail verification, it cannot make a false statement verify, and the
 * proofs' randomisation (r, s) does not go through it.
 */
interface KeyTables {
  A: FixedBaseTable;
  B1: FixedBaseTable;
  B2: FixedBaseTable;
  C: FixedBaseTable;
  H: FixedBaseTable;
}

/**
 * Keys with tables (or tables being built), at most {@link TABLE_KEYS}, oldest first: a table set
 * is ~50 MB for a 10k-constraint circuit (~100 MB for query_hidden), so only the keys in use keep
 * one.
 */
const tableCache = new Map<ProvingKey, Promise<KeyTables | undefined>>();
const TABLE_KEYS = 2;
/** One table at most this large (the digit width shrinks to fit). */
const TABLE_MAX_BYTES = 32 * 2 ** 20;
/** Proofs per key without tables, counted until the build starts. */
const proofCounts = new WeakMap<ProvingKey, number>();
/**
 * A key's tables are built once it has proved this many times in the process. Building costs
 * ~254 doublings per base (insurance_active: ~8 s of CPU, ~4 s on two quiet workers: the CPU
 * that ~25 proofs with tables save), so only a process that proves again and again with a key
 * (a prover service, a benchmark) gains from it; one that proves a few times, as a wallet's
 * session, a test file or `npm run bench`'s 8 timed proofs per statement do, never pays for it.
 */
export const TABLE_AFTER_PROOFS = 16;

async function buildKeyTables(curve: Curve, key: ProvingKey): Promise<KeyTables> {
  const tm = curve.tm;
  const parts = Math.max(1, tm.concurrency);
  const g1 = (bases: Uint8Array) => buildFixedBaseTable(tm, "g1m", bases, 2 * N8, { parts, maxBytes: TABLE_MAX_BYTES, chunk: 1024 });
  // B2 first: G2 doublings cost ~3x, and the largest tasks go first so the last ones even out.
  const B2 = buildFixedBaseTable(tm, "g2m", key.B2, 4 * N8, { parts, maxBytes: TABLE_MAX_BYTES, chunk: 512 });
  const [A, B1, C, H] = [g1(key.A), g1(key.B1), g1(key.C), g1(key.H)];
  return { A: await A, B1: await B1, B2: await B2, C: await C, H: await H };
}

/**
 * The key's tables if they exist (awaiting them if they are being built), else undefined, with
 * `start` on the key's {@link TABLE_AFTER_PROOFS}-th proof: it starts the build once that proof is
 * done (queued before it, the build's tasks would hold up the proof's own). Only on a threaded
 * curve: on the single-threaded one the build would block the calling thread for seconds.
 */
async function keyTables(curve: Curve, key: ProvingKey): Promise<{ tables?: KeyTables; start?: () => void }> {
  if ((curve.tm as { singleThread?: boolean }).singleThread || curve.tm.concurrency < 2) return {};
  const entry = tableCache.get(key);
  if (entry) return { tables: await entry };
  const count = (proofCounts.get(key) ?? 0) + 1;
  proofCounts.set(key, count);
  if (count !== TABLE_AFTER_PROOFS) return {};
  return { start: () => void provingTables(curve, key) };
}

/**
 * Builds the key's tables now (or awaits the build under way) and keeps them for its later
 * proofs: for a caller that knows it will prove many times with the key (bench/_prove-parts.ts).
 * Resolves to false where no tables are built (a single-threaded curve, or a failed build).
 */
export async function provingTables(curve: Curve, key: ProvingKey): Promise<boolean> {
  if ((curve.tm as { singleThread?: boolean }).singleThread || curve.tm.concurrency < 2) return false;
  let entry = tableCache.get(key);
  if (!entry) {
    // A failed build (out of memory, say) leaves the key on the windowed path.
    entry = buildKeyTables(curve, key).catch(() => undefined);
    tableCache.set(key, entry);
    while (tableCache.size > TABLE_KEYS) {
      const oldest = tableCache.keys().next().value!;
      tableCache.delete(oldest);
      proofCounts.delete(oldest); // counted afresh: used again often enough, it is built again
    }
  }
  return (await entry) !== undefined;
}

/**
 * Proves with a resident key: `witness` is the circuit's full witness (nVars values, 32 bytes
 * little-endian, normal form), `curve` ffjavascript's BN254 curve (threaded or not).
 * NOTE: soundness does not rest on this code (a wrong proof fails verification); zero knowledge
 * rests on r and s being fresh uniform Fr elements per proof, drawn from ffjavascript's
 * Fr.random exactly as snarkjs draws them: a ChaCha stream seeded from crypto.randomFillSync in
 * Node and crypto.getRandomValues in browsers (ffjavascript's random.js; its Math.random fallback
 * applies only to a browser without Web Crypto, where snarkjs would use it too).
 */
export async function groth16ProveResident(curve: Curve, key: ProvingKey, witness: Uint8Array, phases?: ProvePhases): Promise<RawProof> {
  if (witness.length !== key.nVars * N8) throw new MedzkError("PROVING_FAILED", `the witness has ${witness.length / N8} values, the proving key expects ${key.nVars}`);
  const t0 = performance.now();
  const tm = curve.tm;
  const Fr = curve.Fr as unknown as ProverFr;
  const G1 = curve.G1 as ProverGroup;
  const G2 = curve.G2 as ProverGroup;

  // H first in the queue: its MSM can only start once it is back. The G2 MSM (the largest) next.
  // The coset shift: a primitive 2n-th root of unity, or Fr.shift when 2n exceeds the two-adicity
  // (snarkjs's `inc`).
  const inc = key.power === Fr.s ? Fr.shift : Fr.w[key.power + 1]!;
  const { tables, start } = await keyTables(curve, key);
  const hDone = tm.queueAction(hTask(key, witness, Fr.one, inc)).then((r) => {
    if (phases) phases.h = performance.now() - t0;
    return r[0]!;
  });
  const parts = Math.max(1, tm.concurrency);
  const msm = (group: ProverGroup, prefix: "g1m" | "g2m", table: FixedBaseTable | undefined, bases: Uint8Array, scalars: Uint8Array, pointBytes: number) =>
    table ? fixedBaseMultiExp(group, tm, table, scalars, parts) : multiExp(group, prefix, tm, bases, scalars, pointBytes);
  const B2 = msm(G2, "g2m", tables?.B2, key.B2, witness, 6 * N8);
  const A = msm(G1, "g1m", tables?.A, key.A, witness, 3 * N8);
  const B1 = msm(G1, "g1m", tables?.B1, key.B1, witness, 3 * N8);
  const C = msm(G1, "g1m", tables?.C, key.C, witness.subarray((key.nPublic + 1) * N8), 3 * N8);
  if (phases) phases.queue = performance.now() - t0;
  const H = msm(G1, "g1m", tables?.H, key.H, await hDone, 3 * N8);
  let a, b1, b2, c, h;
  try {
    [a, b1, b2, c, h] = await Promise.all([A, B1, B2, C, H]);
  } finally {
    start?.();
  }
  const t1 = performance.now();
  if (phases) phases.msm = t1 - t0;

  const r = Fr.random();
  const s = Fr.random();
  const piA = G1.add(G1.add(a, key.alpha1), G1.timesFr(key.delta1, r));
  const piB = G2.add(G2.add(b2, key.beta2), G2.timesFr(key.delta2, s));
  const pib1 = G1.add(G1.add(b1, key.beta1), G1.timesFr(key.delta1, s));
  let piC = G1.add(c, h);
  piC = G1.add(piC, G1.timesFr(piA, s));
  piC = G1.add(piC, G1.timesFr(pib1, r));
  piC = G1.add(piC, G1.timesFr(key.delta1, Fr.neg(Fr.mul(r, s))));

  const publicSignals: string[] = [];
  for (let i = 1; i <= key.nPublic; i++) publicSignals.push(leToDecimal(witness.subarray(i * N8, (i + 1) * N8)));
  const g1 = (p: PointBytes) => (G1.toObject(G1.toAffine(p)) as unknown[]).map(decimal);
  const g2 = (p: PointBytes) => (G2.toObject(G2.toAffine(p)) as unknown[][]).map((xy) => xy.map(decimal));
  const proof = { pi_a: g1(piA), pi_b: g2(piB), pi_c: g1(piC), protocol: "groth16" as const, curve: "bn128" as const };
  if (phases) phases.finish = performance.now() - t1;
  return { proof, publicSignals };
}
