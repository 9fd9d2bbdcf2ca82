pragma circom 2.1.5;

// Statement "insuranceActive": the holder of a signed, unrevoked, unexpired insurance-coverage
// credential issued for insurer `insurerId` is covered on `asOfDate`:
// coverageStart <= asOfDate <= coverageEnd (inclusive, UTC calendar dates as YYYYMMDD).
//
// Public signals, in order: nullifier (output), issuerAx, issuerAy, revocationRoot, asOfDate,
// insurerId, challenge, scope.

include "credential.circom";

// Attribute slots of insurance-coverage/v1: insurerId 0, memberId 1, plan 2, coverageStart 3,
// coverageEnd 4 (src/core/schemas.ts).
template InsuranceActive(SCHEMA_ID) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input asOfDate;
    signal input insurerId;
    signal input challenge;
    signal input scope;

    // ---- private inputs ----
    signal input holderSecret;
    signal input salt;
    signal input revocationSlot;
    signal input expiresOn;
    // Slot 0 (insurerId) is not an input: the public insurerId takes its place (see below).
    signal input attr[ATTRIBUTE_SLOTS() - 1];
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input revLeaf;
    signal input revPathBits[2 * REVOCATION_DEPTH()];
    signal input revBitIndex;
    signal input revSiblings[REVOCATION_DEPTH()][3];

    signal output nullifier;

    // NOTE: the public insurerId is placed directly into the signed preimage, so "the insurer
    // matches" costs no constraint: any other insurer id changes the commitment and breaks the
    // signature.
    signal slots[ATTRIBUTE_SLOTS()];
    slots[0] <== insurerId;
    for (var i = 1; i < ATTRIBUTE_SLOTS(); i++) slots[i] <== attr[i - 1];

    nullifier <== HolderCredential()(
        SCHEMA_ID, issuerAx, issuerAy, revocationRoot, asOfDate, challenge, scope,
        holderSecret, salt, revocationSlot, expiresOn, slots, sigR8x, sigR8y, sigS,
        revLeaf, revPathBits, revBitIndex, revSiblings
    );

    AssertLessEqThan(DATE_BITS())([slots[3], asOfDate]);
    AssertLessEqThan(DATE_BITS())([asOfDate, slots[4]]);
}
