/**
 * medzk: zero-knowledge proofs over signed health records.
 * Issuers sign credentials, holders prove statements about them, verifiers check presentations.
 */
export { generateIssuerKey, derivePublicKey, type IssuerKey } from "./issuer-key.js";
export { createHolder, type Holder } from "./holder.js";
export { issueCredential, checkCredential, type Credential, type IssueOptions } from "./credential.js";
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
export { MedzkError, type MedzkErrorCode, type VerifyErrorCode, type VerifyError } from "./errors.js";
export { BUILTIN_SCHEMAS, type SchemaDefinition } from "./schemas.js";
export type { Statement, StatementType } from "./statements.js";
export type { ProofRequest } from "./request.js";
export type { Presentation } from "./presentation.js";
export type { Groth16Proof } from "./groth16.js";
