/**
 * medzk: zero-knowledge proofs over signed health records.
 * Issuers sign credentials, holders prove statements about them, verifiers check presentations.
 * The verifier side is also its own entry point, `medzk/verifier` (verifier-entry.ts); this one
 * adds issuers, holders and the prover.
 */
export * from "./verifier-entry.js";
export { generateIssuerKey, derivePublicKey, type IssuerKey, type IssuerPoint } from "./issuer-key.js";
export { createHolder, type Holder } from "./holder.js";
export { issueCredential, checkCredential, NEVER_EXPIRES, type Credential, type CheckedCredential, type IssueOptions } from "./credential.js";
export { RevocationRegistry, REVOCATION_CAPACITY, type RevocationStatus } from "./revocation.js";
export { encodeString } from "./schemas.js";
export { prove, buildCircuitInput, type CircuitInput, type ProveOptions, type ProveProgress, type ProveStage } from "./prove.js";
export type { ArtifactSource } from "./prover-artifacts.js";
