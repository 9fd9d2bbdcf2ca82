pragma circom 2.1.5;

// Statement "query", issuer hidden among the verifier's trusted set: as query.circom, with the
// issuer key and its revocation root private and proven to be a leaf of the public
// `issuerSetRoot` for the public `schemaId` (issuer_set.circom; see age_at_least_hidden.circom
// for why the statement part is written out again; the predicate and slot gadgets are
// query.circom's own templates).
//
// Public signals, in order: nullifier, disclosed[N_DISCLOSED] (outputs), then issuerSetRoot,
// asOfDate, schemaId, challenge, scope, queryHash (the descriptor's hash, QueryDescriptorHash;
// the descriptor itself is private, as in query.circom).

include "query.circom";
include "issuer_set.circom";

template QueryHidden(N_PREDICATES, SET_SIZE, N_DISCLOSED) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerSetRoot;
    signal input asOfDate;
    signal input schemaId;
    signal input challenge;
    signal input scope;
    signal input queryHash;

    // ---- private inputs ----
    signal input predSlot[N_PREDICATES];
    signal input predOp[N_PREDICATES];
    signal input predLo[N_PREDICATES];
    signal input predHi[N_PREDICATES];
    signal input predSet[N_PREDICATES][SET_SIZE];
    signal input discloseSlot[N_DISCLOSED];
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
    signal output disclosed[N_DISCLOSED];

    // NOTE: the leaf binds the public schemaId, so a key trusted for one schema only cannot sign
    // credentials the verifier reads as another schema.
    IssuerInSet(ISSUER_SET_DEPTH())(
        issuerSetRoot, asOfDate, schemaId, issuerAx, issuerAy, revocationRoot,
        issuerValidFrom, issuerValidUntil, issuerPathBits, issuerSiblings
    );

    nullifier <== HolderCredential()(
        schemaId, issuerAx, issuerAy, revocationRoot, asOfDate, challenge, scope,
        holderSecret, salt, revocationSlot, expiresOn, attr, sigR8x, sigR8y, sigS,
        revLeaf, revPathBits, revBitIndex, revSiblings
    );

    signal descriptorHash <== QueryDescriptorHash(N_PREDICATES, SET_SIZE, N_DISCLOSED)(predSlot, predOp, predLo, predHi, predSet, discloseSlot);
    queryHash === descriptorHash;

    for (var p = 0; p < N_PREDICATES; p++) {
        Predicate(ATTRIBUTE_SLOTS(), SET_SIZE)(attr, predSlot[p], predOp[p], predLo[p], predHi[p], predSet[p]);
    }

    signal padded[ATTRIBUTE_SLOTS() + 1];
    for (var i = 0; i < ATTRIBUTE_SLOTS(); i++) padded[i] <== attr[i];
    padded[ATTRIBUTE_SLOTS()] <== 0;
    for (var d = 0; d < N_DISCLOSED; d++) {
        disclosed[d] <== SelectSlot(ATTRIBUTE_SLOTS() + 1)(padded, discloseSlot[d]);
    }
}
