/**
 * The prover's thread options: the shared BN254 curve snarkjs proves on, with idle workers that do
 * not keep the process alive (./idle-workers.ts says how and why).
 */
import { buildBn128 } from "ffjavascript";
import { isNode, threadOptions } from "./idle-workers.js";

/**
 * The prover options to pass to snarkjs, after preparing the shared curve.
 * NOTE: in Node this looks at the cached curve on every call, not once: loading snarkjs (or
 * circomlibjs, which only tests load) for the first time resets ffjavascript's cache (their
 * CommonJS copies run `globalThis.curve_bn128 = null`), after which snarkjs builds a new curve
 * that must be patched too, or its workers would keep the process alive. ffjavascript's `buildBn128()` returns the
 * cached curve, or builds and caches the one snarkjs will then use.
 */
export async function proverOptions(): Promise<{ singleThread: boolean }> {
  return threadOptions(isNode() ? await buildBn128() : undefined);
}
