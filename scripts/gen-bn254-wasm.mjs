#!/usr/bin/env node
/**
 * Writes src/groth16/generated/bn254-wasm.ts: the BN254 arithmetic module that ffjavascript generates at
 * run time (wasmcurves + wasmbuilder, ~270 ms of BigInt-heavy code generation on every start),
 * with medzk's faster field, tower, final exponentiation and line preparation and its multi-Miller
 * loop (scripts/bn254-wasm-source.mjs lists the scripts), generated once here and shipped
 * as bytes, so a verifier process only compiles it (~40 ms).
 *
 * `node scripts/gen-bn254-wasm.mjs` rewrites the file; `--check` exits 1 if the committed file
 * differs from what the installed wasmcurves and scripts/bn254-*.mjs generate
 * (test/unit/groth16/curve.test.ts runs the same comparison). ffjavascript pins wasmcurves and wasmbuilder exactly, and medzk pins ffjavascript.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bn254WasmSource } from "./bn254-wasm-source.mjs";

const out = fileURLToPath(new URL("../src/groth16/generated/bn254-wasm.ts", import.meta.url));
const fresh = bn254WasmSource();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(out, "utf8");
  } catch {}
  if (current !== fresh) {
    console.error("src/groth16/generated/bn254-wasm.ts is out of date: run node scripts/gen-bn254-wasm.mjs");
    process.exit(1);
  }
  console.log("src/groth16/generated/bn254-wasm.ts matches the installed wasmcurves and scripts/bn254-*.mjs");
} else {
  writeFileSync(out, fresh);
  console.log(`wrote ${out} (sha256 ${createHash("sha256").update(fresh).digest("hex").slice(0, 16)}…)`);
}
