/**
 * ffjavascript's BN254 curve: its typed surface ({@link Curve}, exactly what medzk calls), the
 * engine started from pre-generated wasm, the verifier's single-threaded curve and the shared
 * multi-threaded one.
 *
 * `buildBn128()` generates its wasm module with BigInt-heavy JavaScript on every start, which is
 * most of a verifier's cold start, before compiling it. The module is a pure function of wasmcurves
 * and wasmbuilder, which ffjavascript pins exactly, so medzk generates it once, with faster bodies
 * for some of wasmcurves' functions (same results on every input they are given) and its own
 * functions appended (scripts/gen-bn254-wasm.mjs composes them, scripts/bn254-wasm-source.mjs
 * lists each step: fused Fq and Fq2 arithmetic, the tower's ξ by additions, the cyclotomic
 * squaring and x^u of the final exponentiation, cheaper line preparation, the multi-Miller loop;
 * -> src/groth16/generated/bn254-wasm.ts, checked against a fresh generation by
 * test/unit/groth16/curve.test.ts) and hands the bytes to ffjavascript's own engine builder. Every
 * wasmcurves function keeps its place and results, so snarkjs proves on this module unchanged.
 *
 * ffjavascript is reached through ./engine.ts only (which the verifier-only package swaps for a
 * bundled copy of the engine), and the worker-thread handling through ./idle-workers.ts.
 */
import { type EngineParams, buildEngineCurve } from "./engine.js";
import { BN254_WASM_BASE64, BN254_WASM_LAYOUT } from "./generated/bn254-wasm.js";
import { threadOptions } from "./idle-workers.js";

/** A point in ffjavascript's internal form: affine (2 coordinates) or Jacobian (3), Montgomery limbs. */
export type PointBytes = Uint8Array;

/** A scalar as ffjavascript takes it: little-endian bytes, or a (non-negative) bigint. */
export type Scalar = Uint8Array | bigint;

/** A prime field of the curve (Fq, Fq2, Fr), as far as medzk uses it. */
export interface CurveField {
  /** Bytes per element. */
  readonly n8: number;
  readonly one: Uint8Array;
  fromObject(value: unknown): Uint8Array;
  toObject(a: Uint8Array): unknown;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  square(a: Uint8Array): Uint8Array;
  exp(a: Uint8Array, e: bigint): Uint8Array;
  isSquare(a: Uint8Array): boolean;
  sqrt(a: Uint8Array): Uint8Array;
  random(): Uint8Array;
}

/** G1 or G2 of BN254 (ffjavascript's WasmCurve plus the multiexp engine). */
export interface CurveGroup {
  /** The coordinate field: Fq for G1, Fq2 for G2. */
  readonly F: CurveField;
  /** The generator (Jacobian). */
  readonly g: PointBytes;
  /** The curve coefficient b of y² = x³ + b. */
  readonly b: Uint8Array;
  /** `[x, y, z]` (bigints, or pairs of bigints for G2) to the internal form; z = 1 gives affine bytes. */
  fromObject(xyz: unknown): PointBytes;
  toObject(p: PointBytes): unknown;
  toAffine(p: PointBytes): PointBytes;
  toJacobian(p: PointBytes): PointBytes;
  /** NOTE: true for the point at infinity (ffjavascript encodes it as all-zero coordinates). */
  isValid(p: PointBytes): boolean;
  isZero(p: PointBytes): boolean;
  add(a: PointBytes, b: PointBytes): PointBytes;
  neg(p: PointBytes): PointBytes;
  timesScalar(p: PointBytes, s: Scalar): PointBytes;
  /** Σ s_i·P_i over affine points and little-endian scalars (the width is inferred per point). */
  multiExpAffine(points: Uint8Array, scalars: Uint8Array): Promise<PointBytes>;
}

/** The exports of the BN254 wasm module that medzk calls directly (pointers into its memory). */
export interface Bn254Wasm {
  ftm_one(out: number): void;
  ftm_mul(a: number, b: number, out: number): void;
  ftm_eq(a: number, b: number): number;
  bn128_prepareG1(p: number, out: number): void;
  bn128_prepareG2(q: number, out: number): void;
  bn128_millerLoop(preP: number, preQ: number, out: number): void;
  /** Π_k of the Miller loops of n pairs: prepared G1 points every prePSize bytes, line coefficients every preQSize. */
  bn128_multiMillerLoop(preP: number, preQ: number, n: number, out: number): void;
  bn128_finalExponentiation(f: number, out: number): void;
}

