/**
 * The Groth16 proof JSON a presentation carries: snarkjs's `proof.json` for BN254, without
 * extra keys. Only the type lives here; groth16/ parses and checks it (canonical coordinates,
 * on the curve, in the subgroup, not the point at infinity).
 */

/** A Groth16 proof over BN254 in snarkjs's JSON layout (projective coordinates with z = 1). */
export interface Groth16Proof {
  /** Point A in G1: x, y and "1". Coordinates are canonical decimals below the BN254 base field order. */
  pi_a: [string, string, string];
  /** Point B in G2: x, y and ["1", "0"], each a pair [c0, c1] of canonical decimal coordinates. */
  pi_b: [[string, string], [string, string], [string, string]];
  /** Point C in G1, written like `pi_a`. */
  pi_c: [string, string, string];
  /** Always "groth16". */
  protocol: "groth16";
  /** Always "bn128" (snarkjs's name for BN254). */
  curve: "bn128";
}
