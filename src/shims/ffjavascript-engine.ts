/**
 * src/groth16/engine.ts for the verifier-only package (@medzk/verifier): ffjavascript's engine
 * builder, bundled into the package by scripts/pack-verifier.mjs (which swaps this module in and
 * resolves the import below to the installed ffjavascript's file), so the package installs neither
 * ffjavascript nor its wasm generator (wasmcurves, 37 MB, and wasmbuilder). The engine only wraps
 * medzk's pre-generated BN254 wasm (src/groth16/generated/bn254-wasm.ts); nothing is generated.
 *
 * ffjavascript is GPL-3.0 like medzk; the bundle keeps its license headers and the package's
 * README names it. test/e2e/install.test.ts verifies real presentations with the installed package.
 */
import buildEngine from "ffjavascript/src/engine.js";
import type { EngineCurve, EngineParams } from "../groth16/engine.js";

export async function buildEngineCurve(params: EngineParams): Promise<{ curve: EngineCurve; pregenerated: boolean }> {
  return { curve: (await buildEngine(params)) as EngineCurve, pregenerated: true };
}
