/**
 * medzk for browsers (the `medzk/browser` entry, bundled as dist/browser/medzk.js): what a
 * patient wallet needs to hold credentials and prove. Verifying and issuing stay on servers, so
 * they are not here. The only difference from the Node entry is where proving artifacts come
 * from: a URL, fetched, instead of the package folder; they are checked against the same
 * SHA-256 pins, which are bundled into this file.
 */
import { type ArtifactLocation, directoryUrl, fetchBytes } from "./artifacts/loader.js";
import { MedzkError } from "./core/errors.js";
import type { Presentation } from "./core/presentation.js";
import { type ProveOptions, proveWith } from "./prover/prove.js";
import { type Wallet, type WalletOptions, createWalletWith } from "./wallet/wallet.js";

export { createHolder, type Holder } from "./prover/holder.js";
export { checkCredential, NEVER_EXPIRES, type Credential } from "./core/credential.js";
export { BUILTIN_SCHEMAS, defineSchema, encodeString, type SchemaDefinition, type AttributeDefinition, type AttributeValue } from "./core/schemas.js";
export { buildCircuitInput, type CircuitInput, type ProveOptions, type ProveProgress, type ProveStage } from "./prover/prove.js";
export { MedzkError, type MedzkErrorCode, type VerifyErrorCode, type VerifyError } from "./core/errors.js";
export type { RevocationStatus } from "./core/revocation.js";
export type { Statement, StatementType, QueryStatement, Predicate, Operator } from "./core/statement.js";
export type { ProofRequest } from "./core/request.js";
export type { Presentation } from "./core/presentation.js";
export type { Groth16Proof } from "./core/groth16-proof.js";
export type { Wallet, WalletOptions, KnownIssuers, ReceiptExport, HolderIdentity, ConsentQuestion } from "./wallet/wallet.js";
// BrowserProveOptions and BrowserWalletOptions are declared below.
export { parseVerifierRegistry, type TrustedVerifier, type VerifierDirectory } from "./wallet/trust.js";
export type { WalletPolicy, VerifierRules, ProbingBudget } from "./wallet/policy.js";
export type { Receipt } from "./wallet/receipts.js";
export type { GuardEntry } from "./wallet/guard.js";
// IndexedDB instead of FileWalletStore (node:fs).
export { MemoryWalletStore, type WalletStore, type WalletState, type WalletStateChange, type StoreProtection } from "./wallet/store.js";
export { IndexedDbWalletStore } from "./wallet/indexeddb-store.js";
// Receiving sealed credentials; sealing is the issuer's, on a server.
export { openCredential } from "./prover/open-credential.js";
export { holderEncryptionKey } from "./prover/holder.js";
export type { Envelope } from "./core/envelope.js";
// The holder's view of a verifier's audit trail, checked against anchored checkpoints.
export { auditTrail, type AuditTrailOptions } from "./wallet/audit.js";
// Answering OpenID4VP 1.0 authorization requests (openid4vp:// links), docs/openid4vp.md.
export { respondOpenid4vp, type Openid4vpOptions, type Openid4vpAnswer } from "./wallet/openid4vp.js";
export type { AuditTrailReport, AuditTrailItem, AuditEntries } from "./audit/inclusion.js";
export type { AuditCheckpoint, AnchoredCheckpoint, CheckpointAnchor } from "./audit/anchor.js";

function browserArtifactLocation(source: string | URL | undefined): ArtifactLocation {
  // A browser has no package folder to default to, and guessing one from the bundle's own URL
  // breaks as soon as an application re-bundles it: the page must say where it serves them.
  if (source === undefined) {
    throw new MedzkError("INVALID_ARGUMENT", `"artifacts" is required in the browser: the URL of the directory serving the .wasm and .zkey files`);
  }
  let url: URL;
  try {
    url = new URL(source, globalThis.location?.href);
  } catch {
    throw new MedzkError("INVALID_ARGUMENT", `"artifacts" is not a valid URL: ${JSON.stringify(String(source))}`);
  }
  return { base: directoryUrl(url), read: fetchBytes };
}

/** {@link ProveOptions} in the browser: `artifacts` is required (a browser has no package folder). */
export type BrowserProveOptions = ProveOptions & { artifacts: string | URL };

/** {@link WalletOptions} in the browser: `artifacts` is required, as for {@link prove}. */
export type BrowserWalletOptions = WalletOptions & { artifacts: string | URL };

/**
 * Proves a verifier's request with a credential, fetching the circuit's artifacts from
 * `options.artifacts` (e.g. "/artifacts/"); returns a JSON-safe presentation.
 */
export function prove(options: BrowserProveOptions): Promise<Presentation> {
  return proveWith(options, browserArtifactLocation);
}

/**
 * A wallet answering signed requests from trusted verifiers under the holder's policy, proving in
 * the browser (`options.artifacts` is required, as for {@link prove}). Its store defaults to
 * memory: pass an {@link IndexedDbWalletStore} to keep receipts and the probing guard across page loads.
 */
export function createWallet(options: BrowserWalletOptions): Wallet {
  // The wallet passes its own `artifacts` through; prove checks at run time that it is there.
  return createWalletWith(options, (o) => proveWith(o, browserArtifactLocation));
}
