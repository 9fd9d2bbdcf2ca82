/** A well-formed Groth16 proof JSON for tests: points on the curves, not a proof of anything. */
import { bn254 } from "@noble/curves/bn254";
import { BASE_FIELD_ORDER } from "../../../src/core/field.js";
import type { Groth16Proof } from "../../../src/core/groth16-proof.js";

const g1 = bn254.G1.ProjectivePoint.BASE.multiply(7n).toAffine();
const g2 = bn254.G2.ProjectivePoint.BASE.multiply(11n).toAffine();

export const POINTS = { g1, g2 };

/** A = 7·G1, B = 11·G2 (in the subgroup), C = −A: parses and passes every point check, fails the pairing equation. */
export function wellFormedProof(): Groth16Proof {
  return {
    pi_a: [g1.x.toString(), g1.y.toString(), "1"],
    pi_b: [
      [g2.x.c0.toString(), g2.x.c1.toString()],
      [g2.y.c0.toString(), g2.y.c1.toString()],
      ["1", "0"],
    ],
    pi_c: [g1.x.toString(), (BASE_FIELD_ORDER - g1.y).toString(), "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

