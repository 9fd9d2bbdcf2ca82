pragma circom 2.1.5;

// Statement "ageAtLeast": the holder of a signed, unrevoked, unexpired patient-record credential
// was at least `minAge` whole years old on `asOfDate` (UTC calendar date chosen by the verifier).
//
// Public signals, in order: nullifier (output), issuerAx, issuerAy, revocationRoot, asOfDate,
// minAge, challenge, scope. Every one of them is compared by the verifier with its own expected
// value (src/statements/age-at-least.ts).

include "credential.circom";

// SCHEMA_ID: the patient-record schema id, a compile-time constant inside the signed preimage,
// so a credential of another schema can never be presented here. DOB_SLOT: its dateOfBirth slot.
template AgeAtLeast(SCHEMA_ID, DOB_SLOT) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input asOfDate;
    signal input minAge;
    signal input challenge;
    signal input scope;

    // ---- private inputs ----
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

    nullifier <== HolderCredential()(
        SCHEMA_ID, issuerAx, issuerAy, revocationRoot, asOfDate, challenge, scope,
        holderSecret, salt, revocationSlot, expiresOn, attr, sigR8x, sigR8y, sigS,
        revLeaf, revPathBits, revBitIndex, revSiblings
    );

    // Age rule (see dates.circom): dateOfBirth + minAge * 10000 <= asOfDate.
    // dateOfBirth < 2^27 and minAge < 2^8 keep the sum below 2^28, so it cannot wrap the field;
    // AssertLessEqThan range-checks both sides to 28 bits again before comparing.
    signal dateOfBirth <== attr[DOB_SLOT];
    DateRange()(dateOfBirth);
    _ <== Num2Bits(8)(minAge);
    AssertLessEqThan(DATE_BITS() + 1)([dateOfBirth + minAge * 10000, asOfDate]);
}
