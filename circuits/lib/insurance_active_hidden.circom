pragma circom 2.1.5;

// Statement "insuranceActive", issuer hidden among the verifier's trusted set: as
// insurance_active.circom, with the issuer key and its revocation root private and proven to be
// a leaf of the public `issuerSetRoot` (issuer_set.circom; see age_at_least_hidden.circom for
// why the statement part is written out again).
//
// Public signals, in order: nullifier (output), issuerSetRoot, asOfDate, insurerId, challenge,
// scope.

include "credential.circom";
include "issuer_set.circom";

template InsuranceActiveHidden(SCHEMA_ID) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerSetRoot;
    signal input asOfDate;
    signal input insurerId;
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
    // Slot 0 (insurerId) is not an input: the public insurerId takes its place.
    signal input attr[ATTRIBUTE_SLOTS() - 1];
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input revLeaf;
    signal input revPathBits[2 * REVOCATION_DEPTH()];
    signal input revBitIndex;
    signal input revSiblings[REVOCATION_DEPTH()][3];

    signal output nullifier;

    IssuerInSet(ISSUER_SET_DEPTH())(
        issuerSetRoot, asOfDate, SCHEMA_ID, issuerAx, issuerAy, revocationRoot,
        issuerValidFrom, issuerValidUntil, issuerPathBits, issuerSiblings
    );

    // NOTE: as in insurance_active.circom, the public insurerId sits in the signed preimage.
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
