pragma circom 2.1.5;

// Statement "query": up to N_PREDICATES predicates over the attribute slots of one signed,
// unrevoked, unexpired credential of the schema `schemaId`, all of which must hold, plus the
// selective disclosure of up to N_DISCLOSED attribute slots.
//
// Every predicate is one of (op codes):
//   0 none     always true (an unused predicate)
//   1 range    lo <= v <= hi, with v, lo, hi range-checked to 64 bits (EQ, LT, LTE, GT, GTE,
//              BETWEEN on numbers and dates reduce to this; the verifier computes lo/hi)
//   2 in       v is one of set[0..SET_SIZE-1]   (EQ on strings is "in {x}")
//   3 notIn    v is none of set[...]            (NE is "notIn {x}")
// Unused set entries repeat a real element (never 0), so a zero attribute cannot match padding.
//
// Public signals, in order: nullifier, disclosed[N_DISCLOSED] (outputs), then issuerAx, issuerAy,
// revocationRoot, asOfDate, schemaId, challenge, scope, queryHash. The predicate descriptor
// (predSlot, predOp, predLo, predHi, predSet, discloseSlot) is private and bound to the public
// `queryHash` (QueryDescriptorHash below): 11 public signals instead of 92, which is what a
// Groth16 verifier pays for per signal (an ecMul and an ecAdd on chain). The verifier derives
// every public signal, queryHash included, from its own request (src/statements/query.ts) and
// compares.

include "credential.circom";
include "circomlib/circuits/multiplexer.circom";

// The query's statement descriptor as one field element (src/statements/query.ts queryHash):
//   queryHash = Poseidon(packed[0..N-1], setHash[0..N-1], disclosePacked)
//   packed[p] = slot + 2^4 * op + 2^8 * lo + 2^72 * hi,  setHash[p] = Poseidon(set[p][0..S-1])
//   disclosePacked = sum_d 2^(4d) * discloseSlot[d]
// NOTE: packing is injective only because every packed value is range-checked elsewhere in
// the circuit, whatever the witness: slot in 0..7 and op in 0..3 (Predicate's Decoders, success
// === 1), lo and hi below 2^64 (Predicate's Num2Bits(64)), discloseSlot in 0..8 (SelectSlot's
// Decoder), so each field of a packed word lies within its bits and the word is below 2^136 < r.
// Two descriptors with one queryHash are then a Poseidon collision. Hashing the packed words
// instead of 4 + N * (4 + 1) single values saves one Poseidon(5) per predicate (~320 constraints).
template QueryDescriptorHash(N_PREDICATES, SET_SIZE, N_DISCLOSED) {
    signal input predSlot[N_PREDICATES];
    signal input predOp[N_PREDICATES];
    signal input predLo[N_PREDICATES];
    signal input predHi[N_PREDICATES];
    signal input predSet[N_PREDICATES][SET_SIZE];
    signal input discloseSlot[N_DISCLOSED];
    signal output out;

    assert(N_DISCLOSED <= 4);
    signal words[2 * N_PREDICATES + 1];
    for (var p = 0; p < N_PREDICATES; p++) {
        words[p] <== predSlot[p] + 16 * predOp[p] + (1 << 8) * predLo[p] + (1 << 72) * predHi[p];
        words[N_PREDICATES + p] <== Poseidon(SET_SIZE)(predSet[p]);
    }
    var disclose = 0;
    for (var d = 0; d < N_DISCLOSED; d++) disclose += (1 << (4 * d)) * discloseSlot[d];
    words[2 * N_PREDICATES] <== disclose;
    out <== Poseidon(2 * N_PREDICATES + 1)(words);
}

// v = attr[slot], with slot proven to be one of 0..N-1 (Decoder's success forces exactly one hot).
template SelectSlot(N) {
    signal input attr[N];
    signal input slot;
    signal output out;
    component dec = Decoder(N);
    dec.inp <== slot;
    dec.success === 1;
    signal terms[N];
    var sum = 0;
    for (var i = 0; i < N; i++) {
        terms[i] <== dec.out[i] * attr[i];
        sum += terms[i];
    }
    out <== sum;
}

template Predicate(N_SLOTS, SET_SIZE) {
    signal input attr[N_SLOTS];
    signal input slot;
    signal input op;
    signal input lo;
    signal input hi;
    signal input set[SET_SIZE];

    // op is one of 0..3.
    component ops = Decoder(4);
    ops.inp <== op;
    ops.success === 1;
    signal isRange <== ops.out[1];
    signal isIn <== ops.out[2];
    signal isNotIn <== ops.out[3];

    signal v <== SelectSlot(N_SLOTS)(attr, slot);

    // Range: only a range predicate needs v to be a 64-bit number (a hashed string never is), so
    // the checked value is v * isRange. lo and hi are range-checked too (comparator inputs).
    signal rv <== v * isRange;
    _ <== Num2Bits(64)(rv);
    _ <== Num2Bits(64)(lo);
    _ <== Num2Bits(64)(hi);
    signal geLo <== LessEqThan(64)([lo, rv]);
    signal leHi <== LessEqThan(64)([rv, hi]);
    signal inRange <== geLo * leHi;

    // Set membership: the product of (v - set[j]) is zero exactly when v is in the set.
    signal prod[SET_SIZE];
    prod[0] <== v - set[0];
    for (var j = 1; j < SET_SIZE; j++) {
        prod[j] <== prod[j - 1] * (v - set[j]);
    }
    signal member <== IsZero()(prod[SET_SIZE - 1]);

    // Exactly one of the four op flags is 1; the predicate must hold.
    signal rangeTerm <== isRange * inRange;
    signal inTerm <== isIn * member;
    signal notInTerm <== isNotIn * (1 - member);
    ops.out[0] + rangeTerm + inTerm + notInTerm === 1;
}

template Query(N_PREDICATES, SET_SIZE, N_DISCLOSED) {
    // ---- public inputs (order matters: it is the public-signal order) ----
    signal input issuerAx;
    signal input issuerAy;
    signal input revocationRoot;
    signal input asOfDate;
    signal input schemaId;
    signal input challenge;
    signal input scope;
    // Poseidon of the descriptor below (QueryDescriptorHash).
    signal input queryHash;

    // ---- private inputs ----
    // The statement descriptor, bound to queryHash.
    signal input predSlot[N_PREDICATES];
    signal input predOp[N_PREDICATES];
    signal input predLo[N_PREDICATES];
    signal input predHi[N_PREDICATES];
    signal input predSet[N_PREDICATES][SET_SIZE];
    // Slot to disclose, or ATTRIBUTE_SLOTS() for "nothing" (then the output is 0).
    signal input discloseSlot[N_DISCLOSED];
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

    // NOTE: schemaId is public here (one circuit serves every schema); the verifier compares it
    // with the schema its query was written for, which also fixes what each slot means.
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

    // Disclosure: slot ATTRIBUTE_SLOTS() selects a constant 0.
    signal padded[ATTRIBUTE_SLOTS() + 1];
    for (var i = 0; i < ATTRIBUTE_SLOTS(); i++) padded[i] <== attr[i];
    padded[ATTRIBUTE_SLOTS()] <== 0;
    for (var d = 0; d < N_DISCLOSED; d++) {
        disclosed[d] <== SelectSlot(ATTRIBUTE_SLOTS() + 1)(padded, discloseSlot[d]);
    }
}
