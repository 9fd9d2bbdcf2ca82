/**
 * Issuer public keys as verifiers and holders see them: EdDSA-Poseidon keys on BabyJubJub, in
 * circomlib's conventions, written as the 32-byte circomlib packed point (y little-endian, top
 * bit set when x > (p-1)/2), hex: the format iden3 uses for compressed BJJ keys.
 *
 * Unpacking uses noble's Edwards arithmetic (core/babyjubjub.ts), so it is synchronous and does
 * not load circomlibjs. Key generation and derivation are the issuer's (issuer/keys.ts).
 * test/unit/issuer/issuer-key.test.ts cross-checks both against circomlibjs.
 */
import { hexToBytes, bytesToHex } from "@noble/hashes/utils";
import { babyjubjub } from "./babyjubjub.js";
import { MedzkError } from "./errors.js";

/** Affine coordinates of a public key, as the circuits see them (public signals issuerAx, issuerAy). */
export interface IssuerPoint {
  /** x coordinate: an element of the BabyJubJub base field (the BN254 scalar field). */
  x: bigint;
  /** y coordinate: an element of the BabyJubJub base field (the BN254 scalar field). */
  y: bigint;
}

const Point = babyjubjub.Point;
const Fp = Point.Fp;
const P = Fp.ORDER;
const HALF = (P - 1n) / 2n;
const HEX64 = /^[0-9a-f]{64}$/;
// Order l of the prime-order subgroup (circomlibjs babyJub.subOrder).
// NOTE: noble's babyjubjub CURVE.n is the full curve order 8l, so its isTorsionFree() is true
// for every curve point; the subgroup check below multiplies by l itself.
const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

/** Little-endian bytes to a bigint (circomlib's packing and scalar conventions). */
export function leBytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** The packed form (64 lowercase hex characters) of a point. */
export function packPoint(point: IssuerPoint): string {
  const bytes = new Uint8Array(32);
  let y = point.y;
  for (let i = 0; i < 32; i++, y >>= 8n) bytes[i] = Number(y & 0xffn);
  if (point.x > HALF) bytes[31]! |= 0x80;
  return bytesToHex(bytes);
}

/**
 * Unpacks and validates a public key: on the curve, in the prime-order subgroup, not the
 * identity. Returns undefined for anything else, so callers decide whether that is a caller
 * mistake (throw) or untrusted input (typed result).
 */
export function tryUnpackPublicKey(publicKey: unknown): IssuerPoint | undefined {
  if (typeof publicKey !== "string" || !HEX64.test(publicKey)) return undefined;
  // A verifier sees the same few issuer keys on every request; the subgroup check is a 251-bit
  // scalar multiplication in BigInt arithmetic, so results are kept (bounded).
  if (unpacked.has(publicKey)) return unpacked.get(publicKey);
  const point = unpack(publicKey);
  if (unpacked.size >= UNPACK_CACHE_SIZE) unpacked.clear();
  unpacked.set(publicKey, point);
  return point;
}

const UNPACK_CACHE_SIZE = 1024;
const unpacked = new Map<string, IssuerPoint | undefined>();

function unpack(publicKey: string): IssuerPoint | undefined {
  const bytes = hexToBytes(publicKey);
  const negative = (bytes[31]! & 0x80) !== 0;
  bytes[31]! &= 0x7f;
  const y = leBytesToBigInt(bytes);
  if (y >= P) return undefined;
  const { a, d } = babyjubjub.CURVE;
  const y2 = Fp.sqr(y);
  let x: bigint;
  try {
    x = Fp.sqrt(Fp.div(Fp.sub(Fp.ONE, y2), Fp.sub(a, Fp.mul(d, y2))));
  } catch {
    return undefined; // not a square: no point has this y
  }
  if (x > HALF) x = Fp.neg(x);
  if (negative) x = Fp.neg(x);
  try {
    const point = Point.fromAffine({ x, y });
    point.assertValidity();
    if (point.is0() || !point.multiplyUnsafe(SUBGROUP_ORDER).is0()) return undefined;
  } catch {
    return undefined;
  }
  // A set sign bit on x = 0 would be a second encoding of the same point.
  if (negative && x === 0n) return undefined;
  return Object.freeze({ x, y });
}

/** Caller-facing unpack: throws INVALID_KEY naming the parameter. */
export function unpackPublicKey(publicKey: unknown, name = "publicKey"): IssuerPoint {
  const point = tryUnpackPublicKey(publicKey);
  if (!point) {
    throw new MedzkError("INVALID_KEY", `"${name}" must be a packed BabyJubJub public key (64 lowercase hex characters)`);
  }
  return point;
}
