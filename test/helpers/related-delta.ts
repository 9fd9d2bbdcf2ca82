/**
 * A Groth16 forgery without a witness, for a verification key whose δ the attacker knows the
 * discrete log of relative to γ: δ = k·γ. The shape checks a key manifest passes (groth16/bn128,
 * public-signal count, γ ≠ δ) all hold for such a key, so only tying the key to its ceremony
 * (the transcript's verification key id) refuses it.
 *
 * snarkjs's verification equation (and medzk's, src/groth16/verify.ts) is
 *   e(A, B) = e(α, β) · e(L, γ) · e(C, δ),   L = IC_0 + Σ_j s_j·IC_j.
 * With δ = k·γ, e(C, δ) = e(k·C, γ), so the right side is e(α, β) · e(L + k·C, γ). Taking
 *   A = α,  B = β,  C = −k⁻¹·L  (k⁻¹ mod the group order r)
 * makes L + k·C = 0 and both sides e(α, β), for any public signals s at all.
 */
import { bn254 } from "@noble/curves/bn254";
import type { VerificationKey } from "../../src/core/verification-key.js";

const { G1, G2 } = bn254;
const R = bn254.fields.Fr.ORDER;
type G1Point = InstanceType<typeof G1.ProjectivePoint>;
type G2Point = InstanceType<typeof G2.ProjectivePoint>;

const mod = (a: bigint) => ((a % R) + R) % R;

function inverse(a: bigint): bigint {
  let [r0, r1, s0, s1] = [R, mod(a), 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0);
}

const g1 = (p: readonly string[]): G1Point => G1.ProjectivePoint.fromAffine({ x: BigInt(p[0]!), y: BigInt(p[1]!) });
const g2 = (p: readonly (readonly string[])[]): G2Point =>
  G2.ProjectivePoint.fromAffine({
    x: bn254.fields.Fp2.create({ c0: BigInt(p[0]![0]!), c1: BigInt(p[0]![1]!) }),
    y: bn254.fields.Fp2.create({ c0: BigInt(p[1]![0]!), c1: BigInt(p[1]![1]!) }),
  });
const g1Json = (p: G1Point): string[] => {
  const { x, y } = p.toAffine();
  return [x.toString(), y.toString(), "1"];
};
const g2Json = (p: G2Point): string[][] => {
  const { x, y } = p.toAffine();
  return [
    [x.c0.toString(), x.c1.toString()],
    [y.c0.toString(), y.c1.toString()],
    ["1", "0"],
  ];
};

/** `vkey` with δ replaced by k·γ: well-formed, γ ≠ δ, and forgeable by whoever knows k. */
export function relatedDeltaKey(vkey: VerificationKey, k: bigint): VerificationKey {
  return { ...vkey, vk_delta_2: g2Json(g2(vkey.vk_gamma_2).multiply(mod(k))) };
}

/** A proof (snarkjs's JSON) that `relatedDeltaKey(vkey, k)` accepts for `signals`, made without any witness. */
export function forgeProof(key: VerificationKey, k: bigint, signals: readonly bigint[]) {
  if (key.IC.length !== signals.length + 1) throw new Error(`the key takes ${key.IC.length - 1} signals, got ${signals.length}`);
  const l = signals.reduce((acc, s, j) => (mod(s) === 0n ? acc : acc.add(g1(key.IC[j + 1]!).multiply(mod(s)))), g1(key.IC[0]!));
  const c = l.multiply(inverse(k)).negate();
  return { pi_a: g1Json(g1(key.vk_alpha_1)), pi_b: g2Json(g2(key.vk_beta_2)), pi_c: g1Json(c), protocol: "groth16", curve: "bn128" };
}
