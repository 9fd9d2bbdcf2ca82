pragma circom 2.1.5;

// Statement "ageAtLeast", issuer hidden among the verifier's trusted set: as age_at_least.circom,
// except that the issuer key and its revocation root are private inputs proven to be a leaf of
// the public `issuerSetRoot` (issuer_set.circom). The proof shows "signed by a key the verifier
// trusts for patient-record/v1 today", not which one: a record from a clinic that itself reveals
// a diagnosis stays private.
//
// Public signals, in order: nullifier (output), issuerSetRoot, asOfDate, minAge, challenge,
// scope. The verifier compares issuerSetRoot with the root of the set it built from its own
// issuer registry, never with anything the presentation says.
//
// The statement part is written out again rather than wrapping AgeAtLeast, whose issuer key is
// a public input: a sub-component would only add aliasing wires and change the signal layout the
// soundness tests share with the sibling (main.HolderCredential_*).

include "credential.circom";
include "issuer_set.circom";

template AgeAtLeastHidden(SCHEMA_ID, DOB_SLOT) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerSetRoot;
    signal input asOfDate;
    signal input minAge;
    signal input challenge;
    signal input scope;

    // ---- private inputs ----
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input issuerValidFrom;
    signal input issuerValidUntil;
    signal input issuerPathBits[2 * ISSUER_SET_DEPTH()];
    signal input issuerSiblings[ISSUER_SET_DEPTH()][3];
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

    // The key, its revocation root and its window are a leaf of the trusted set for this schema.
    IssuerInSet(ISSUER_SET_DEPTH())(
        issuerSetRoot, asOfDate, SCHEMA_ID, issuerAx, issuerAy, revocationRoot,
        issuerValidFrom, issuerValidUntil, issuerPathBits, issuerSiblings
    );

    nullifier <== HolderCredential()(
        SCHEMA_ID, issuerAx, issuerAy, revocationRoot, asOfDate, challenge, scope,
        holderSecret, salt, revocationSlot, expiresOn, attr, sigR8x, sigR8y, sigS,
        revLeaf, revPathBits, revBitIndex, revSiblings
    );

    // Age rule, as in age_at_least.circom: dateOfBirth + minAge * 10000 <= asOfDate, with
    // dateOfBirth < 2^27 and minAge < 2^8 so the sum cannot wrap.
    signal dateOfBirth <== attr[DOB_SLOT];
    DateRange()(dateOfBirth);
    _ <== Num2Bits(8)(minAge);
    AssertLessEqThan(DATE_BITS() + 1)([dateOfBirth + minAge * 10000, asOfDate]);
}
