pragma circom 2.1.5;

// The trusted issuer set: "this credential was signed by one of the keys the verifier trusts for
// this schema today", without saying which key.
//
// A verifier's trusted set is a 4-ary Poseidon Merkle tree of depth ISSUER_SET_DEPTH() (4,096
// leaves), built like the revocation tree (revocation.circom): nodes are Poseidon(4) of their
// children, empty leaves are 0. One leaf per (issuer key, schema):
//
//   leaf = Poseidon(issuerAx, issuerAy, revocationRoot, validFrom, validUntil, schemaId)
//
// with validFrom / validUntil the key's first and last accepted days as YYYYMMDD (open ends 0 and
// 99991231). The leaf binds the issuer's current revocation root, so the credential's revocation
// check runs against that issuer's own list although the root is a private input: a holder
// cannot pair a trusted key with another issuer's (or an older) revocation root. A real leaf is a
// Poseidon output, never 0 except with negligible probability, so an empty leaf opens to nothing
// a prover can sign under.
//
// Only active keys go into a set (src/core/issuer-set.ts builds it from the verifier's issuer
// registry); retiring or compromising a key, or a new revocation root, changes the root. The
// validity window is still checked here because a set is used for a while after it was built
// (the verifier accepts a root replaced less than maxRootAgeSeconds ago): a key whose last day
// has passed stops verifying on the next day even under a cached root.
//
// Why depth 6 and not 8 (65,536 issuers): each level costs one Poseidon(4) and its selection
// (about 300 constraints), and the hidden circuits must stay within 2,600 constraints of their
// public-issuer siblings; depth 6 fits (+2,361, circuits/README.md), depth 8 (~+2,970) does not.

include "circomlib/circuits/poseidon.circom";
include "revocation.circom";
include "credential.circom";
include "dates.circom";

function ISSUER_SET_DEPTH() { return 6; }

// QuadMerkleRoot with its path bits constrained boolean inside the template that uses them.
// QuadMerkleRoot itself leaves that to its caller (RevocationCheck constrains them because it
// also decomposes the slot with them); it is kept unchanged because the shipped circuits'
// proving keys are pinned to its exact R1CS. New circuits use this template.
template QuadMerkleRootChecked(DEPTH) {
    signal input leaf;
    signal input pathBits[2 * DEPTH];
    signal input siblings[DEPTH][3];
    signal output root;
    for (var i = 0; i < 2 * DEPTH; i++) {
        pathBits[i] * (pathBits[i] - 1) === 0;
    }
    root <== QuadMerkleRoot(DEPTH)(leaf, pathBits, siblings);
}

// The leaf of one (issuer key, schema) pair; src/core/issuer-set.ts computes the same hash.
template IssuerSetLeaf() {
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input validFrom;
    signal input validUntil;
    signal input schemaId;
    signal output leaf <== Poseidon(6)([issuerAx, issuerAy, revocationRoot, validFrom, validUntil, schemaId]);
}

// Proves that (issuerAx, issuerAy, revocationRoot) is a leaf of the set `issuerSetRoot` for
// schema `schemaId`, whose validity window contains `asOfDate`.
//
// NOTE: the leaf position is not unique and need not be: any leaf of the set is acceptable,
// and the position stays private. What the verifier relies on is the public `issuerSetRoot`,
// which it compares with the root of the set it built itself.
// NOTE: the key is not checked to be on the curve: the set builder puts only validated keys
// (subgroup points) in a set, and the leaf hash binds the signature's key to one of them.
template IssuerInSet(DEPTH) {
    signal input issuerSetRoot;
    signal input asOfDate;
    signal input schemaId;
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input validFrom;
    signal input validUntil;
    signal input pathBits[2 * DEPTH];
    signal input siblings[DEPTH][3];

    // validFrom <= asOfDate <= validUntil, every comparator input range-checked to 27 bits.
    AssertLessEqThan(DATE_BITS())([validFrom, asOfDate]);
    AssertLessEqThan(DATE_BITS())([asOfDate, validUntil]);

    signal leaf <== IssuerSetLeaf()(issuerAx, issuerAy, revocationRoot, validFrom, validUntil, schemaId);
    signal root <== QuadMerkleRootChecked(DEPTH)(leaf, pathBits, siblings);
    root === issuerSetRoot;
}
