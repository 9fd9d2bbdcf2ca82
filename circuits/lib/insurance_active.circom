pragma circom 2.1.5;

// Statement "insuranceActive": the holder of a signed insurance-coverage credential issued for
// insurer `insurerId` is covered on `asOfDate`: coverageStart <= asOfDate <= coverageEnd (inclusive,
// UTC calendar dates as YYYYMMDD, see dates.circom).
//
// Public signals, in order: nullifier (output), issuerAx, issuerAy, asOfDate, insurerId, challenge, scope.

include "credential.circom";
include "dates.circom";

template InsuranceActive(SCHEMA_ID) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerAx;
    signal input issuerAy;
    signal input asOfDate;
    signal input insurerId;
    signal input challenge;
    signal input scope;

    // ---- private inputs ----
    signal input holderSecret;
    signal input salt;
    signal input memberId;
    signal input plan;
    signal input coverageStart;
    signal input coverageEnd;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;

    signal output nullifier;

    // insurance-coverage/v1 attributes: insurerId, memberId, plan, coverageStart, coverageEnd.
    // NOTE: the public insurerId is placed directly into the signed preimage, so "the insurer
    // matches" costs no constraint: any other insurer id changes the commitment and breaks the
    // signature.
    SignedHolderCredential(SCHEMA_ID, 5)(
        issuerAx, issuerAy, sigR8x, sigR8y, sigS, holderSecret, salt,
        [insurerId, memberId, plan, coverageStart, coverageEnd]
    );

    AssertLessEqThan(DATE_BITS())([coverageStart, asOfDate]);
    AssertLessEqThan(DATE_BITS())([asOfDate, coverageEnd]);

    BindChallenge()(challenge);
    nullifier <== ScopedNullifier()(holderSecret, scope);
}
