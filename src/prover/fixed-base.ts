/**
 * Fixed-base multi-exponentiation for a resident proving key: Σ s_i·P_i where the bases P_i are
 * the same for every proof (sections 5..9 of the zkey) and only the scalars change.
 *
 * Pippenger's bucket method (wasmcurves' `_multiexpAffine_chunk`) cuts each 254-bit scalar into
 * W = ⌈254/c⌉ windows of c bits and, per window, adds every point into one of 2^c buckets, sums
 * the buckets (`_reduceTable`, ~2·2^c full Jacobian additions) and doubles c times between
 * windows. With fixed bases the doublings can be paid once per key instead: keep, for every base,
 * its multiples 2^(c·k)·P_i for k = 0..W−1 (affine); then
 *   Σ_i s_i·P_i = Σ_i Σ_k d_ik·(2^(c·k)·P_i),   d_ik the k-th c-bit digit of s_i,
 * is ONE bucket sum over n·W (point, digit) pairs: one bucket reduction instead of W, and no
 * doublings, so c can grow (the bucket sum no longer repeats per window), which cuts W and with it
 * the n·W mixed additions that dominate. This is Brickell, Gordon, McCurley and Wilson's
 * fixed-base method ("Fast exponentiation with precomputation", EUROCRYPT '92: stored powers
 * g^(b^k), digits summed by bucket) applied to all bases of the key at once.
 *
 * No curve arithmetic is written here: the multiples come from wasmcurves' `_timesScalarAffine`
 * (P·2^c per point) and `_batchToAffine`, the bucket sum from `_multiexpAffine_chunk` run over the
 * table with 16-bit digits as its "scalars" (scalarSize 2, startBit 0, chunkSize c), all through
 * ffjavascript's thread manager; test/unit/prover/fixed-base.test.ts holds every result against
 * ffjavascript's own G1/G2 multiExpAffine.
 *
 * Cost: a table holds W·n points (for c = 12, 22 copies of each base: ~10 MB for 7k G1 bases) and
 * takes ~254 doublings per base to build (for insurance_active ~8 s of CPU: the saving of ~25
 * proofs), so groth16-prove.ts builds them only for a key a process proves with again and again.
 */
import type { Curve, CurveGroup, PointBytes } from "../groth16/curve.js";

const N8 = 32;
/** Scalars are below r < 2^254. */
const SCALAR_BITS = 254;
/** Bytes per digit in the per-proof digit array (`_getChunk` reads them as the chunk's scalars). */
const DIGIT_BYTES = 2;

export type GroupPrefix = "g1m" | "g2m";

/** A fixed-base table: the multiples 2^(c·k)·P_j of the key's non-zero bases, level by level. */
export interface FixedBaseTable {
  readonly prefix: GroupPrefix;
  /** Affine point size (64 in G1, 128 in G2); Jacobian is 3/2 of it. */
  readonly pointBytes: number;
  /** Digit width and number of levels (windows): c·windows ≥ 254. */
  readonly c: number;
  readonly windows: number;
  /** Number of bases kept (the zero bases, which add nothing, are left out). */
  readonly n: number;
  /** index[j]: which scalar (position in the caller's scalar array) goes with kept base j. */
  readonly index: Uint32Array;
  /** windows·n affine points: level k (bases times 2^(c·k)) at points k·n .. k·n + n − 1. */
  readonly points: Uint8Array;
}

/**
 * The digit width for `n` kept bases: the bucket sum runs once per task (`parts` tasks), so it
 * minimises n·⌈254/c⌉ mixed additions + parts·2^(c+1)·1.4 bucket additions (a full Jacobian
 * addition costs ~1.4 mixed ones: 11M+5S against 7M+4S, wasmcurves' `_add` and `_addMixed`),
 * with c ≤ 16 (`_getChunk` reads 16-bit digits) among the widths whose table fits in `maxBytes`.
 */
export function tableDigitBits(n: number, parts: number, pointBytes: number, maxBytes: number): number {
  // 16 has the fewest levels: the choice when no width fits in maxBytes.
  let best = 16;
  let bestCost = Infinity;
  for (let c = 4; c <= 16; c++) {
    const windows = Math.ceil(SCALAR_BITS / c);
    if (windows * n * pointBytes > maxBytes) continue;
    const cost = windows * n + parts * 2 ** (c + 1) * 1.4;
    if (cost < bestCost) [best, bestCost] = [c, cost];
  }
  return best;
}

