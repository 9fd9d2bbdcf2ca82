/**
 * `medzk/verifier`: everything an insurer's or provider's service needs to verify presentations,
 * and nothing else. It does not load the prover (snarkjs), the circuit tooling, circomlibjs or
 * issuer key generation, so a verifier starts fast and stays small.
 */
export {
  createVerifier,
  type Verifier,
  type VerifierPolicy,
  type RequestOptions,
  type VerifyOptions,
  type VerifyBatchOptions,
  type VerifyResult,
  type VerifySuccess,
  type VerifyFailure,
  type InternalErrorHook,
  type InternalErrorContext,
  type MicroBatchOptions,
} from "./verifier/create-verifier.js";
export { generateVerifierKey, type VerifierKey } from "./verifier/verifier-key.js";
export {
  MemoryIssuerRegistry,
  JsonFileIssuerRegistry,
  type IssuerRegistry,
  type IssuerRecord,
  type IssuerKeyEntry,
  type KeyStatus,
  type RevocationRoots,
} from "./verifier/issuer-registry.js";
export { EMPTY_REVOCATION_ROOT } from "./core/revocation.js";
export { parseIssuerSet, type IssuerSet, type IssuerSetMember } from "./core/issuer-set.js";
export {
  BUILTIN_SCHEMAS,
  defineSchema,
  type SchemaDefinition,
  type SchemaRule,
  type AttributeDefinition,
  type AttributeType,
  type AttributeValue,
} from "./core/schemas.js";
export { MemoryChallengeStore, type ChallengeStore, type MemoryChallengeStoreOptions } from "./verifier/challenge-store.js";
export { RedisChallengeStore, type RedisLikeClient, type RedisChallengeStoreOptions } from "./verifier/redis-challenge-store.js";
export { MedzkError, type MedzkErrorCode, type VerifyErrorCode, type VerifyError } from "./core/errors.js";
export type { Statement, StatementType } from "./statements/registry.js";
export type { QueryStatement, Predicate, Operator, RelativeDate } from "./statements/query.js";
export type { ProofRequest } from "./core/request.js";
export type { Presentation, PresentationKey } from "./core/presentation.js";
export { loadKeys, type LoadKeysOptions } from "./artifacts/node-source.js";
export { KEY_MANIFEST_FORMAT, type KeySet, type KeyManifest, type KeyManifestEntry } from "./artifacts/key-manifest.js";
export type { ArtifactFile } from "./artifacts/manifest.js";
export type { Groth16Proof } from "./core/groth16-proof.js";
export { FileAuditLog, type FileAuditLogOptions } from "./audit/file-audit-log.js";
export type { FileLockOptions } from "./audit/file-lock.js";
export { PostgresAuditLog, postgresAuditSchema, type PostgresAuditLogOptions, type PgPoolLike, type PgClientLike } from "./audit/postgres-audit-log.js";
export { FileCheckpointAnchor } from "./audit/file-anchor.js";
export type { AuditCheckpoint, AnchoredCheckpoint, CheckpointAnchor } from "./audit/anchor.js";
export type { AuditLog, AuditHead, AppendedEntry } from "./audit/audit-log.js";
export { AUDIT_ENTRY_FORMAT, auditLogId, type AuditEntry, type AuditEntryInput, type AuditRecord } from "./audit/entry.js";
export { anchorCheckpoint } from "./audit/checkpoint.js";
export { verifyAuditLog, type AuditLogVerifyInput, type AuditVerification, type AuditProblem, type AuditProblemKind } from "./audit/verify-log.js";
export { auditEntriesFor, type AuditEntries, type AuditEntryProof, type AuditInclusion } from "./audit/inclusion.js";
