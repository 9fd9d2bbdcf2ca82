pragma circom 2.1.5;

// Building blocks shared by every medzk statement circuit.
//
// A medzk credential is an EdDSA-Poseidon signature (BabyJubJub) by an issuer over
//
//   commitment = Poseidon(schemaId, holderCommitment, salt, attr[0], ..., attr[N-1])
//   holderCommitment = Poseidon(holderSecret)
//
// The commitment never leaves the circuit: it is a private intermediate value, so no per-credential
// constant becomes public. The salt (248 random bits) keeps a leaked commitment from being
// brute-forced back to a low-entropy attribute such as a date of birth.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// Proves that the prover knows an issuer signature over a credential of schema SCHEMA_ID whose
// holder commitment opens to `holderSecret`.
//
// NOTE: SCHEMA_ID is a compile-time constant inside the signed preimage, so a credential of one
// schema can never be presented to a circuit written for another.
// NOTE: the issuer key (Ax, Ay) is not checked to be on the curve here. The verifier compares it
// with a trusted issuer key it holds (which is a valid subgroup point), and that comparison is
// what makes the signature meaningful.
template SignedHolderCredential(SCHEMA_ID, N) {
    signal input issuerAx;
    signal input issuerAy;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input holderSecret;
    signal input salt;
    signal input attr[N];

    signal holderCommitment <== Poseidon(1)([holderSecret]);

    component commitment = Poseidon(3 + N);
    commitment.inputs[0] <== SCHEMA_ID;
    commitment.inputs[1] <== holderCommitment;
    commitment.inputs[2] <== salt;
    for (var i = 0; i < N; i++) {
        commitment.inputs[3 + i] <== attr[i];
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
