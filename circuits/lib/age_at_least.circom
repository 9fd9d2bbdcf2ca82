pragma circom 2.1.5;

// Statement "ageAtLeast": the holder of a signed patient-record credential was at least `minAge`
// whole years old on `asOfDate` (UTC calendar date chosen by the verifier).
//
// Public signals, in order: nullifier (output), issuerAx, issuerAy, asOfDate, minAge, challenge, scope.
// Every one of them is compared by the verifier with its own expected value (src/statements.ts).

include "credential.circom";
include "dates.circom";

template AgeAtLeast(SCHEMA_ID) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerAx;
    signal input issuerAy;
    signal input asOfDate;
    signal input minAge;
    signal input challenge;
    signal input scope;

    // ---- private inputs ----
    signal input holderSecret;
    signal input salt;
    signal input dateOfBirth;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;

    signal output nullifier;

    // The record: patient-record/v1 has one attribute, the date of birth.
    SignedHolderCredential(SCHEMA_ID, 1)(
        issuerAx, issuerAy, sigR8x, sigR8y, sigS, holderSecret, salt, [dateOfBirth]
    );

    // Age rule (see dates.circom): dateOfBirth + minAge * 10000 <= asOfDate.
    // dateOfBirth < 2^27 and minAge < 2^8 keep the sum below 2^28, so it cannot wrap the field;
    // AssertLessEqThan range-checks both sides to 28 bits again before comparing.
    DateRange()(dateOfBirth);
    _ <== Num2Bits(8)(minAge);
    AssertLessEqThan(DATE_BITS() + 1)([dateOfBirth + minAge * 10000, asOfDate]);

    BindChallenge()(challenge);
    nullifier <== ScopedNullifier()(holderSecret, scope);
}