/** ffjavascript's thread manager: the wasm instance's memory in this thread, and the worker queue. */
export interface ThreadManager {
  /** Worker threads (1 for a single-threaded curve). */
  readonly concurrency: number;
  /** True for a curve without worker threads (its tasks run in this thread, on a second instance). */
  readonly singleThread: boolean;
  readonly instance: { readonly exports: Bn254Wasm };
  alloc(length: number): number;
  allocBuff(bytes: Uint8Array): number;
  setBuff(pointer: number, bytes: Uint8Array): void;
  getBuff(pointer: number, length: number): Uint8Array;
  /** Brackets scratch allocations: memory allocated between them is released by endSyncOp. */
  startSyncOp(): void;
  endSyncOp(): void;
  /** Views of the memory (replaced if it grows). */
  readonly u8: Uint8Array;
  /** Runs a task (see ./thread-task.ts) on a free worker, or in this thread; resolves to its outputs. */
  queueAction(task: readonly unknown[]): Promise<Uint8Array[]>;
}

/** What medzk uses of ffjavascript's BN254 curve object; nothing else of it is touched. */
export interface Curve {
  /** The base field order. */
  readonly q: bigint;
  /** The group order. */
  readonly r: bigint;
  readonly G1: CurveGroup;
  readonly G2: CurveGroup;
  readonly F2: CurveField;
  /** G_T, inside F12. */
  readonly Gt: CurveField;
  readonly Fr: CurveField;
  /** Bytes of a G1 point prepared for the Miller loop. */
  readonly prePSize: number;
  /** Bytes of a G2 point's line coefficients prepared for the Miller loop. */
  readonly preQSize: number;
  readonly tm: ThreadManager;
  /** Line coefficients of a (Jacobian) G2 point for the Miller loop. */
  prepareG2(q: PointBytes): Uint8Array;
  pairing(p: PointBytes, q: PointBytes): Uint8Array;
  /** Stops the worker threads (nothing for a single-threaded curve). */
  terminate(): Promise<void>;
}

const Q = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
const R = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
/** The G2 cofactor, as ffjavascript's bn128.js passes it. */
const COFACTOR_G2 = BigInt("0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8d");

function wasmBytes(): Uint8Array {
  // Buffer is Node's; atob keeps the module usable wherever Node's Buffer is absent.
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(BN254_WASM_BASE64, "base64"));
  return Uint8Array.from(atob(BN254_WASM_BASE64), (ch) => ch.charCodeAt(0));
}

/** Builds a BN254 curve; `singleThread: false` starts one worker thread per core. */
export async function buildCurve(singleThread: boolean): Promise<Curve> {
  const params: EngineParams = {
    name: "bn128",
    wasm: { ...BN254_WASM_LAYOUT, code: wasmBytes(), n8q: 32, n8r: 32, q: Q, r: R },
    q: BigInt(Q),
    r: BigInt(R),
    n8q: 32,
    n8r: 32,
    cofactorG2: COFACTOR_G2,
    singleThread,
  };
  const { curve, pregenerated } = await buildEngineCurve(params);
  if (!pregenerated) return curve as unknown as Curve;
  const tm = curve.tm as ThreadManager & { terminate(): Promise<void> };
  curve.terminate = async () => {
    if (!singleThread) await tm.terminate();
  };
  return curve as unknown as Curve;
}

let verifier: Promise<Curve> | undefined;

/**
 * The verifier's curve: single-threaded, built once and kept. A handful of Miller loops per proof
 * gains nothing from a round trip to a worker, and without workers the Node process exits by
 * itself. Batches may add the multi-threaded {@link threadedCurve} for their per-proof work.
 */
export function verifierCurve(): Promise<Curve> {
  verifier ??= buildCurve(true);
  return verifier;
}

type CurveCache = { curve_bn128?: Curve | null };
let building: Promise<void> | undefined;

/**
 * The multi-threaded curve, one worker thread per core, shared by the prover and parallel batch
 * verification: snarkjs looks it up as ffjavascript's cached `globalThis.curve_bn128`, which
 * medzk fills with a curve built from the pre-generated wasm (skipping the wasm generation on the
 * first proof) when it is empty. Idle workers do not keep the process alive (./idle-workers.ts).
 * Undefined where worker threads cannot be used.
 * NOTE: the first load of snarkjs (or of circomlibjs, which only tests load) empties that cache
 * again (snarkjs's and circomlibjs's CommonJS copies of ffjavascript run `globalThis.curve_bn128 =
 * null` when first loaded); callers that are about to prove load snarkjs first.
 */
export async function threadedCurve(): Promise<Curve | undefined> {
  const cache = globalThis as CurveCache;
  if (!cache.curve_bn128) {
    building ??= buildCurve(false)
      .then(async (curve) => {
        if (cache.curve_bn128) return curve.terminate(); // filled meanwhile (by snarkjs): keep that one
        const terminate = curve.terminate;
        curve.terminate = async () => {
          if (cache.curve_bn128 === curve) cache.curve_bn128 = null;
          await terminate();
        };
        cache.curve_bn128 = curve;
      })
      .finally(() => {
        building = undefined;
      });
    try {
      await building;
    } catch {
      return undefined; // no worker threads here: callers work in their own thread
    }
  }
  const shared = cache.curve_bn128 ?? undefined;
  const { singleThread } = await threadOptions(shared);
  return singleThread ? undefined : shared;
}
