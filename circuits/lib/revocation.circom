pragma circom 2.1.5;

// Revocation: a status bitmap per issuer in a 4-ary Poseidon Merkle tree.
//
// The issuer assigns each credential a slot (signed inside the credential commitment). Slot s lives
// in leaf s / 248 at bit s % 248; a leaf is a field element holding 248 status bits (bit i = 1:
// slot leaf*248 + i is revoked). Leaves are the 4^DEPTH leaves of a 4-ary tree whose nodes are
// Poseidon(4) of their children, empty leaves being 0. With DEPTH 6: 4,096 leaves, 1,015,808 slots.
//
// The holder rebuilds the tree from the issuer's published list of revoked slots, so nobody learns
// which slot it checks. The root is an input of RevocationCheck, not necessarily a public signal:
// a mode that hides the issuer among a set can bind each issuer's root privately inside its set
// leaf, so the root never identifies the issuer.
//
// Why a bitmap and not circomlib's sparse Merkle tree: non-membership in an SMT needs the
// revocation nonce's path plus an "old key" opening (~6,300 constraints at depth 20); the bitmap
// needs one 4-ary path (38% cheaper per bit of depth than binary) and one bit lookup (~2,400 in
// all). Soundness rests on the slot being signed by the issuer (the holder cannot pick another
// slot) and on the decomposition below being unique.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

function REVOCATION_DEPTH() { return 6; }
function REVOCATION_LEAF_BITS() { return 248; }

// Root of a 4-ary Poseidon tree from a leaf, its position (2 bits per level, least significant
// level first) and the three siblings of each level in left-to-right order.
// NOTE: pathBits must be constrained binary by the caller.
template QuadMerkleRoot(DEPTH) {
    signal input leaf;
    signal input pathBits[2 * DEPTH];
    signal input siblings[DEPTH][3];
    signal output root;

    signal cur[DEPTH + 1];
    signal s3[DEPTH];
    signal c1a[DEPTH]; signal c1b[DEPTH]; signal c1c[DEPTH];
    signal c2a[DEPTH]; signal c2b[DEPTH]; signal c2c[DEPTH];
    signal child0[DEPTH]; signal child3[DEPTH];
    component h[DEPTH];
    cur[0] <== leaf;
    for (var l = 0; l < DEPTH; l++) {
        var b0 = pathBits[2 * l];
        var b1 = pathBits[2 * l + 1];
        // One-hot of the position idx = b0 + 2*b1.
        s3[l] <== b0 * b1;
        var s1 = b0 - s3[l];
        var s2 = b1 - s3[l];
        var s0 = 1 - b0 - b1 + s3[l];
        // Children: position k holds cur if idx == k, sibling k if idx > k, sibling k-1 if idx < k.
        child0[l] <== siblings[l][0] + s0 * (cur[l] - siblings[l][0]);
        c1a[l] <== s1 * cur[l];
        c1b[l] <== (s2 + s3[l]) * siblings[l][1];
        c1c[l] <== s0 * siblings[l][0];
        c2a[l] <== s2 * cur[l];
        c2b[l] <== s3[l] * siblings[l][2];
        c2c[l] <== (s0 + s1) * siblings[l][1];
        child3[l] <== siblings[l][2] + s3[l] * (cur[l] - siblings[l][2]);
        h[l] = Poseidon(4);
        h[l].inputs[0] <== child0[l];
        h[l].inputs[1] <== c1a[l] + c1b[l] + c1c[l];
        h[l].inputs[2] <== c2a[l] + c2b[l] + c2c[l];
        h[l].inputs[3] <== child3[l];
        cur[l + 1] <== h[l].out;
    }
    root <== cur[DEPTH];
}

// Picks bit `index` (given as 8 bits, least significant first) of 256 bits with a mux tree.
template SelectBit256() {
    signal input bits[256];
    signal input index[8];
    signal output out;
    signal level[9][256];
    for (var i = 0; i < 256; i++) level[0][i] <== bits[i];
    var width = 256;
    for (var k = 0; k < 8; k++) {
        width = width \ 2;
        for (var i = 0; i < width; i++) {
            level[k + 1][i] <== level[k][2 * i] + index[k] * (level[k][2 * i + 1] - level[k][2 * i]);
        }
    }
    out <== level[8][0];
}

// Proves that `slot` is not revoked in the bitmap tree with root `root`.
template RevocationCheck(DEPTH, LEAF_BITS) {
    signal input root;
    signal input slot;
    signal input leaf;
    signal input pathBits[2 * DEPTH];
    signal input bitIndex;
    signal input siblings[DEPTH][3];

    // slot = leafIndex * LEAF_BITS + bitIndex with leafIndex < 4^DEPTH and bitIndex < LEAF_BITS:
    // the unique Euclidean division, so the prover cannot look up any bit but the slot's own.
    var leafIndex = 0;
    for (var i = 0; i < 2 * DEPTH; i++) {
        pathBits[i] * (pathBits[i] - 1) === 0;
        leafIndex += pathBits[i] * (1 << i);
    }
    signal bitIndexBits[8] <== Num2Bits(8)(bitIndex);
    signal bitIndexOk <== LessThan(8)([bitIndex, LEAF_BITS]);
    bitIndexOk === 1;
    slot === leafIndex * LEAF_BITS + bitIndex;

    // The leaf's status bits (this also range-checks the leaf below 2^LEAF_BITS).
    signal leafBits[LEAF_BITS] <== Num2Bits(LEAF_BITS)(leaf);
    signal padded[256];
    for (var i = 0; i < 256; i++) {
        padded[i] <== i < LEAF_BITS ? leafBits[i] : 0;
    }
    signal revoked <== SelectBit256()(padded, bitIndexBits);
    revoked === 0;

    signal computedRoot <== QuadMerkleRoot(DEPTH)(leaf, pathBits, siblings);
    computedRoot === root;
}
