/**
 * medzk: zero-knowledge proofs over signed health records.
 * Issuers sign credentials, holders prove statements about them, verifiers check presentations.
 */
export { generateIssuerKey, derivePublicKey, type IssuerKey, type IssuerPoint } from "./issuer-key.js";
export { createHolder, type Holder } from "./holder.js";
export { issueCredential, checkCredential, NEVER_EXPIRES, type Credential, type CheckedCredential, type IssueOptions } from "./credential.js";
export { RevocationRegistry, EMPTY_REVOCATION_ROOT, REVOCATION_CAPACITY, type RevocationStatus } from "./revocation.js";
export {
  MemoryIssuerRegistry,
  JsonFileIssuerRegistry,
  type IssuerRegistry,
  type IssuerRecord,
  type IssuerKeyEntry,
  type KeyStatus,
  type RevocationRoots,
} from "./issuer-registry.js";
export {
  BUILTIN_SCHEMAS,
  defineSchema,
  encodeString,
  type SchemaDefinition,
  type SchemaRule,
  type AttributeDefinition,
  type AttributeType,
  type AttributeValue,
} from "./schemas.js";
export { prove, buildCircuitInput, type CircuitInput, type ProveOptions, type ProveProgress, type ProveStage } from "./prove.js";
export {
  createVerifier,
  type Verifier,
  type VerifierPolicy,
  type VerifyOptions,
  type VerifyResult,
  type VerifySuccess,
  type VerifyFailure,
} from "./verifier.js";
export { MemoryChallengeStore, type ChallengeStore } from "./challenge-store.js";
export { RedisChallengeStore, type RedisLikeClient } from "./redis-challenge-store.js";
export { MedzkError, type MedzkErrorCode, type VerifyErrorCode, type VerifyError } from "./errors.js";
export type { Statement, StatementType } from "./statements.js";
export type { QueryStatement, Predicate, Operator } from "./query.js";
export type { ProofRequest } from "./request.js";
export type { Presentation } from "./presentation.js";
export type { Groth16Proof } from "./groth16.js";
export type { ArtifactSource } from "./prover-artifacts.js";
