pragma circom 2.1.5;

include "../lib/insurance_active.circom";

// SCHEMA_ID = schemaId("insurance-coverage/v1") from src/encoding.ts (pinned by test/encoding.test.ts).
component main {public [issuerAx, issuerAy, revocationRoot, asOfDate, insurerId, challenge, scope]} =
    InsuranceActive(332074152051742118336075786754562405430368575259448289627792026422380420823);
