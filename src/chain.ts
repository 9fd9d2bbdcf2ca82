/**
 * medzk/chain: the ledger on an EVM chain (viem, an optional peer dependency). Deploy the
 * contracts, admit issuers and verifiers, publish revocation roots and trusted sets, verify
 * presentations on chain, read the registry as a verifier's IssuerRegistry or a wallet's
 * VerifierDirectory, and anchor audit checkpoints. docs/ledger.md explains the deployment.
 */
export type { Address, ChainReader, ChainWallet, ChainWriter } from "./chain/client.js";
export { revertReason } from "./chain/client.js";
export { type ChainLayout, type PresentationCall, CHAIN_CIRCUITS, circuitId, circuitLayout, keyIdOf, presentationCall, proofWords, statementParams, verificationKeyBytes } from "./chain/codec.js";
export { type DeployOptions, type MedzkDeployment, deployMedzk } from "./chain/deploy.js";
export { KEY_STATUS, VERIFIER_STATUS, addIssuer, addIssuerKey, publishIssuerSet, publishRevocationRoot, registerVerifier, rotateVerifierAccount, setIssuerKeyStatus, setVerifierStatus } from "./chain/admin.js";
export type { IssuerSet, IssuerSetMember } from "./core/issuer-set.js";
export {
  type ChainOutcome, type ChainRefusal, type ChainResult, type ChainVerification, type ChainVerifyBatchOptions, type ChainVerifyOptions,
  CHAIN_AUDIT_RESULTS, CHAIN_RESULTS, chainAuditResult, verifyBatchOnChain, verifyOnChain,
} from "./chain/verify.js";
export { type ChainIssuerRegistryOptions, ChainIssuerRegistry } from "./chain/issuer-registry.js";
export { type ChainTrustedVerifier, type ChainVerifierDirectoryOptions, ChainVerifierDirectory } from "./chain/verifier-directory.js";
export { type ChainAnchoredCheckpoint, type ChainAuditCheckpoint, ChainCheckpointAnchor } from "./chain/checkpoint-anchor.js";
export { groth16VerifierAbi, medzkRegistryAbi } from "./chain/generated/abi.js";
