pragma circom 2.1.5;

include "../lib/age_at_least.circom";

// SCHEMA_ID = schemaId("patient-record/v1") from src/encoding.ts (pinned by test/encoding.test.ts).
component main {public [issuerAx, issuerAy, revocationRoot, asOfDate, minAge, challenge, scope]} =
    AgeAtLeast(341676232125712175638522009297948578348378925481239028833998570229457656029, 0);
