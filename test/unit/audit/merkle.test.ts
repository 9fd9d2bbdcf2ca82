import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { inclusionPath, merkleRoot, verifyInclusion } from "../../../src/audit/merkle.js";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import { codeOf } from "../../helpers/errors.js";

// RFC 6962's reference leaves and roots (certificate-transparency's merkle_tree_test, as in
// transparency-dev/merkle's testonly vectors): the roots of the first n leaves, n = 1..8.
const LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

describe("merkle (RFC 6962)", () => {
  it("gives the reference roots", () => {
    ROOTS.forEach((root, i) => expect(merkleRoot(LEAVES.slice(0, i + 1))).toBe(root));
  });

  it("gives the reference audit path of leaf 0 in 8", () => {
    expect(inclusionPath(LEAVES, 0)).toEqual([
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]);
  });

  const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("hex"));
  const tree = fc.uniqueArray(hash, { minLength: 1, maxLength: 40 }).chain((leaves) => fc.record({ leaves: fc.constant(leaves), index: fc.nat(leaves.length - 1) }));

  it("every leaf's path verifies against the root, and nothing else does", () => {
    fc.assert(
      fc.property(tree, fc.nat(), ({ leaves, index }, flip) => {
        const root = merkleRoot(leaves);
        const path = inclusionPath(leaves, index);
        expect(verifyInclusion(leaves[index]!, index, leaves.length, path, root)).toBe(true);
        // Another leaf, index, size, a flipped bit in the path, or a shorter/longer path: false.
        const other = leaves[index]!.replace(/^./, (c) => (c === "0" ? "1" : "0"));
        expect(verifyInclusion(other, index, leaves.length, path, root)).toBe(false);
        if (leaves.length > 1) expect(verifyInclusion(leaves[index]!, (index + 1) % leaves.length, leaves.length, path, root)).toBe(false);
        if (path.length > 0) {
          const k = flip % path.length;
          const bad = path.map((p, i) => (i === k ? p.replace(/.$/, (c) => (c === "0" ? "1" : "0")) : p));
          expect(verifyInclusion(leaves[index]!, index, leaves.length, bad, root)).toBe(false);
          expect(verifyInclusion(leaves[index]!, index, leaves.length, path.slice(1), root)).toBe(false);
        }
        expect(verifyInclusion(leaves[index]!, index, leaves.length, [...path, root], root)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("is not fooled by an inner node passed off as a leaf (domain separation)", () => {
    const leaves = ["aa".repeat(32), "bb".repeat(32), "cc".repeat(32), "dd".repeat(32)];
    const root = merkleRoot(leaves);
    // Without the 0x00/0x01 prefixes, the bytes of the left subtree's two children would be a
    // "leaf" of a 2-leaf tree with the right subtree's root as sibling, and hash to the root.
    const leafHash = (hex: string) => bytesToHex(sha256(Uint8Array.of(0, ...hexToBytes(hex))));
    const forged = leafHash(leaves[0]!) + leafHash(leaves[1]!);
    const right = inclusionPath(leaves, 0)[1]!;
    expect(verifyInclusion(forged, 0, 2, [right], root)).toBe(false);
  });

  it("refuses malformed input without throwing, and caller mistakes with INVALID_ARGUMENT", () => {
    const root = merkleRoot(["aa"]);
    for (const bad of [
      () => verifyInclusion("AA", 0, 1, [], root),
      () => verifyInclusion("aa", -1, 1, [], root),
      () => verifyInclusion("aa", 0, 0, [], root),
      () => verifyInclusion("aa", 0, 1, "x" as unknown as string[], root),
      () => verifyInclusion("aa", 0, 1, [], "zz"),
    ]) expect(bad()).toBe(false);
    expect(verifyInclusion("aa", 0, 1, [], root)).toBe(true);
    expect(codeOf(() => merkleRoot([]))).toBe("INVALID_ARGUMENT");
    expect(codeOf(() => inclusionPath(["aa"], 1))).toBe("INVALID_ARGUMENT");
  });
});
