import { expect, it } from "vitest";
import * as api from "../../src/index.js";

it("the public API is exactly this", () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "AUDIT_ENTRY_FORMAT",
      "BUILTIN_SCHEMAS",
      "EMPTY_REVOCATION_ROOT",
      "FileAuditLog",
      "FileCheckpointAnchor",
      "FileWalletStore",
      "JsonFileIssuerRegistry",
      "JsonFileVerifierRegistry",
      "KEY_MANIFEST_FORMAT",
      "MedzkError",
      "MemoryChallengeStore",
      "MemoryIssuerRegistry",
      "MemoryWalletStore",
      "NEVER_EXPIRES",
      "PostgresAuditLog",
      "REVOCATION_CAPACITY",
      "RedisChallengeStore",
      "RevocationRegistry",
      "anchorCheckpoint",
      "auditEntriesFor",
      "auditLogId",
      "auditTrail",
      "buildCircuitInput",
      "checkCredential",
      "createHolder",
      "createVerifier",
      "createWallet",
      "defineSchema",
      "derivePublicKey",
      "encodeString",
      "generateIssuerKey",
      "generateVerifierKey",
      "holderEncryptionKey",
      "issueCredential",
      "loadKeys",
      "openCredential",
      "parseIssuerSet",
      "parseVerifierRegistry",
      "postgresAuditSchema",
      "prove",
      "respondOpenid4vp",
      "sealCredential",
      "verifyAuditLog",
    ]
  `);
});

it("medzk/verifier exports the verifier side only, each the same object as the root entry's", async () => {
  const verifierApi = await import("../../src/verifier.js");
  const names = Object.keys(verifierApi).sort();
  expect(names).toEqual([
    "AUDIT_ENTRY_FORMAT",
    "BUILTIN_SCHEMAS",
    "EMPTY_REVOCATION_ROOT",
    "FileAuditLog",
    "FileCheckpointAnchor",
    "JsonFileIssuerRegistry",
    "KEY_MANIFEST_FORMAT",
    "MedzkError",
    "MemoryChallengeStore",
    "MemoryIssuerRegistry",
    "PostgresAuditLog",
    "RedisChallengeStore",
    "anchorCheckpoint",
    "auditEntriesFor",
    "auditLogId",
    "createVerifier",
    "defineSchema",
    "generateVerifierKey",
    "loadKeys",
    "parseIssuerSet",
    "postgresAuditSchema",
    "verifyAuditLog",
  ]);
  for (const name of names) expect((verifierApi as Record<string, unknown>)[name]).toBe((api as Record<string, unknown>)[name]);
});

it("medzk/chain exports the ledger API", async () => {
  const chain = await import("../../src/chain.js");
  expect(Object.keys(chain).sort()).toMatchInlineSnapshot(`
    [
      "CHAIN_AUDIT_RESULTS",
      "CHAIN_CIRCUITS",
      "CHAIN_RESULTS",
      "ChainCheckpointAnchor",
      "ChainIssuerRegistry",
      "ChainVerifierDirectory",
      "KEY_STATUS",
      "VERIFIER_STATUS",
      "addIssuer",
      "addIssuerKey",
      "chainAuditResult",
      "circuitId",
      "circuitLayout",
      "deployMedzk",
      "groth16VerifierAbi",
      "keyIdOf",
      "medzkRegistryAbi",
      "presentationCall",
      "proofWords",
      "publishIssuerSet",
      "publishRevocationRoot",
      "registerVerifier",
      "revertReason",
      "rotateVerifierAccount",
      "setIssuerKeyStatus",
      "setVerifierStatus",
      "statementParams",
      "verificationKeyBytes",
      "verifyBatchOnChain",
      "verifyOnChain",
    ]
  `);
});
