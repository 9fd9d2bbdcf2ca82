/**
 * medzk: zero-knowledge proofs over signed health records.
 * Issuers sign credentials, holders prove statements about them, verifiers check presentations.
 * The verifier side is also its own entry point, `medzk/verifier` (verifier.ts); this one
 * adds issuers, holders and the prover.
 */
export * from "./verifier.js";
export { generateIssuerKey, derivePublicKey, type IssuerKey } from "./issuer/keys.js";
export type { IssuerPoint } from "./core/public-key.js";
export { createHolder, type Holder } from "./prover/holder.js";
export { checkCredential, NEVER_EXPIRES, type Credential, type CheckedCredential } from "./core/credential.js";
export { issueCredential, type IssueOptions } from "./issuer/issue-credential.js";
export { RevocationRegistry, type RevocationRegistryOptions } from "./issuer/revocation-registry.js";
export { REVOCATION_CAPACITY, type RevocationStatus } from "./core/revocation.js";
export { encodeString } from "./core/schemas.js";
export { prove, buildCircuitInput, type CircuitInput, type ProveOptions, type ProveProgress, type ProveStage } from "./prover/node.js";
export type { ArtifactSource } from "./artifacts/node-source.js";
export { createWallet } from "./wallet/node.js";
export type { Wallet, WalletOptions, KnownIssuers, ReceiptExport, HolderIdentity, ConsentQuestion } from "./wallet/wallet.js";
export { parseVerifierRegistry, type TrustedVerifier, type VerifierDirectory } from "./wallet/trust.js";
export { JsonFileVerifierRegistry } from "./wallet/verifier-registry-file.js";
export type { WalletPolicy, VerifierRules, ProbingBudget } from "./wallet/policy.js";
export type { Receipt } from "./wallet/receipts.js";
export type { GuardEntry } from "./wallet/guard.js";
export { MemoryWalletStore, type WalletStore, type WalletState, type WalletStateChange, type StoreProtection } from "./wallet/store.js";
export { FileWalletStore } from "./wallet/file-store.js";
export { sealCredential } from "./issuer/seal-credential.js";
export { openCredential } from "./prover/open-credential.js";
export { holderEncryptionKey } from "./prover/holder.js";
export type { Envelope } from "./core/envelope.js";
export { auditTrail, type AuditTrailOptions } from "./wallet/audit.js";
// Answering OpenID4VP 1.0 authorization requests (openid4vp:// links), docs/openid4vp.md.
export { respondOpenid4vp, type Openid4vpOptions, type Openid4vpAnswer } from "./wallet/openid4vp.js";
export type { AuditTrailReport, AuditTrailItem } from "./audit/inclusion.js";
