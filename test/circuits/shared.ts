// Fixtures and signal-name patterns shared by the circuit soundness tests (all three circuits
// embed the same HolderCredential sub-circuit).
import { LEAF_BITS, type Oracle, type RevocationTree } from "../helpers/circuit-credential.js";
import type { FreeWire } from "../helpers/cheater.js";

/**
 * The holder's revocation slot: leaf 5, bit 3. A bit index below 8 matters: 248 + 3 still fits
 * the 8 index bits, so opening the previous leaf at "bit 251" is a real attack on the bound.
 */
export const REVOCATION_SLOT = 5n * BigInt(LEAF_BITS) + 3n;

/**
 * Two revocation lists that agree except on the holder's slot: other slots are revoked around
 * it (same leaf, previous and next leaf, far away), so no leaf on the attack paths is empty.
 */
export function revocationFixture(oracle: Oracle): { clean: RevocationTree; revoked: RevocationTree } {
  const others = [2n, REVOCATION_SLOT - 248n, REVOCATION_SLOT - 1n, REVOCATION_SLOT + 7n, REVOCATION_SLOT + 248n, 700001n];
  return {
    clean: oracle.revocationTree(others),
    revoked: oracle.revocationTree([...others, REVOCATION_SLOT]),
  };
}

const HOLDER = String.raw`^main\.HolderCredential_\d+_\d+\.`;
const SIG = String.raw`${HOLDER}SignedHolderCredential_\d+_\d+\.sig\.`;
const REVOCATION = String.raw`${HOLDER}RevocationCheck_\d+_\d+\.`;
const MERKLE = String.raw`${REVOCATION}QuadMerkleRoot_\d+_\d+\.`;

/** Where a rejection must come from, inside HolderCredential (regexes over .sym signal names). */
export const RX = {
  sig: new RegExp(SIG),
  /** Both sides of the EdDSA equation S*B8 = R8 + 8*h*A (fixed-base, variable-base, final add). */
  sigEquation: new RegExp(String.raw`${SIG}(mulFix|mulAny|addRight|dbl\d)\.`),
  sBelowOrder: new RegExp(String.raw`${SIG}compConstant\.`),
  revocation: new RegExp(REVOCATION),
  /** The 256-to-1 mux selecting the slot's status bit (and `revoked === 0`). */
  mux: new RegExp(String.raw`${REVOCATION}SelectBit256_\d+_\d+\.`),
  /** The Num2Bits(248) of the leaf. */
  leafBits: new RegExp(String.raw`${REVOCATION}leafBits\[`),
  merkle: new RegExp(MERKLE),
  /** The Merkle path and the comparison of its root with the public revocationRoot. */
  merkleOrRoot: new RegExp(String.raw`${MERKLE}|^main\.revocationRoot$`),
  /** LessThan(8): bitIndex < 248. */
  bitIndexBound: new RegExp(String.raw`${REVOCATION}LessThan_\d+_\d+\.`),
  /** The bit index: its Num2Bits(8) (= slot - 248 * leafIndex) and its bound. */
  bitIndex: new RegExp(String.raw`${REVOCATION}(bitIndexBits\[|LessThan_\d+_\d+\.)`),
  /** asOfDate <= expiresOn: its comparator. */
  expiryComparator: new RegExp(String.raw`${HOLDER}AssertLessEqThan_\d+_\d+\.LessEqThan_`),
  /** asOfDate <= expiresOn: comparator and both 27-bit range checks. */
  expiry: new RegExp(String.raw`${HOLDER}AssertLessEqThan_\d+_\d+\.`),
};

/** Derived wires of HolderCredential that a valid witness legitimately leaves free. */
export const FREE_IN_EDDSA: FreeWire[] = [
  {
    name: new RegExp(String.raw`${SIG}eqCheck[XY]\.isz\.inv$`),
    reason:
      "circomlib's EdDSAPoseidonVerifier ends with ForceEqualIfEnabled(S*B8, R8 + 8*h*A) per coordinate: an " +
      "IsZero of the coordinate difference, whose `inv` is pinned (in * inv = 1 - out) only for a non-zero " +
      "input. For a valid signature the difference is 0, so out = 1 holds for every inv: the value is free " +
      "and cannot change what is accepted (a non-zero difference forces out = 0 and fails the check).",
  },
];

/** Runs `f` with console.error and console.log silenced (the witness generator logs its asserts). */
export async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const [error, log] = [console.error, console.log];
  console.error = console.log = () => {};
  try {
    return await f();
  } finally {
    [console.error, console.log] = [error, log];
  }
}
