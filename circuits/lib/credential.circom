pragma circom 2.1.5;

// Building blocks shared by every medzk statement circuit.
//
// A medzk credential is an EdDSA-Poseidon signature (BabyJubJub) by an issuer over
//
//   commitment = Poseidon(schemaId, holderCommitment, salt, revocationSlot, expiresOn,
//                         attr[0], ..., attr[7])
//   holderCommitment = Poseidon(holderSecret)
//
// The same layout (8 attribute slots, unused ones 0) serves every schema and circuit, so one
// credential works with the dedicated statement circuits and the generic query circuit alike.
// The commitment never leaves the circuit: it is a private intermediate value, so no
// per-credential constant becomes public. The salt (248 random bits) keeps a leaked commitment
// from being brute-forced back to a low-entropy attribute such as a date of birth.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "revocation.circom";
include "dates.circom";

function ATTRIBUTE_SLOTS() { return 8; }

// Proves that the prover knows an issuer signature over a credential whose holder commitment
// opens to `holderSecret`.
//
// NOTE: the issuer key (Ax, Ay) is not checked to be on the curve here. The verifier compares it
// with a trusted issuer key it holds (which is a valid subgroup point), and that comparison is
// what makes the signature meaningful.
template SignedHolderCredential() {
    signal input schemaId;
    signal input issuerAx;
    signal input issuerAy;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input holderSecret;
    signal input salt;
    signal input revocationSlot;
    signal input expiresOn;
    signal input attr[ATTRIBUTE_SLOTS()];

    signal holderCommitment <== Poseidon(1)([holderSecret]);

    component commitment = Poseidon(5 + ATTRIBUTE_SLOTS());
    commitment.inputs[0] <== schemaId;
    commitment.inputs[1] <== holderCommitment;
    commitment.inputs[2] <== salt;
    commitment.inputs[3] <== revocationSlot;
    commitment.inputs[4] <== expiresOn;
    for (var i = 0; i < ATTRIBUTE_SLOTS(); i++) {
        commitment.inputs[5 + i] <== attr[i];
    }

    // Signature check is hard-wired on: `enabled` is the constant 1, not a signal a prover sets.
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== 1;
    sig.Ax <== issuerAx;
    sig.Ay <== issuerAy;
    sig.S <== sigS;
    sig.R8x <== sigR8x;
    sig.R8y <== sigR8y;
    sig.M <== commitment.out;
}

// A pseudonym of the holder that is stable within one verifier scope and unlinkable across scopes.
// Poseidon(2) and the Poseidon(1) of the holder commitment are different permutation widths, so
// the nullifier cannot collide with (or reveal) the holder commitment.
template ScopedNullifier() {
    signal input holderSecret;
    signal input scope;
    signal output nullifier <== Poseidon(2)([holderSecret, scope]);
}

// Enforces in[0] <= in[1] for two values that are each range-checked to NBITS bits here, so the
// comparator can never be fed a field element that wraps around (circomlib's LessThan is only
// sound for inputs below 2^NBITS).
template AssertLessEqThan(NBITS) {
    signal input in[2];
    _ <== Num2Bits(NBITS)(in[0]);
    _ <== Num2Bits(NBITS)(in[1]);
    signal le <== LessEqThan(NBITS)(in);
    le === 1;
}

// Binds the verifier's one-time challenge to the proof with a real constraint. Groth16 (with
// snarkjs's extra input constraints) already binds every public input; the square keeps that
// true even for tooling or optimisers that drop unconstrained inputs.
template BindChallenge() {
    signal input challenge;
    signal challengeSquare <== challenge * challenge;
}

// Everything every statement proves about the credential itself: issuer signature, holder
// binding, not revoked under `revocationRoot`, not expired on `asOfDate`, the verifier's challenge
// and the scoped nullifier. Statement circuits add their predicate over `attr`.
template HolderCredential() {
    signal input schemaId;
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input asOfDate;
    signal input challenge;
    signal input scope;

    signal input holderSecret;
    signal input salt;
    signal input revocationSlot;
    signal input expiresOn;
    signal input attr[ATTRIBUTE_SLOTS()];
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input revLeaf;
    signal input revPathBits[2 * REVOCATION_DEPTH()];
    signal input revBitIndex;
    signal input revSiblings[REVOCATION_DEPTH()][3];

    signal output nullifier;

    SignedHolderCredential()(
        schemaId, issuerAx, issuerAy, sigR8x, sigR8y, sigS, holderSecret, salt, revocationSlot, expiresOn, attr
    );
    RevocationCheck(REVOCATION_DEPTH(), REVOCATION_LEAF_BITS())(
        revocationRoot, revocationSlot, revLeaf, revPathBits, revBitIndex, revSiblings
    );
    // Not expired: asOfDate <= expiresOn (both YYYYMMDD, range-checked inside).
    AssertLessEqThan(DATE_BITS())([asOfDate, expiresOn]);

    BindChallenge()(challenge);
    nullifier <== ScopedNullifier()(holderSecret, scope);
}