type Tm = Curve["tm"];

/**
 * Builds the table of `bases` (affine, Montgomery, the zkey's bytes; base i goes with scalar i,
 * zero bases are left out). The work is cut into tasks of `chunk` bases, each computing all
 * levels of its bases: level k+1 = 2^c·level k by wasmcurves' `_timesScalarAffine`, then
 * `_batchToAffine` (one field inversion per level, Montgomery's trick).
 */
export async function buildFixedBaseTable(
  tm: Tm,
  prefix: GroupPrefix,
  bases: Uint8Array,
  pointBytes: number,
  options: { parts: number; maxBytes: number; chunk: number },
): Promise<FixedBaseTable> {
  const total = bases.length / pointBytes;
  const keep: number[] = [];
  for (let i = 0; i < total; i++) {
    for (let b = i * pointBytes; b < (i + 1) * pointBytes; b++) {
      if (bases[b] !== 0) {
        keep.push(i);
        break;
      }
    }
  }
  const n = keep.length;
  const index = Uint32Array.from(keep);
  const c = tableDigitBits(Math.max(n, 1), options.parts, pointBytes, options.maxBytes);
  const windows = Math.ceil(SCALAR_BITS / c);
  const points = new Uint8Array(sharedBuffer(windows * n * pointBytes));
  for (let j = 0; j < n; j++) points.set(bases.subarray(keep[j]! * pointBytes, (keep[j]! + 1) * pointBytes), j * pointBytes);
  // 2^c as a 3-byte little-endian scalar (c ≤ 16).
  const twoC = Uint8Array.of(0, 0, 0, 0);
  twoC[c >> 3] = 1 << (c & 7);
  const jacobian = (pointBytes * 3) / 2;
  const jobs: Promise<void>[] = [];
  for (let lo = 0; lo < n && windows > 1; lo += options.chunk) {
    const m = Math.min(options.chunk, n - lo);
    const levelBytes = m * pointBytes;
    const task: unknown[] = [
      { cmd: "ALLOCSET", var: 0, buff: points.slice(lo * pointBytes, lo * pointBytes + levelBytes) },
      { cmd: "ALLOC", var: 1, len: (windows - 1) * levelBytes },
      { cmd: "ALLOC", var: 2, len: m * jacobian },
      { cmd: "ALLOCSET", var: 3, buff: twoC },
      // _batchToAffine takes its scratch (m field elements) from the free pointer, past every
      // allocation: this last one makes the thread manager grow the memory to cover it.
      { cmd: "ALLOC", var: 5, len: m * jacobian },
    ];
    for (let k = 1; k < windows; k++) {
      const from = (i: number) => (k === 1 ? { var: 0, offset: i * pointBytes } : { var: 1, offset: (k - 2) * levelBytes + i * pointBytes });
      // 2^c·P point by point with a 2-byte scalar: _batchApplyKeyMixed would run each through
      // _timesFrAffine, a 256-bit double-and-add whose ~240 leading zero bits cost more than the
      // c doublings that matter.
      for (let i = 0; i < m; i++) task.push({ cmd: "CALL", fnName: `${prefix}_timesScalarAffine`, params: [from(i), { var: 3 }, { val: 3 }, { var: 2, offset: i * jacobian }] });
      task.push({ cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 2 }, { val: m }, { var: 1, offset: (k - 1) * levelBytes }] });
    }
    task.push({ cmd: "GET", out: 0, var: 1, len: (windows - 1) * levelBytes });
    jobs.push(
      tm.queueAction(task).then((out: Uint8Array[]) => {
        const levels = out[0]!;
        for (let k = 1; k < windows; k++) points.set(levels.subarray((k - 1) * levelBytes, k * levelBytes), (k * n + lo) * pointBytes);
      }),
    );
  }
  await Promise.all(jobs);
  return { prefix, pointBytes, c, windows, n, index, points };
}

