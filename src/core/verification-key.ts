/**
 * The Groth16 verification key as snarkjs exports it (`zkey export verificationkey`): BN254 points
 * as decimal coordinate strings. medzk never takes one from a prover; the artifacts room pins the
 * shipped keys by SHA-256 and the groth16 room prepares them for the curve.
 */
export interface VerificationKey {
  /** Always "groth16". */
  protocol: "groth16";
  /** Always "bn128" (snarkjs's name for BN254). */
  curve: "bn128";
  /** Number of public signals; IC has one point more. */
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}
