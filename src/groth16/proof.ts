/**
 * The Groth16 proof as JSON (snarkjs's format) and its strict parser.
 *
 * A proof from the wire is accepted only in exactly the form snarkjs writes: the five keys
 * pi_a, pi_b, pi_c, protocol, curve and nothing else; affine points with z = 1 ("1" for G1,
 * ["1", "0"] for G2); coordinates canonical decimals below the base field order. That leaves one
 * spelling per point, so nothing that reads the proof object later can be told something the
 * pairing check did not see.
 *
 * NOTE: the all-zero coordinates are refused for A, B and C. (0, 0) is not on either curve
 * (b ≠ 0), but ffjavascript reads it as the point at infinity and its `isValid` accepts that; the
 * point at infinity must never reach a Miller loop. Whether the points are on the curve and B in
 * G2's subgroup is checked later (./points.ts), inside `checkProof` (./verify.ts).
 */
import { BASE_FIELD_ORDER, parseCanonical } from "../core/field.js";


/** Affine coordinates of a proof's three points. */
export interface ProofPoints {
  readonly a: readonly [bigint, bigint];
  readonly b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  readonly c: readonly [bigint, bigint];
}

/**
 * A proof from {@link parseProof}: canonical coordinates, no point at infinity. Not yet checked
 * on the curve: `checkProof` does that.
 */
export type ParsedProof = ProofPoints & { readonly __parsed: unique symbol };

const PROOF_KEYS = ["curve", "pi_a", "pi_b", "pi_c", "protocol"];
/** Every object parseProof returned: lets checkProof take either the JSON or a parsed proof. */
const parsed = new WeakSet<object>();

function coordinate(value: unknown): bigint | undefined {
  return parseCanonical(value, BASE_FIELD_ORDER);
}

function coordinatePair(value: unknown): [bigint, bigint] | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const x = coordinate(value[0]);
  const y = coordinate(value[1]);
  return x === undefined || y === undefined ? undefined : [x, y];
}

/** [x, y, "1"] with (x, y) not (0, 0). */
function g1Affine(value: unknown): [bigint, bigint] | undefined {
  if (!Array.isArray(value) || value.length !== 3 || value[2] !== "1") return undefined;
  const xy = coordinatePair(value.slice(0, 2));
  return xy && (xy[0] !== 0n || xy[1] !== 0n) ? xy : undefined;
}

/** [[x0, x1], [y0, y1], ["1", "0"]] with not every coordinate 0. */
function g2Affine(value: unknown): [[bigint, bigint], [bigint, bigint]] | undefined {
  if (!Array.isArray(value) || value.length !== 3) return undefined;
  const z = value[2];
  if (!Array.isArray(z) || z.length !== 2 || z[0] !== "1" || z[1] !== "0") return undefined;
  const x = coordinatePair(value[0]);
  const y = coordinatePair(value[1]);
  if (!x || !y || [...x, ...y].every((coordinate) => coordinate === 0n)) return undefined;
  return [x, y];
}

/**
 * Parses an untrusted proof object. Returns undefined unless it is exactly a snarkjs Groth16 proof
 * on BN254 with canonical affine coordinates and no point at infinity.
 */
export function parseProof(proof: unknown): ParsedProof | undefined {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) return undefined;
  if (parsed.has(proof)) return proof as ParsedProof;
  const keys = Object.keys(proof).sort();
  if (keys.length !== PROOF_KEYS.length || keys.some((key, i) => key !== PROOF_KEYS[i])) return undefined;
  const p = proof as Record<string, unknown>;
  if (p["protocol"] !== "groth16" || p["curve"] !== "bn128") return undefined;
  const a = g1Affine(p["pi_a"]);
  const b = g2Affine(p["pi_b"]);
  const c = g1Affine(p["pi_c"]);
  if (!a || !b || !c) return undefined;
  const out = Object.freeze({ a: Object.freeze(a), b: Object.freeze([Object.freeze(b[0]), Object.freeze(b[1])] as const), c: Object.freeze(c) });
  parsed.add(out);
  return out as unknown as ParsedProof;
}
