pragma circom 2.1.5;

include "../lib/insurance_active.circom";

// SCHEMA_ID = schemaIdField(BUILTIN_SCHEMAS["insurance-coverage/v1"]) from src/schemas.ts: the hash of the
// schema's canonical definition (pinned by test/encoding.test.ts).
component main {public [issuerAx, issuerAy, revocationRoot, asOfDate, insurerId, challenge, scope]} =
    InsuranceActive(64648508833425244853760301509543326265377443388429749215717649875276954557);
