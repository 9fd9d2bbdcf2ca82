/**
 * Errors. Two channels, on purpose:
 * - Caller mistakes (bad configuration, invalid attribute values, a statement the holder cannot
 *   prove) throw a {@link MedzkError} with a stable `code`.
 * - Untrusted input reaching a verifier (presentations from the wire) never throws: `verify`
 *   returns `{ ok: false, error: { code, message } }` with a {@link VerifyErrorCode}.
 */

/** Codes of errors thrown for caller mistakes. */
export type MedzkErrorCode =
  /** An argument has the wrong type or is out of range (the message names it). */
  | "INVALID_ARGUMENT"
  /** A statement (from createRequest, a request, a config) is malformed or out of range. */
  | "INVALID_STATEMENT"
  /** A schema definition is malformed. */
  | "INVALID_SCHEMA"
  /** A proof request handed to the prover is malformed (or of an older format, such as medzk-request/v1). */
  | "INVALID_REQUEST"
  /** A proof request's signature is not a valid Ed25519 signature by the verifier key it names: forged or altered. */
  | "REQUEST_SIGNATURE_INVALID"
  /** A wallet refused a request signed by a verifier key that is not in its trust list. */
  | "UNTRUSTED_VERIFIER"
  /**
   * A registry could not be read or returned malformed data, so nothing was trusted: a wallet's
   * verifier registry (thrown by `wallet.respond`); verifiers return the same code for their
   * issuer registry.
   */
  | "REGISTRY_UNAVAILABLE"
  /** A wallet's policy does not allow this verifier this statement type, predicate attribute or disclosure. */
  | "REQUEST_NOT_ALLOWED"
  /**
   * A wallet's probing guard refused a request that would spend more than the verifier's budget of
   * distinct questions about one attribute in the window. Decided from the requests alone.
   */
  | "PROBING_LIMIT"
  /** A wallet has no copy of the trusted issuer set a hidden-issuer request names (`issuerSets` gave none, another root, or a malformed one). */
  | "ISSUER_SET_UNAVAILABLE"
  /** A wallet refused a hidden-issuer request whose set holds fewer keys for the schema than its policy's `minIssuerSetSize`. */
  | "ISSUER_SET_TOO_SMALL"
  /** A wallet's holder declined the request when asked (the wallet's `consent` callback). */
  | "DECLINED_BY_HOLDER"
  /** A wallet holds no credential of the schema the request's statement is about. */
  | "NO_MATCHING_CREDENTIAL"
  /** A wallet store's contents are malformed or of an unknown format (the wallet refuses to start from them). */
  | "WALLET_STORE_INVALID"
  /** A wallet store cannot be read or written. */
  | "WALLET_STORE_UNAVAILABLE"
  /** An encrypted wallet store does not decrypt: a wrong passphrase, or the store was altered (the two are indistinguishable). */
  | "WALLET_DECRYPTION_FAILED"
  /** A published revocation status is malformed or inconsistent. */
  | "INVALID_REVOCATION_STATUS"
  /** An issuer registry (file or records) is malformed. */
  | "INVALID_REGISTRY"
  /** An issuer registry file cannot be read. */
  | "REGISTRY_UNREADABLE"
  /** A key is both listed in `trustedIssuers` and held by an issuer registry. */
  | "TRUST_CONFLICT"
  /** A challenge store file (`medzk verify`'s record of used challenges) cannot be read, locked or written, or is malformed; verification fails closed (STORE_UNAVAILABLE). */
  | "CHALLENGE_STORE_UNAVAILABLE"
  /** A revocation registry has allocated every slot it has. */
  | "REVOCATION_REGISTRY_FULL"
  /** An optional peer dependency (e.g. ioredis) is needed but not installed. */
  | "MISSING_DEPENDENCY"
  | "INVALID_DATE"
  | "INVALID_ATTRIBUTE"
  | "UNKNOWN_SCHEMA"
  | "UNKNOWN_STATEMENT"
  | "INVALID_KEY"
  | "INVALID_CREDENTIAL"
  | "HOLDER_MISMATCH"
  | "STATEMENT_NOT_SATISFIED"
  | "CREDENTIAL_REVOKED"
  | "REQUEST_REFUSED"
  | "REQUEST_EXPIRED"
  | "ARTIFACT_INTEGRITY"
  | "PROVING_FAILED"
  /** A sealed envelope (medzk-envelope/v1) is malformed: unknown or missing keys, wrong format, bad hex or lengths, over 64 KiB. */
  | "ENVELOPE_INVALID"
  /** A sealed envelope is addressed to another encryption key than this holder's. */
  | "ENVELOPE_NOT_FOR_HOLDER"
  /** A sealed envelope does not decrypt: altered, truncated, or sealed to another key. One code for every such failure. */
  | "ENVELOPE_DECRYPTION_FAILED"
  /** A published trusted issuer set (medzk-issuer-set/v1) is malformed, or its root is not its members' root. */
  | "INVALID_ISSUER_SET"
  /** A trusted issuer set published on chain holds a key no longer active, or a revocation root its issuer has since replaced: rebuild it from the registry. */
  | "ISSUER_SET_OUTDATED"
  /** The credential's issuer key (for its schema, revocation root and day) is not a member of the trusted issuer set the request names. */
  | "ISSUER_NOT_IN_SET"
  /** An audit log (medzk-audit-entry/v1 records) or a checkpoint is malformed, or the log is not the one expected (another verifier's, truncated below a known head). */
  | "AUDIT_LOG_INVALID"
  /** An audit log cannot be read or written (file, lock, database): the verification outcome is withheld rather than left unrecorded. */
  | "AUDIT_LOG_UNAVAILABLE"
  /** A checkpoint anchor (file, chain) cannot be read or written. */
  | "ANCHOR_UNAVAILABLE"
  /** An anchor refused a checkpoint that is not the next one of its log (index, or fromSeq not the previous toSeq + 1). */
  | "CHECKPOINT_REJECTED"
  /** The chain (its RPC endpoint) cannot be reached or answers malformed data: medzk/chain fails closed. */
  | "CHAIN_UNAVAILABLE"
  /** A transaction to the registry contract reverted (the message names the contract's error) or did not confirm. */
  | "CHAIN_TRANSACTION_FAILED"
  /** A key manifest (medzk-keys/v1, production keys given at run time) is malformed: unknown or missing keys, bad hashes or paths. */
  | "INVALID_KEY_MANIFEST"
  /**
   * An OpenID4VP request a wallet was given is not of medzk's profile (docs/openid4vp.md): a link
   * that is not `openid4vp://` with a did:key client_id, a request object that is not a JWS of the
   * profile, unknown or missing claims, or claims that contradict the medzk request it carries.
   * A request object not signed by the client_id's key is REQUEST_SIGNATURE_INVALID.
   */
  | "OPENID4VP_REQUEST_INVALID"
  /** A wallet could not fetch an OpenID4VP request object from its request_uri (network, a status other than 200: an already used request_uri answers 410). */
  | "OPENID4VP_REQUEST_UNAVAILABLE"
  /** The verifier's response_uri did not accept the wallet's answer (network, or a status other than 200; its error code is in the message). */
  | "OPENID4VP_RESPONSE_REFUSED"
  /** A phase-2 ceremony (medzk-ceremony/v1 attestations and zkeys) does not verify, or a ceremony step was asked of a ceremony in the wrong state. */
  | "CEREMONY_INVALID";

