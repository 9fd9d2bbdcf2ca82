/**
 * ffjavascript's BN254 engine, started from pre-generated wasm.
 *
 * `buildBn128()` generates its wasm module with BigInt-heavy JavaScript on every start (~270 ms on
 * the 2-core development machine, most of a verifier's cold start) before compiling it (~40 ms).
 * The module is a pure function of wasmcurves and wasmbuilder, which ffjavascript pins exactly,
 * so medzk generates it once (scripts/gen-bn254-wasm.mjs -> src/groth16/generated/bn254-wasm.ts, checked
 * against a fresh generation by test/bn254-engine.test.ts) and hands the bytes to ffjavascript's
 * own engine builder.
 *
 * NOTE: the engine builder is not in ffjavascript's export map, so it is imported by file path
 * next to the package's resolved entry. If that fails (a different layout), medzk falls back to
 * the public, slower `buildBn128`; nothing else changes. medzk pins ffjavascript to the version
 * whose wasm the generated file matches.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { buildBn128 } from "ffjavascript";
import { BN254_WASM_BASE64, BN254_WASM_LAYOUT } from "./generated/bn254-wasm.js";
import { proverOptions } from "./worker-threads.js";

// biome-ignore lint: ffjavascript's curve is untyped.
export type Curve = any;

const Q = "21888242871839275222246405745257275088696311157297823662689037894645226208583";
const R = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
/** The G2 cofactor, as ffjavascript's bn128.js passes it. */
const COFACTOR_G2 = BigInt("0x30644e72e131a029b85045b68181585e06ceecda572a2489345f2299c0f9fa8d");

type BuildEngine = (params: Record<string, unknown>) => Promise<Curve>;

async function engineBuilder(): Promise<BuildEngine | undefined> {
  try {
    const entry = createRequire(import.meta.url).resolve("ffjavascript");
    const mod = (await import(new URL("../src/engine.js", pathToFileURL(entry)).href)) as { default?: unknown };
    return typeof mod.default === "function" ? (mod.default as BuildEngine) : undefined;
  } catch {
    return undefined;
  }
}

function wasmBytes(): Uint8Array {
  // Buffer is Node's; atob keeps the module usable wherever Node's Buffer is absent.
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(BN254_WASM_BASE64, "base64"));
  return Uint8Array.from(atob(BN254_WASM_BASE64), (ch) => ch.charCodeAt(0));
}

/** Builds a BN254 curve; `singleThread: false` starts one worker thread per core. */
export async function buildCurve(singleThread: boolean): Promise<Curve> {
  const build = await engineBuilder();
  if (!build) return buildBn128(singleThread);
  const curve = await build({
    name: "bn128",
    wasm: { ...BN254_WASM_LAYOUT, code: wasmBytes(), n8q: 32, n8r: 32, q: Q, r: R },
    q: BigInt(Q),
    r: BigInt(R),
    n8q: 32,
    n8r: 32,
    cofactorG2: COFACTOR_G2,
    singleThread,
  });
  curve.terminate = async () => {
    if (!singleThread) await curve.tm.terminate();
  };
  return curve;
}

type CurveCache = { curve_bn128?: Curve | null };
let building: Promise<void> | undefined;

/**
 * The multi-threaded curve, one worker thread per core, shared by the prover and parallel batch
 * verification: snarkjs looks it up as ffjavascript's cached `globalThis.curve_bn128`, which
 * medzk fills with a curve built from the pre-generated wasm (saving ~270 ms on the first proof)
 * when it is empty. Idle workers do not keep the process alive (prover-curve.ts). Undefined
 * where worker threads cannot be used.
 * NOTE: the first load of snarkjs or circomlibjs empties that cache again (see prover-curve.ts);
 * callers that are about to prove load snarkjs first.
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
  const { singleThread } = await proverOptions();
  return singleThread ? undefined : (cache.curve_bn128 ?? undefined);
}