/**
 * A SharedArrayBuffer where one can be had (Node; a cross-origin-isolated page), so that handing
 * table slices to a worker shares instead of copying them; an ArrayBuffer elsewhere.
 */
function sharedBuffer(bytes: number): ArrayBufferLike {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer !== "undefined" && isolated !== false) return new SharedArrayBuffer(bytes);
  return new ArrayBuffer(bytes);
}

/**
 * The digits of the table's scalars: digit k of scalar j at position k·n + j (the table's layout),
 * 16 bits little-endian. `scalars` holds 32-byte little-endian normal-form values, below 2^254.
 * NOTE: which bucket a point goes to depends on the witness, as in every Pippenger multi-
 * exponentiation (wasmcurves' windowed one and snarkjs's alike): a timing side channel on the
 * witness to a process sharing the machine's caches, no wider than snarkjs's.
 */
export function tableDigits(table: FixedBaseTable, scalars: Uint8Array): Uint8Array {
  const { n, c, windows, index } = table;
  const digits = new Uint16Array(windows * n + 2); // +2: _getChunk reads 4 bytes at the last digit
  const mask = (1 << c) - 1;
  for (let j = 0; j < n; j++) {
    const at = index[j]! * N8;
    // Zero scalars (a sixth of a witness) keep their zero digits, which the bucket sum skips.
    let zero = true;
    for (let b = at; b < at + N8; b++) {
      if (scalars[b] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero) continue;
    for (let k = 0; k < windows; k++) {
      const bit = k * c;
      const byte = at + (bit >> 3);
      const end = at + N8;
      // The ≤ 16 bits from `bit` lie in 3 bytes; bytes past the scalar's 32 read as zero.
      const word = scalars[byte]! | (byte + 1 < end ? scalars[byte + 1]! << 8 : 0) | (byte + 2 < end ? scalars[byte + 2]! << 16 : 0);
      digits[k * n + j] = (word >>> (bit & 7)) & mask;
    }
  }
  return new Uint8Array(digits.buffer, 0, windows * n * DIGIT_BYTES + 4);
}

/**
 * Σ scalars[index[j]]·P_j over the table, cut into `parts` tasks over contiguous ranges of the
 * (level, base) pairs, each one `_multiexpAffine_chunk` call with its own bucket sum; the
 * partial sums are added here. Resolves to a Jacobian point.
 */
export function fixedBaseMultiExp(group: CurveGroup, tm: Tm, table: FixedBaseTable, scalars: Uint8Array, parts: number): Promise<PointBytes> {
  const { pointBytes, c, prefix } = table;
  const digits = tableDigits(table, scalars);
  const total = table.windows * table.n;
  const jacobian = (pointBytes * 3) / 2;
  const jobs: Promise<Uint8Array[]>[] = [];
  const cut = Math.max(1, Math.min(parts, total));
  for (let p = 0; p < cut; p++) {
    const lo = Math.floor((total * p) / cut);
    const hi = Math.floor((total * (p + 1)) / cut);
    if (hi === lo) continue;
    jobs.push(
      tm.queueAction([
        { cmd: "ALLOCSET", var: 0, buff: table.points.subarray(lo * pointBytes, hi * pointBytes) },
        { cmd: "ALLOCSET", var: 1, buff: digits.subarray(lo * DIGIT_BYTES, hi * DIGIT_BYTES + 4) },
        { cmd: "ALLOC", var: 2, len: jacobian },
        // The chunk's 2^c buckets are taken from the free pointer, past every allocation: this
        // last one makes the thread manager grow the memory to cover them.
        { cmd: "ALLOC", var: 3, len: 2 ** c * jacobian },
        { cmd: "CALL", fnName: `${prefix}_multiexpAffine_chunk`, params: [{ var: 0 }, { var: 1 }, { val: DIGIT_BYTES }, { val: hi - lo }, { val: 0 }, { val: c }, { var: 2 }] },
        { cmd: "GET", out: 0, var: 2, len: jacobian },
      ]),
    );
  }
  return Promise.all(jobs).then((sums) => sums.reduce((acc, [s]) => group.add(acc, s!), (group as CurveGroup & { zero: PointBytes }).zero));
}