/**
 * The error medzk throws for caller mistakes and configuration errors. Switch on `code`; the
 * message is for people. A wrapped failure (e.g. snarkjs's) is the `cause`.
 */
export class MedzkError extends Error {
  /** Always "MedzkError". */
  override readonly name = "MedzkError";
  /** Stable reason for the error; clients may switch on it. */
  readonly code: MedzkErrorCode;

  constructor(code: MedzkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Codes a verifier returns for presentations it refuses. Stable: clients may switch on them. */
export type VerifyErrorCode =
  | "MALFORMED_PRESENTATION"
  | "UNKNOWN_REQUEST"
  | "REQUEST_MISMATCH"
  | "REQUEST_EXPIRED"
  | "REQUEST_REPLAYED"
  | "STATEMENT_MISMATCH"
  | "PUBLIC_SIGNAL_COUNT"
  | "NON_CANONICAL_SIGNAL"
  | "UNTRUSTED_ISSUER"
  | "ISSUER_KEY_RETIRED"
  | "ISSUER_KEY_COMPROMISED"
  | "ISSUER_KEY_NOT_VALID"
  | "SCHEMA_NOT_ALLOWED"
  | "STALE_REVOCATION_ROOT"
  | "UNKNOWN_REVOCATION_ROOT"
  | "REGISTRY_UNAVAILABLE"
  | "AS_OF_MISMATCH"
  | "CHALLENGE_MISMATCH"
  | "SCOPE_MISMATCH"
  | "MALFORMED_PROOF"
  | "INVALID_PROOF"
  | "STORE_UNAVAILABLE"
  | "INTERNAL_ERROR"
  /** Issuer hidden among a trusted set: the proof's issuerSetRoot is not the set the request names. */
  | "ISSUER_SET_MISMATCH"
  /** The request's trusted issuer set was replaced too long ago, or one of its keys was since retired or compromised. */
  | "STALE_ISSUER_SET"
  /** The request's trusted issuer set is not one this verifier built (for instance before a restart). */
  | "UNKNOWN_ISSUER_SET"
  /** The presentation was made with another circuit or verification key than the one this verifier uses for the request (e.g. production keys on one side, the shipped keys on the other). */
  | "KEY_MISMATCH";

/** Why a verifier refused a presentation: the `error` of a failed verification result. */
export interface VerifyError {
  /** Stable reason; clients may switch on it. */
  code: VerifyErrorCode;
  /** What was wrong, for logs and people; the wording may change between versions. */
  message: string;
}
