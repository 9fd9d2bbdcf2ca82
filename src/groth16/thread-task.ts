/**
 * ffjavascript thread-manager tasks: lists of calls into the BN254 wasm module (see ffjavascript's
 * threadman_thread.js). A task runs in this thread on a single-threaded curve, or on any worker of
 * a multi-threaded one, so the same code serves single checks, batches and batches spread over
 * every core.
 */

/** One step of a thread-manager task. */
export type Step =
  | { cmd: "ALLOC"; var: number; len: number }
  | { cmd: "SET"; var: number; buff: Uint8Array }
  | { cmd: "CALL"; fnName: string; params: Param[] }
  | { cmd: "GET"; out: number; var: number; len: number };

type Param = { var: number; offset?: number } | { val: number };

/** Bytes of a G1 and a G2 point (affine, Jacobian), an Fq and an Fq2 element, and a G_T (Fq12) element. */
export const G1_AFF = 64;
export const G1_JAC = 96;
export const G2_AFF = 128;
export const G2_JAC = 192;
export const FP = 32;
export const FP2 = 64;
export const GT = 384;

/** Little-endian bytes of a non-negative bigint, `width` bytes. */
export function le(value: bigint, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

/** A task variable (optionally at a byte offset) as a call parameter. */
export const v = (index: number, offset = 0): Param => ({ var: index, offset });

/** A call of the wasm export `fnName`. */
export const call = (fnName: string, ...params: Param[]): Step => ({ cmd: "CALL", fnName, params });
