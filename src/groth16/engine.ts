/**
 * ffjavascript's curve engine: the one place the verifier's BN254 curve comes from ffjavascript.
 *
 * ffjavascript's engine builder (its src/engine.js) wraps a given BN254 wasm module in the curve
 * object (fields, groups, multiexp, pairing, worker threads); its `buildBn128` does the same after
 * generating that module with wasmcurves and wasmbuilder. medzk hands the engine pre-generated wasm
 * (see ./curve.ts), so only the engine is needed to verify.
 *
 * NOTE: the engine builder is not in ffjavascript's export map, so it is imported by file path
 * next to the package's resolved entry. If that fails (a different layout), medzk falls back to
 * the public, slower `buildBn128`; nothing else changes. medzk pins ffjavascript to the version
 * whose wasm the generated file matches.
 *
 * The verifier-only package (@medzk/verifier, built by scripts/pack-verifier.mjs) does not install
 * ffjavascript, whose wasmcurves dependency alone is 37 MB: its build replaces this module with
 * src/shims/ffjavascript-engine.ts, which bundles the same engine file (and the ffjavascript files
 * it imports) into the package.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** ffjavascript's engine parameters, as its bn128.js passes them. */
export interface EngineParams {
  readonly name: "bn128";
  readonly wasm: Record<string, unknown>;
  readonly q: bigint;
  readonly r: bigint;
  readonly n8q: number;
  readonly n8r: number;
  readonly cofactorG2: bigint;
  readonly singleThread: boolean;
}

/** The curve object the engine returns; ./curve.ts types the part medzk uses. */
export type EngineCurve = Record<string, unknown> & { tm: unknown; terminate?: () => Promise<void> };

type BuildEngine = (params: EngineParams) => Promise<EngineCurve>;

async function engineBuilder(): Promise<BuildEngine | undefined> {
  try {
    const entry = createRequire(import.meta.url).resolve("ffjavascript");
    const mod = (await import(new URL("../src/engine.js", pathToFileURL(entry)).href)) as { default?: unknown };
    return typeof mod.default === "function" ? (mod.default as BuildEngine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the curve from `params` (the pre-generated wasm), or, without the engine builder, from
 * ffjavascript's own generation. `pregenerated` tells which: a `buildBn128` curve has its own
 * `terminate`, and a multi-threaded one is already cached in globalThis.curve_bn128.
 */
export async function buildEngineCurve(params: EngineParams): Promise<{ curve: EngineCurve; pregenerated: boolean }> {
  const build = await engineBuilder();
  if (!build) {
    // Loaded only here: ffjavascript's entry loads its wasm generator (wasmcurves, wasmbuilder),
    // which a verifier with the engine never needs.
    const { buildBn128 } = await import("ffjavascript");
    return { curve: (await buildBn128(params.singleThread)) as EngineCurve, pregenerated: false };
  }
  return { curve: await build(params), pregenerated: true };
}
