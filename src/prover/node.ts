/**
 * `prove` for Node: artifacts are read from the package's artifacts/ folder unless the caller
 * names another directory or an artifact host (artifacts/node-source.ts).
 */
import { threadedCurve } from "../groth16/curve.js";
import type { Presentation } from "../core/presentation.js";
import { nodeArtifactLocation } from "../artifacts/node-source.js";
import { type ProveOptions, proveWith } from "./prove.js";

export { buildCircuitInput, type CircuitInput, type ProveOptions, type ProveProgress, type ProveStage } from "./prove.js";

/** Proves a verifier's request with a credential; returns a JSON-safe presentation. */
export async function prove(options: ProveOptions): Promise<Presentation> {
  // Starts the shared threaded curve (the prover's, and snarkjs's if the caller also uses snarkjs)
  // from medzk's pre-generated wasm; proving falls back to one thread if workers cannot start.
  // snarkjs is loaded first because its first load empties that cache (see groth16/curve.ts).
  await import("snarkjs");
  await threadedCurve();
  return proveWith(options, nodeArtifactLocation);
}
