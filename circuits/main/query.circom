pragma circom 2.1.5;

include "../lib/query.circom";

// 4 predicates over one credential, sets of 16 values, 2 disclosed slots.
component main {public [issuerAx, issuerAy, revocationRoot, asOfDate, schemaId, challenge, scope,
                        predSlot, predOp, predLo, predHi, predSet, discloseSlot]} = Query(4, 16, 2);
