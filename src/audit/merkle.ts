/**
 * The Merkle tree over a checkpoint's entries: RFC 6962 §2.1 (Certificate Transparency), the
 * tree's leaves being the entries' chain hashes in seq order.
 *
 *   leaf(d)    = SHA-256(0x00 || d)
 *   node(l, r) = SHA-256(0x01 || l || r)
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two below n
 *
 * The 0x00/0x01 prefixes separate leaves from inner nodes, so no inner node can be passed off as
 * a leaf (the second-preimage attack on unprefixed trees). Unbalanced trees are RFC 6962's (no
 * duplicated last leaf, unlike Bitcoin's tree, where two lists can share a root). Inclusion
 * proofs are RFC 6962 §2.1.1 audit paths, verified with RFC 9162 §2.1.3.2's algorithm.
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils";
import { MedzkError } from "../core/errors.js";

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
/** Leaf data: any bytes (RFC 6962 leaves are arbitrary); medzk's are 32-byte chain hashes. */
const LEAF_HEX = /^(?:[0-9a-f]{2}){0,1024}$/;

function leafHash(data: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF, data));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE, left, right));
}

/** The largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function bytesOf(hashes: readonly string[], name: string): Uint8Array[] {
  if (!Array.isArray(hashes) || hashes.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be a non-empty array of hex leaves`);
  return hashes.map((h, i) => {
    if (typeof h !== "string" || !LEAF_HEX.test(h)) throw new MedzkError("INVALID_ARGUMENT", `"${name}[${i}]" must be lowercase hex of at most 1024 bytes`);
    return hexToBytes(h);
  });
}

/** The Merkle root (hex) of leaves given as hex (at least one; medzk's are the entries' chain hashes). */
export function merkleRoot(leaves: readonly string[]): string {
  return bytesToHex(mth(bytesOf(leaves, "leaves")));
}

/** The audit path (RFC 6962 §2.1.1 PATH(m, D[n])) of leaf `index`, sibling hashes from the leaf up. */
export function inclusionPath(leaves: readonly string[], index: number): string[] {
  const data = bytesOf(leaves, "leaves");
  if (!Number.isSafeInteger(index) || index < 0 || index >= data.length) throw new MedzkError("INVALID_ARGUMENT", `"index" must be a leaf index below ${data.length}`);
  const path: Uint8Array[] = [];
  const walk = (m: number, d: Uint8Array[]): void => {
    if (d.length <= 1) return;
    const k = split(d.length);
    if (m < k) {
      walk(m, d.slice(0, k));
      path.push(mth(d.slice(k)));
    } else {
      walk(m - k, d.slice(k));
      path.push(mth(d.slice(0, k)));
    }
  };
  walk(index, data);
  return path.map(bytesToHex);
}

/**
 * Whether `leaf` (hex) is leaf `index` of a tree of `size` leaves with `root`, by
 * `path` (RFC 9162 §2.1.3.2). Untrusted input: never throws, false for anything malformed.
 */
export function verifyInclusion(leaf: string, index: number, size: number, path: readonly string[], root: string): boolean {
  const hex = /^[0-9a-f]{64}$/;
  if (typeof leaf !== "string" || !LEAF_HEX.test(leaf) || typeof root !== "string" || !hex.test(root)) return false;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(index) || index < 0 || index >= size) return false;
  if (!Array.isArray(path) || path.length > 64 || !path.every((p) => typeof p === "string" && hex.test(p))) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(hexToBytes(leaf));
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(hexToBytes(p), r);
      // Skip the levels where this node has no right sibling (the right edge of an unbalanced tree).
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, hexToBytes(p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesToHex(r) === root;
}
