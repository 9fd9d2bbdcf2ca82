/**
 * The Groth16 verification key as snarkjs exports it (`zkey export verificationkey`): BN254 points
 * as decimal coordinate strings. medzk never takes one from a prover: the shipped keys are pinned
 * by SHA-256 in the artifacts room, and production keys come from a key manifest given at run
 * time (artifacts/key-manifest.ts), hash-checked the same way.
 *
 * A key's id ({@link verificationKeyId}) is what a presentation names, so a verifier can tell
 * "made with another key" (KEY_MISMATCH) from "does not verify" (INVALID_PROOF).
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import type { Checked } from "./validate.js";
import { checkObject } from "./validate.js";

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

/**
 * The id of a verification key: SHA-256 (hex) of its canonical JSON, the key's own fields in the
 * order of {@link VerificationKey} with no whitespace. snarkjs's derived `vk_alphabeta_12` is left
 * out (it is a function of alpha and beta), so one key has one id however its file is formatted.
 */
export function verificationKeyId(vkey: VerificationKey): string {
  const { protocol, curve, nPublic, vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, IC } = vkey;
  const canonical = JSON.stringify({ protocol, curve, nPublic, vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, IC });
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

const VKEY_SHAPE = {
  required: ["protocol", "curve", "nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"],
  optional: ["vk_alphabeta_12"],
} as const;

/** A base-field coordinate as snarkjs writes it: a canonical decimal (BN254's p has 77 digits). */
const COORDINATE = /^(0|[1-9][0-9]{0,76})$/;
const MAX_PUBLIC = 256;

/**
 * Parses a verification key file's JSON strictly: exactly snarkjs's keys, groth16 over bn128,
 * every point a list of canonical decimal coordinates of the right shape (G1: 3, G2: 3×2,
 * projective as snarkjs writes them), IC with nPublic + 1 points. Whether the points are on the
 * curve is the groth16 room's check when it prepares the key. Never throws.
 */
export function checkVerificationKey(value: unknown, name: string): Checked<VerificationKey> {
  const shaped = checkObject(value, name, VKEY_SHAPE);
  if (!shaped.ok) return shaped;
  const k = shaped.value;
  const fail = (message: string): Checked<VerificationKey> => ({ ok: false, message: `"${name}" ${message}` });
  if (k.protocol !== "groth16" || k.curve !== "bn128") return fail(`must be a groth16 key over bn128`);
  if (typeof k.nPublic !== "number" || !Number.isInteger(k.nPublic) || k.nPublic < 0 || k.nPublic > MAX_PUBLIC) return fail(`has an invalid nPublic`);
  const g1 = (p: unknown) => Array.isArray(p) && p.length === 3 && p.every((c) => typeof c === "string" && COORDINATE.test(c));
  const g2 = (p: unknown) => Array.isArray(p) && p.length === 3 && p.every((c) => Array.isArray(c) && c.length === 2 && c.every((x) => typeof x === "string" && COORDINATE.test(x)));
  if (!g1(k.vk_alpha_1) || !g2(k.vk_beta_2) || !g2(k.vk_gamma_2) || !g2(k.vk_delta_2)) return fail(`has a malformed point`);
  if (!Array.isArray(k.IC) || k.IC.length !== k.nPublic + 1 || !k.IC.every(g1)) return fail(`must have nPublic + 1 well-formed IC points`);
  const { protocol, curve, nPublic, vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, IC } = k as unknown as VerificationKey;
  return { ok: true, value: { protocol, curve, nPublic, vk_alpha_1, vk_beta_2, vk_gamma_2, vk_delta_2, IC } };
}
