pragma circom 2.1.5;

include "../lib/age_at_least.circom";

// SCHEMA_ID = schemaIdField(BUILTIN_SCHEMAS["patient-record/v1"]) from src/schemas.ts: the hash of the
// schema's canonical definition (pinned by test/encoding.test.ts). DOB_SLOT 0: its dateOfBirth slot.
component main {public [issuerAx, issuerAy, revocationRoot, asOfDate, minAge, challenge, scope]} =
    AgeAtLeast(315869387147629727077029969360208160802206446039108436336035088612721670543, 0);
