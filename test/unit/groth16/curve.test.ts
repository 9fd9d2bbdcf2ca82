/** The pre-generated BN254 wasm is what ffjavascript would generate, and the curve built from it behaves the same. */
import { buildBn128 } from "ffjavascript";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bn254WasmSource } from "../../../scripts/bn254-wasm-source.mjs";
import { buildCurve } from "../../../src/groth16/curve.js";

describe("pre-generated BN254 engine", () => {
  it("src/generated/bn254-wasm.ts matches a fresh generation (node scripts/gen-bn254-wasm.mjs rewrites it)", () => {
    expect(readFileSync(new URL("../../../src/groth16/generated/bn254-wasm.ts", import.meta.url), "utf8")).toBe(bn254WasmSource());
  });

  it("computes the same pairing as ffjavascript's own buildBn128", async () => {
    const [fast, reference] = [await buildCurve(true), await buildBn128(true)];
    const s = new Uint8Array(32).fill(0x5a);
    s[31] = 0x0a;
    const t = new Uint8Array(32).fill(0x33);
    t[31] = 0x01;
    const p = (c: typeof fast) => c.Gt.toObject(c.pairing(c.G1.timesScalar(c.G1.g, s), c.G2.timesScalar(c.G2.g, t)));
    expect(p(fast)).toEqual(p(reference));
  });
});
