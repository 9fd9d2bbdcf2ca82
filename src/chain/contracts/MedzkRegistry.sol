// SPDX-License-Identifier: GPL-3.0-only
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Bn254} from "./Bn254.sol";
import {MedzkRegistryChecks} from "./MedzkRegistryChecks.sol";

/**
 * medzk's ledger: who may issue (issuer keys, validity days, status), what they revoked (revocation
 * roots, append-only, published from the issuer's own account), which issuers a hidden-issuer proof
 * may hide among (trusted-set roots), who may ask (verifiers: Ed25519 request keys, purposes,
 * scopes), the verification of presentations against that state, and the anchors of the
 * verifiers' audit logs. Every change emits an event; every revert is a named error.
 *
 * Nothing personal is stored or logged: keys, roots, scope and statement parameters, nullifiers
 * (per-verifier pseudonyms that no other verifier shares) and result codes only.
 *
 * Roles (OpenZeppelin AccessControl): DEFAULT_ADMIN_ROLE grants roles, sets circuits and the
 * root age; ISSUER_ADMIN_ROLE admits issuers, their keys and statuses, and publishes trusted-set
 * roots; VERIFIER_ADMIN_ROLE admits and suspends verifiers. Issuers publish their own roots and
 * may declare their own keys compromised; verifiers anchor their own audit checkpoints.
 */
contract MedzkRegistry is AccessControl {
    bytes32 public constant ISSUER_ADMIN_ROLE = keccak256("medzk.ISSUER_ADMIN");
    bytes32 public constant VERIFIER_ADMIN_ROLE = keccak256("medzk.VERIFIER_ADMIN");

    /// Latest calendar day medzk knows (YYYYMMDD): an open validity end.
    uint32 internal constant OPEN_VALID_UNTIL = 99991231;
    uint256 private constant MAX_PURPOSES = 16;

    // ------------------------------------------------------------------ types

    enum KeyStatus { None, Active, Retired, Compromised }
    enum VerifierStatus { None, Active, Suspended }

    /// Why a presentation was refused (0: accepted). The codes are part of the ABI: append only.
    enum Result {
        Accepted,
        SignalOutOfField,
        ScopeMismatch,
        StatementMismatch,
        AsOfNotCurrent,
        IssuerUnknown,
        IssuerKeyRetired,
        IssuerKeyCompromised,
        IssuerKeyNotValid,
        SchemaNotAllowed,
        RevocationRootNotAccepted,
        IssuerSetRootNotAccepted,
        Replayed,
        ProofMalformed,
        ProofInvalid
    }

    struct IssuerKey {
        uint256 ax;
        uint256 ay;
        address issuer;
        uint32 validFrom;
        uint32 validUntil;
        KeyStatus status;
    }

    struct Issuer {
        bool exists;
        string name;
        string[] schemas;
        uint256[] schemaIds;
        bytes32[] keyIds;
    }

    struct RootEntry {
        uint256 root;
        uint64 publishedAt;
    }

    struct Verifier {
        VerifierStatus status;
        address account;
        bytes32 logId;
        string name;
        string[] purposes;
        string[] origins;
        uint256[] scopes;
    }

    /**
     * Where a circuit's public signals sit (indices into the snarkjs public-signal order of
     * circuits/circuits.json). `hidden`: issuerAt is the issuerSetRoot; else issuerAt, +1, +2 are
     * issuerAx, issuerAy, revocationRoot. `schemaAt` = NO_INDEX: the circuit fixes `fixedSchemaId`.
     */
    struct Layout {
        uint8 nSignals;
        bool hidden;
        uint8 nullifierAt;
        uint8 issuerAt;
        uint8 asOfAt;
        uint8 challengeAt;
        uint8 scopeAt;
        uint8 schemaAt;
        uint256 fixedSchemaId;
        bytes paramsAt;
    }

    struct Circuit {
        address verifier;
        address vkData;
        bytes4 selector;
        Layout layout;
    }

    struct Checkpoint {
        uint64 fromSeq;
        uint64 toSeq;
        bytes32 root;
        uint64 anchoredAt;
    }

    uint8 internal constant NO_INDEX = type(uint8).max;

    // ------------------------------------------------------------------ state

    mapping(address => Issuer) private _issuers;
    address[] private _issuerList;
    mapping(bytes32 => IssuerKey) private _keys;
    mapping(address => RootEntry[]) private _rootHistory;
    /// Last time each root of an issuer stopped being current (0: never replaced).
    mapping(address => mapping(uint256 => uint64)) private _rootReplacedAt;

    /// Trusted-set roots per schema id (a set's leaves bind their schema: core/issuer-set.ts).
    mapping(uint256 => RootEntry[]) private _setRootHistory;
    mapping(uint256 => mapping(uint256 => uint64)) private _setRootReplacedAt;
    /**
     * What a set proof is checked against besides its root's history (_setRootAcceptable): the
     * key epoch, bumped by every key status change, and the revocation count, with the block time
     * of each revocation root published (by any issuer). A set root's stamp is (epoch << 128 |
     * count + 1) at its latest publication. _changedAt: the block number of the latest key status
     * change or revocation root, which a set must have been built at or after (publishIssuerSetRoot).
     */
    uint256 private _keyEpoch;
    uint256 private _revocations;
    uint256 private _changedAt;
    mapping(uint256 => uint256) private _revocationAt;
    mapping(uint256 => mapping(uint256 => uint256)) private _setRootStamp;

    mapping(bytes32 => Verifier) private _verifiers;
    bytes32[] private _verifierList;
    mapping(address => bytes32) private _verifierOfAccount;
    mapping(bytes32 => bytes32) private _verifierOfLog;

    mapping(bytes32 => Circuit) private _circuits;

    /**
     * The challenges of every accepted presentation, per verifier, as bitmaps: challenge c of
     * verifier k is bit (c & 255) of the word at keccak256(abi.encode(k, c >> 8)). Exact (each
     * (k, c) has its own bit, whatever the challenges), and cheap when a verifier's challenges share
     * their high 246 bits in runs of up to 256 (docs/ledger.md "Replay"): a batch then sets all of its
     * bits in one word, one fresh SSTORE (~22,100 gas) for the batch instead of one per presentation.
     */
    mapping(bytes32 => uint256) private _answered;

    mapping(bytes32 => Checkpoint[]) private _checkpoints;

    /// How long (seconds) a replaced revocation or set root is still accepted.
    uint64 public maxRootAge;

    // ------------------------------------------------------------------ events

    event IssuerAdded(address indexed issuer, string name, string[] schemas, uint256[] schemaIds);
    event IssuerKeyAdded(address indexed issuer, bytes32 indexed keyId, uint256 ax, uint256 ay, uint32 validFrom, uint32 validUntil);
    event IssuerKeyStatusChanged(bytes32 indexed keyId, KeyStatus status);
    event RevocationRootPublished(address indexed issuer, uint256 root, uint256 index);
    event IssuerSetRootPublished(uint256 indexed schemaId, uint256 root, uint256 index);
    event VerifierRegistered(bytes32 indexed publicKey, address indexed account, string name, string[] purposes, string[] origins, uint256[] scopes, bytes32 logId);
    event VerifierStatusChanged(bytes32 indexed publicKey, VerifierStatus status);
    event CircuitSet(bytes32 indexed circuitId, address verifier, address vkData, Layout layout);
    event MaxRootAgeChanged(uint64 maxRootAge);
    event PresentationChecked(bytes32 indexed verifier, bytes32 indexed circuitId, bytes32 indexed statementId, uint256 nullifier, uint256 challenge, Result result);
    event AuditCheckpointAnchored(bytes32 indexed logId, uint64 index, uint64 fromSeq, uint64 toSeq, bytes32 root);

    // ------------------------------------------------------------------ errors

    error ZeroAccount();
    error IssuerExists(address issuer);
    error UnknownIssuer(address issuer);
    error InvalidIssuerKey(uint256 ax, uint256 ay);
    error KeyExists(bytes32 keyId);
    error UnknownKey(bytes32 keyId);
    error InvalidValidity();
    error InvalidKeyStatus();
    error KeyIsCompromised(bytes32 keyId);
    error NotKeyOwner(address caller, bytes32 keyId);
    error NotAnIssuer(address caller);
    error RootOutOfField(uint256 root);
    error RootUnchanged(uint256 root);
    error SchemaListMismatch();
    error VerifierExists(bytes32 publicKey);
    error AccountInUse(address account);
    error UnknownVerifier(bytes32 publicKey);
    error InvalidVerifierStatus();
    error InvalidPurposeCount();
    error InvalidPurpose(uint256 index);
    error NotARegisteredVerifier(address caller);
    error VerifierSuspended(bytes32 publicKey);
    error UnknownCircuit(bytes32 circuitId);
    error InvalidLayout(bytes32 circuitId);
    error InvalidVerificationKey(bytes32 circuitId);
    error ParamCountMismatch(uint256 expected, uint256 got);
    error SignalCountMismatch(uint256 expected, uint256 got);
    error EmptyBatch();
    error BatchItemRefused(uint256 index, Result result);
    error BatchProofInvalid();
    error PairingInputInvalid();
    error UnknownLog(bytes32 logId);
    error NotLogOwner(address caller, bytes32 logId);
    error CheckpointOutOfOrder(uint64 expectedIndex, uint64 expectedFromSeq);
    error InvalidCheckpointRange(uint64 fromSeq, uint64 toSeq);

    /// The key and purpose checks run when the registry is written (MedzkRegistryChecks.sol: a separate contract for EIP-170's size limit).
    MedzkRegistryChecks private immutable _checks;

    constructor(address admin, uint64 maxRootAge_, MedzkRegistryChecks checks) {
        if (admin == address(0) || address(checks).code.length == 0) revert ZeroAccount();
        _checks = checks;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        maxRootAge = maxRootAge_;
        emit MaxRootAgeChanged(maxRootAge_);
    }

    // ------------------------------------------------------------------ issuers

    /**
     * Admits an issuer, identified by the account it publishes revocation roots from. `schemas` are
     * the schema ids it may issue (empty: any) and `schemaIds` their field ids (core/schemas.ts
     * schemaIdField), which presentations are checked against.
     */
    function addIssuer(address account, string calldata name, string[] calldata schemas, uint256[] calldata schemaIds)
        external
        onlyRole(ISSUER_ADMIN_ROLE)
    {
        if (account == address(0)) revert ZeroAccount();
        if (_issuers[account].exists) revert IssuerExists(account);
        if (schemas.length != schemaIds.length) revert SchemaListMismatch();
        Issuer storage record = _issuers[account];
        record.exists = true;
        record.name = name;
        for (uint256 i = 0; i < schemas.length; i++) {
            record.schemas.push(schemas[i]);
            record.schemaIds.push(schemaIds[i]);
        }
        _issuerList.push(account);
        emit IssuerAdded(account, name, schemas, schemaIds);
    }

    /**
     * Adds a BabyJubJub signing key (affine Ax, Ay: the circuits' issuerAx/issuerAy) to an issuer,
     * accepted from `validFrom` to `validUntil` (YYYYMMDD, inclusive; 0 and OPEN_VALID_UNTIL: open).
     * The key must be a point of the prime-order subgroup other than the identity, as
     * core/public-key.ts requires off chain: a point outside it (a subgroup key plus a small-order
     * point) is on the curve but is no EdDSA-Poseidon key, and once registered it would fail every
     * credential of its schema later instead of being refused here (BabyJubJub.inSubgroup, once).
     */
    function addIssuerKey(address account, uint256 ax, uint256 ay, uint32 validFrom, uint32 validUntil)
        external
        onlyRole(ISSUER_ADMIN_ROLE)
        returns (bytes32 keyId)
    {
        if (!_issuers[account].exists) revert UnknownIssuer(account);
        if (!_checks.issuerKeyValid(ax, ay)) revert InvalidIssuerKey(ax, ay);
        if ((validFrom != 0 && !Bn254.validDay(validFrom)) || !Bn254.validDay(validUntil) || validFrom > validUntil) {
            revert InvalidValidity();
        }
        keyId = keyIdOf(ax, ay);
        if (_keys[keyId].status != KeyStatus.None) revert KeyExists(keyId);
        _keys[keyId] = IssuerKey(ax, ay, account, validFrom, validUntil, KeyStatus.Active);
        _issuers[account].keyIds.push(keyId);
        emit IssuerKeyAdded(account, keyId, ax, ay, validFrom, validUntil);
    }

    /**
     * Retires, reactivates or compromises a key. Compromised is final. The issuer itself may
     * declare its own key compromised (it is the first to know); everything else needs ISSUER_ADMIN_ROLE.
     */
    function setKeyStatus(bytes32 keyId, KeyStatus status) external {
        IssuerKey storage key = _keys[keyId];
        if (key.status == KeyStatus.None) revert UnknownKey(keyId);
        if (!hasRole(ISSUER_ADMIN_ROLE, msg.sender) && !(msg.sender == key.issuer && status == KeyStatus.Compromised)) {
            revert NotKeyOwner(msg.sender, keyId);
        }
        if (status == KeyStatus.None) revert InvalidKeyStatus();
        if (key.status == KeyStatus.Compromised) revert KeyIsCompromised(keyId);
        key.status = status;
        // Key mode refuses a retired or compromised key from this block on; a set proof cannot say
        // which key signed, so every set published before is refused from now on too, until the
        // admin publishes (or confirms) a set built after it.
        _keyEpoch++;
        _changedAt = block.number;
        emit IssuerKeyStatusChanged(keyId, status);
    }

    /** Publishes the caller's new revocation root (only from the issuer's own account). */
    function publishRevocationRoot(uint256 root) external {
        if (!_issuers[msg.sender].exists) revert NotAnIssuer(msg.sender);
        _publish(_rootHistory[msg.sender], _rootReplacedAt[msg.sender], root);
        // Every set published before binds the previous root in a leaf: it ages from now, as the
        // previous root does in key mode (the contract cannot rebuild a set: the admin republishes).
        _revocationAt[++_revocations] = block.timestamp;
        _changedAt = block.number;
        emit RevocationRootPublished(msg.sender, root, _rootHistory[msg.sender].length - 1);
    }

    /// A key status change or a revocation root landed after the block the set was built at.
    error IssuerSetOutdated();

    /**
     * Publishes a new trusted-issuer-set root (core/issuer-set.ts) for one schema (its field id),
     * for the hidden-issuer circuits: each schema's set has its own history, as verifiers build one
     * set per schema. Publishing the current root again confirms it: it is current again as of now
     * (after a key status change or a revocation root that did not change the schema's set).
     * `builtAt` is the block number whose registry state the set was built from: a key status
     * change or a revocation root in a later block reverts IssuerSetOutdated, so a set built before
     * either is never stamped as built after it (the builder rebuilds from the registry as it is).
     * NOTE: the contract never sees the leaves: it trusts the admin that the root is the set built
     * from the registry at block `builtAt` (src/chain/admin.ts publishIssuerSet checks the members'
     * key statuses and revocation roots at that block before sending).
     */
    function publishIssuerSetRoot(uint256 schemaId, uint256 root, uint256 builtAt) external onlyRole(ISSUER_ADMIN_ROLE) {
        if (builtAt < _changedAt) revert IssuerSetOutdated();
        mapping(uint256 => uint64) storage replacedAt = _setRootReplacedAt[schemaId];
        // Published before and never replaced since (0): the current root, confirmed.
        if (_setRootStamp[schemaId][root] == 0 || replacedAt[root] != 0) _publish(_setRootHistory[schemaId], replacedAt, root);
        // Current (again): ages from its next replacement or revocation. The stamp is never 0.
        replacedAt[root] = 0;
        _setRootStamp[schemaId][root] = _keyEpoch << 128 | (_revocations + 1);
        emit IssuerSetRootPublished(schemaId, root, _setRootHistory[schemaId].length - 1);
    }

    function _publish(RootEntry[] storage history, mapping(uint256 => uint64) storage replacedAt, uint256 root) private {
        if (root >= Bn254.R) revert RootOutOfField(root);
        uint256 n = history.length;
        if (n > 0) {
            uint256 old = history[n - 1].root;
            if (old == root) revert RootUnchanged(root);
            replacedAt[old] = uint64(block.timestamp);
        }
        history.push(RootEntry(root, uint64(block.timestamp)));
    }

    // ------------------------------------------------------------------ verifiers

    /**
     * Admits a verifier: its Ed25519 request-signing key, the account it calls from, the purposes it
     * asks under ("" for requests without one) and the origins its answers may go to (empty: any).
     * Each purpose's nullifier scope is derived on chain exactly as core/request.ts does
     * (MedzkRegistryChecks.purposeScope: SHA-256, first 31 bytes), and
     * the audit log id as src/audit does (SHA-256("medzk-audit/v1" || key)).
     */
    function registerVerifier(
        bytes32 publicKey,
        address account,
        string calldata name,
        string[] calldata purposes,
        string[] calldata origins
    ) external onlyRole(VERIFIER_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAccount();
        if (_verifiers[publicKey].status != VerifierStatus.None) revert VerifierExists(publicKey);
        if (_verifierOfAccount[account] != bytes32(0)) revert AccountInUse(account);
        if (purposes.length == 0 || purposes.length > MAX_PURPOSES) revert InvalidPurposeCount();
        Verifier storage v = _verifiers[publicKey];
        v.status = VerifierStatus.Active;
        v.account = account;
        v.name = name;
        for (uint256 i = 0; i < purposes.length; i++) {
            (bool valid, uint256 scope) = _checks.purposeScope(publicKey, purposes[i]);
            if (!valid) revert InvalidPurpose(i);
            for (uint256 j = 0; j < i; j++) {
                if (keccak256(bytes(purposes[j])) == keccak256(bytes(purposes[i]))) revert InvalidPurpose(i);
            }
            v.purposes.push(purposes[i]);
            v.scopes.push(scope);
        }
        for (uint256 i = 0; i < origins.length; i++) v.origins.push(origins[i]);
        bytes32 logId = sha256(abi.encodePacked("medzk-audit/v1", publicKey));
        v.logId = logId;
        _verifierOfAccount[account] = publicKey;
        _verifierOfLog[logId] = publicKey;
        _verifierList.push(publicKey);
        emit VerifierRegistered(publicKey, account, name, purposes, origins, v.scopes, logId);
    }

    function setVerifierStatus(bytes32 publicKey, VerifierStatus status) external onlyRole(VERIFIER_ADMIN_ROLE) {
        Verifier storage v = _verifiers[publicKey];
        if (v.status == VerifierStatus.None) revert UnknownVerifier(publicKey);
        if (status == VerifierStatus.None) revert InvalidVerifierStatus();
        v.status = status;
        emit VerifierStatusChanged(publicKey, status);
    }

    /// A verifier's acting account changed (previous: the account it replaced).
    event VerifierAccountRotated(bytes32 indexed publicKey, address indexed previous, address indexed account);

    /// Only the verifier's current account (while active) or VERIFIER_ADMIN_ROLE may rotate it.
    error NotVerifierAccount(address caller, bytes32 publicKey);

    /**
     * Moves a verifier to a new account: from then on only `account` verifies and anchors its audit
     * checkpoints for it; the old account is released. Its request key, scopes, log id and status
     * stay. Authorised by the current account while the verifier is active (routine rotation) or by
     * VERIFIER_ADMIN_ROLE (recovery of a lost or stolen account, for which the admin first suspends
     * the verifier: a suspended verifier's own account can no longer rotate it away).
     */
    function rotateVerifierAccount(bytes32 publicKey, address account) external {
        Verifier storage v = _verifiers[publicKey];
        if (v.status == VerifierStatus.None) revert UnknownVerifier(publicKey);
        address previous = v.account;
        if (!hasRole(VERIFIER_ADMIN_ROLE, msg.sender) && !(msg.sender == previous && v.status == VerifierStatus.Active)) {
            revert NotVerifierAccount(msg.sender, publicKey);
        }
        if (account == address(0)) revert ZeroAccount();
        if (_verifierOfAccount[account] != bytes32(0)) revert AccountInUse(account);
        delete _verifierOfAccount[previous];
        _verifierOfAccount[account] = publicKey;
        v.account = account;
        emit VerifierAccountRotated(publicKey, previous, account);
    }

    // ------------------------------------------------------------------ circuits

    /**
     * Sets a circuit: its snarkjs-generated Groth16 verifier contract, its verification key for the
     * batch path (`vk`: alpha, beta, gamma, delta, IC as 32-byte words, G2 in EIP-197 order, kept as
     * contract code so a batch reads it for ~3 gas a word) and where its signals sit.
     * NOTE: `vk` must be the key the verifier contract embeds; src/chain/deploy.ts takes both from
     * the same artifacts/<circuit>.vkey.json, and the tests check both paths accept the same proofs.
     */
    function setCircuit(bytes32 circuitId, address groth16Verifier, bytes calldata vk, Layout calldata layout)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        uint256 n = layout.nSignals;
        if (
            n == 0 || groth16Verifier.code.length == 0 || layout.nullifierAt >= n || layout.asOfAt >= n || layout.challengeAt >= n
                || layout.scopeAt >= n || layout.issuerAt + (layout.hidden ? 0 : 2) >= n
                || (layout.schemaAt != NO_INDEX && layout.schemaAt >= n)
        ) revert InvalidLayout(circuitId);
        for (uint256 i = 0; i < layout.paramsAt.length; i++) {
            if (uint8(layout.paramsAt[i]) >= n) revert InvalidLayout(circuitId);
        }
        if (vk.length != (14 + 2 * (n + 1)) * 32) revert InvalidVerificationKey(circuitId);
        Circuit storage c = _circuits[circuitId];
        c.verifier = groth16Verifier;
        c.vkData = _storeData(vk);
        c.selector = bytes4(
            keccak256(abi.encodePacked("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(n), "])"))
        );
        c.layout = layout;
        emit CircuitSet(circuitId, groth16Verifier, c.vkData, layout);
    }

    /// `n` (below 256: a uint8 count) in decimal, without leading zeros.
    function _decimal(uint256 n) private pure returns (bytes memory out) {
        do {
            out = abi.encodePacked(bytes1(uint8(48 + n % 10)), out);
            n /= 10;
        } while (n > 0);
    }

    function setMaxRootAge(uint64 seconds_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        maxRootAge = seconds_;
        emit MaxRootAgeChanged(seconds_);
    }

    // ------------------------------------------------------------------ verification

    /**
     * Verifies one presentation for the calling verifier against the registry: the proof (by the
     * circuit's generated verifier), the issuer key or set root, the revocation or set root's
     * freshness, the statement parameters `params` (in the layout's `paramsAt` order), the scope
     * (one of the caller's registered purposes), the as-of day (the block's UTC day ± 1) and the
     * challenge (accepted once per verifier). `proof` is snarkjs's calldata order: A.x, A.y,
     * B.x (im, re), B.y (im, re), C.x, C.y. Emits PresentationChecked with the result, accepted or
     * not; only an accepted presentation spends its challenge. Reverts only for caller errors.
     *
     * NOTE: every public signal is compared with a value from the contract's own state or from
     * the caller's `params`, or is an output (nullifier, disclosed values) reported, not judged:
     * issuer key and revocation root (or set root) with the registry, asOfDate with the block's
     * day, scope with the caller's registered purposes, challenge with the caller's replay bitmap,
     * and the statement's parameters with `params`. For the query circuits those are schemaId and
     * queryHash, a Poseidon hash of the private predicate descriptor (circuits/lib/query.circom)
     * that the contract does not recompute (Poseidon over 82 values on chain would cost more than
     * the proof): the caller, the registered verifier whose account alone can call for its key,
     * computes it from the statement of the request it signed (src/chain/codec.ts statementParams,
     * never from the presentation), as it computes minAge for ageAtLeast. The circuit proves the
     * predicates it checked hash to that value; a holder answering another query would need a
     * Poseidon collision (the packed words are range-checked in the circuit, so packing adds
     * none). The event names the statement by keccak256(circuitId, params): whoever reads it
     * recomputes queryHash from the statement, as the caller did.
     */
    function verifyPresentation(
        bytes32 circuitId,
        uint256[] calldata params,
        uint256[8] calldata proof,
        uint256[] calldata signals
    ) external returns (Result result) {
        bytes32 verifierKey = _caller();
        Circuit storage c = _circuit(circuitId, params.length);
        Layout memory layout = c.layout;
        if (signals.length != layout.nSignals) revert SignalCountMismatch(layout.nSignals, signals.length);
        result = _check(layout, verifierKey, params, signals);
        uint256 challenge = signals[layout.challengeAt];
        if (result == Result.Accepted && _spent(verifierKey, challenge)) result = Result.Replayed;
        if (result == Result.Accepted) result = _proofResult(c, circuitId, proof, signals);
        if (result == Result.Accepted) _spend(verifierKey, challenge);
        emit PresentationChecked(
            verifierKey, circuitId, statementIdOf(circuitId, params), signals[layout.nullifierAt], signals[layout.challengeAt], result
        );
    }

    /**
     * Verifies n presentations of one circuit and one statement with one pairing check: each item's
     * registry checks as in verifyPresentation (an item refused there reverts the whole batch with
     * BatchItemRefused(index, result), so the caller can drop it and retry), then the random linear
     * combination of the n Groth16 equations with weights r_0 = 1 and r_i from keccak256 of the
     * whole calldata (Bn254.batchVerify says why a fixed first weight is sound):
     *   Π e(−r_i·A_i, B_i) · e((Σ r_i)·α, β) · e(Σ_j (Σ_i r_i·s_ij)·IC_j + (Σ r_i)·IC_0, γ) · e(Σ r_i·C_i, δ) = 1.
     * A false item makes this fail except with probability ≤ 1/r (Schwartz–Zippel over the weights,
     * which the prover cannot choose: they hash everything it sends), and the batch then reverts
     * with BatchProofInvalid. `proofs` holds 8 words per item (as in verifyPresentation), `signals`
     * nSignals per item.
     */
    function verifyPresentations(
        bytes32 circuitId,
        uint256[] calldata params,
        uint256[8][] calldata proofs,
        uint256[] calldata signals
    ) external {
        bytes32 verifierKey = _caller();
        Circuit storage c = _circuit(circuitId, params.length);
        Layout memory layout = c.layout;
        _checkItems(layout, verifierKey, params, proofs, signals);
        // As for one proof: a precompile call that runs out of gas fails like a false proof would.
        _requireGas(BATCH_GAS_BASE + PROOF_GAS_PER_SIGNAL * layout.nSignals + BATCH_GAS_PER_ITEM * proofs.length);
        uint8 outcome = Bn254.batchVerify(c.vkData, layout.nSignals, proofs, signals, keccak256(msg.data));
        if (outcome == Bn254.BATCH_BAD_INPUT) revert PairingInputInvalid();
        if (outcome != Bn254.BATCH_VALID) revert BatchProofInvalid();
        _emitAccepted(layout, verifierKey, statementIdOf(circuitId, params), circuitId, proofs.length, signals);
    }

    /**
     * The registry checks of every batch item, spending each challenge as it passes (a second item
     * with the same challenge is then Replayed; if the pairing check fails, the revert undoes it).
     * Reverts BatchItemRefused at the first refused item. The items of a batch share circuit,
     * statement and caller, and mostly issuer, root, scope and day: an item whose judged signals
     * equal the item's before it (_sameJudged) repeats only the checks that read its other signals.
     */
    function _checkItems(
        Layout memory layout,
        bytes32 verifierKey,
        uint256[] calldata params,
        uint256[8][] calldata proofs,
        uint256[] calldata signals
    ) private {
        uint256 n = proofs.length;
        if (n == 0) revert EmptyBatch();
        uint256 m = layout.nSignals;
        if (signals.length != n * m) revert SignalCountMismatch(n * m, signals.length);
        uint256 judged = _judgedSignals(layout);
        uint256 p;
        uint256 s;
        assembly ("memory-safe") {
            p := proofs.offset
            s := signals.offset
        }
        // Item i's proof at p + 256·i, its signals at s + 32·m·i: within the calldata, as the ABI
        // decoder checked both arrays and signals.length == n·m was checked above.
        for (uint256 i = 0; i < n; i++) {
            Result r = _checkItem(layout, verifierKey, params, p + 256 * i, s + 32 * m * i, i == 0 ? 0 : judged);
            if (r != Result.Accepted) revert BatchItemRefused(i, r);
        }
    }

    /**
     * One batch item's checks, its proof's 8 words at calldata offset `p` and its nSignals signals at
     * `s`, the previous item's right before them: _check's, or only _checkSignals' when the signals
     * in `judged` equal the previous item's (_sameJudged; `judged` 0 for the first item: the full
     * check), then the points (ProofMalformed), then the challenge, spent as it passes (Replayed):
     * the batch's later items in the same bitmap word pay a warm read and a write to a dirty slot
     * (~200 gas), the word's first one the fresh SSTORE.
     */
    function _checkItem(Layout memory layout, bytes32 verifierKey, uint256[] calldata params, uint256 p, uint256 s, uint256 judged)
        private
        returns (Result r)
    {
        uint256[] calldata signals = _calldataWords(s, layout.nSignals);
        r = judged != 0 && _sameJudged(s, layout.nSignals, judged)
            ? _checkSignals(layout, params, signals)
            : _check(layout, verifierKey, params, signals);
        if (r == Result.Accepted && !Bn254.proofPointsValidAt(p)) r = Result.ProofMalformed;
        if (r == Result.Accepted && !_spend(verifierKey, signals[layout.challengeAt])) r = Result.Replayed;
    }

    /// The `n` words at calldata offset `at` as an array. NOTE: the caller guarantees they lie within the calldata.
    function _calldataWords(uint256 at, uint256 n) private pure returns (uint256[] calldata words) {
        assembly ("memory-safe") {
            words.offset := at
            words.length := n
        }
    }

    /**
     * The signals _check compares with the registry's state, the block's day or the caller's scopes
     * (scope, as-of day, issuer key and revocation root or set root, schema when a signal), as a
     * list of 16-bit entries from the low end, each its index + 1 (an index is below 256: nSignals
     * is a uint8), ended by a 0 entry: at most 6 entries, 96 bits.
     */
    function _judgedSignals(Layout memory layout) private pure returns (uint256 list) {
        list = (uint256(layout.scopeAt) + 1) | (uint256(layout.asOfAt) + 1) << 16 | (uint256(layout.issuerAt) + 1) << 32;
        if (!layout.hidden) list |= (uint256(layout.issuerAt) + 2) << 48 | (uint256(layout.issuerAt) + 3) << 64;
        if (layout.schemaAt != NO_INDEX) list |= (uint256(layout.schemaAt) + 1) << (layout.hidden ? 48 : 80);
    }

    /**
     * Whether the signals in `judged` (_judgedSignals) of the item whose m signals are at calldata
     * offset `s` equal those of the batch item right before it (at s − 32·m).
     * NOTE: then _check gives the item the result it gave the previous one (Accepted, or the batch
     * had reverted) in all but its checks of the other signals, _checkSignals: the state it reads
     * does not change during _checkItems (which writes only _answered, which _check does not read,
     * and calls no other contract), nor does block.timestamp, and the circuit, `params` and caller
     * are the batch's. _checkSignals' checks come in _check's order, so a refused item's result is
     * the same. NOTE: the caller guarantees both items lie within the calldata and every index in
     * `judged` is below m (setCircuit checked the layout's indices against nSignals).
     */
    function _sameJudged(uint256 s, uint256 m, uint256 judged) private pure returns (bool same) {
        assembly ("memory-safe") {
            let prev := sub(s, shl(5, m))
            same := 1
            for {} judged { judged := shr(16, judged) } {
                let k := shl(5, sub(and(judged, 0xffff), 1))
                if iszero(eq(calldataload(add(s, k)), calldataload(add(prev, k)))) {
                    same := 0
                    break
                }
            }
        }
    }

    /// Whether challenge `challenge` of verifier `verifierKey` was already spent.
    function _spent(bytes32 verifierKey, uint256 challenge) private view returns (bool spent) {
        (uint256 slot, uint256 bit) = _replaySlot(verifierKey, challenge);
        assembly ("memory-safe") {
            spent := iszero(iszero(and(sload(slot), bit)))
        }
    }

    /// Spends the challenge: false (and nothing written) if it was spent already.
    function _spend(bytes32 verifierKey, uint256 challenge) private returns (bool fresh) {
        (uint256 slot, uint256 bit) = _replaySlot(verifierKey, challenge);
        assembly ("memory-safe") {
            let word := sload(slot)
            fresh := iszero(and(word, bit))
            if fresh { sstore(slot, or(word, bit)) }
        }
    }

    /**
     * Where challenge `challenge` of verifier `verifierKey` is recorded: the storage slot of
     * _answered[wordKey], wordKey = keccak256(abi.encode(verifierKey, challenge >> 8)), and its bit
     * challenge & 255. The slot is Solidity's for a mapping with a value-type key,
     * keccak256(abi.encode(key, _answered.slot)), so `_answered` keeps its layout; only the
     * scratch space (0x00-0x3f) is written.
     */
    function _replaySlot(bytes32 verifierKey, uint256 challenge) private pure returns (uint256 slot, uint256 bit) {
        assembly ("memory-safe") {
            mstore(0x00, verifierKey)
            mstore(0x20, shr(8, challenge))
            mstore(0x00, keccak256(0x00, 0x40))
            mstore(0x20, _answered.slot)
            slot := keccak256(0x00, 0x40)
            bit := shl(and(challenge, 0xff), 1)
        }
    }

    function _emitAccepted(
        Layout memory layout,
        bytes32 verifierKey,
        bytes32 statementId,
        bytes32 circuitId,
        uint256 n,
        uint256[] calldata signals
    ) private {
        uint256 stride = uint256(layout.nSignals) * 32;
        uint256 nullifierAt = uint256(layout.nullifierAt) * 32;
        uint256 challengeAt = uint256(layout.challengeAt) * 32;
        bytes32 topic = PresentationChecked.selector;
        // PresentationChecked(verifierKey, circuitId, statementId, nullifier, challenge, Accepted)
        // per item, as `emit` would log it (topics: the event's selector and the three indexed
        // values; data: the ABI words of nullifier, challenge and the result), without Solidity's
        // per-item bounds checks and encoder: _checkItems checked signals.length == n · nSignals,
        // and setCircuit that nullifierAt and challengeAt are below nSignals.
        assembly ("memory-safe") {
            let data := mload(0x40) // temporary memory past the free memory pointer
            mstore(add(data, 64), 0) // Result.Accepted
            let end := add(signals.offset, mul(n, stride))
            for { let s := signals.offset } lt(s, end) { s := add(s, stride) } {
                mstore(data, calldataload(add(s, nullifierAt)))
                mstore(add(data, 32), calldataload(add(s, challengeAt)))
                log4(data, 96, topic, verifierKey, circuitId, statementId)
            }
        }
    }

    function _caller() private view returns (bytes32 verifierKey) {
        verifierKey = _verifierOfAccount[msg.sender];
        if (verifierKey == bytes32(0)) revert NotARegisteredVerifier(msg.sender);
        if (_verifiers[verifierKey].status != VerifierStatus.Active) revert VerifierSuspended(verifierKey);
    }

    /**
     * Gas the snarkjs verifier needs to finish on any well-formed input of `n` public signals: the
     * pairing of 4 pairs (EIP-1108: 45,000 + 4 × 34,000), one ecMul and one ecAdd per signal
     * (6,000 + 150) and its own work. Its cost does not depend on the values (valid points, fixed
     * code path): measured about 182,300 + 6,650·n (222,157 gas for 6 signals; 793,799 for 92, the query
     * circuit before its descriptor was hashed into one signal, now 11) in
     * test/integration/chain/verify.test.ts, which checks this bound covers every shipped verifier.
     */
    uint256 private constant PROOF_GAS_BASE = 250_000;
    uint256 private constant PROOF_GAS_PER_SIGNAL = 7_500;
    /**
     * What the batch check needs after the registry checks: 3 fixed pairings and the base pairing
     * cost, one ecMul per signal, and per item one pairing, two ecMuls and an ecAdd (46,150) and
     * its bookkeeping (under 1,000 in Bn254.batchVerify's assembly; about 18,000 when it was
     * Solidity, which these bounds were set for: kept, as the margin costs nothing but a revert
     * InsufficientGasForProof a little earlier for a caller that sends far too little gas).
     */
    uint256 private constant BATCH_GAS_BASE = 150_000;
    uint256 private constant BATCH_GAS_PER_ITEM = 75_000;

    /// Too little gas was left to give the proof's verifier what it needs to finish: nothing was judged.
    error InsufficientGasForProof(uint256 needed, uint256 left);
    /// The proof's verifier call did not complete (it never reverts on any input when it has its gas).
    error ProofCheckFailed(bytes32 circuitId);

    /**
     * The proof through the circuit's snarkjs verifier. It returns false, never reverts, on bad
     * points, and also when one of its precompile calls runs out of gas: so a proof is judged only
     * by a call that had all the gas it needs. The call gets exactly that (EIP-150: at most 63/64
     * of what is left is forwarded, hence the check before it); a call that still fails reverts
     * the transaction, never reads as a false proof.
     */
    function _proofResult(Circuit storage c, bytes32 circuitId, uint256[8] calldata proof, uint256[] calldata signals)
        private
        view
        returns (Result)
    {
        if (!Bn254.proofPointsValid(proof)) return Result.ProofMalformed;
        bytes memory input = abi.encodePacked(c.selector, proof, signals);
        address target = c.verifier;
        uint256 need = PROOF_GAS_BASE + PROOF_GAS_PER_SIGNAL * signals.length;
        _requireGas(need);
        (bool ok, bytes memory out) = target.staticcall{gas: need}(input);
        if (!ok || out.length != 32) revert ProofCheckFailed(circuitId);
        return abi.decode(out, (uint256)) == 1 ? Result.Accepted : Result.ProofInvalid;
    }

    /**
     * Reverts InsufficientGasForProof unless `need` gas can still be given to a call: EIP-150
     * forwards at most 63/64 of what is left, and the call itself costs up to ~10,000 (cold account
     * access 2,600, memory).
     */
    function _requireGas(uint256 need) private view {
        uint256 want = need + need / 63 + 10_000;
        if (gasleft() < want) revert InsufficientGasForProof(want, gasleft());
    }

    function _circuit(bytes32 circuitId, uint256 nParams) private view returns (Circuit storage c) {
        c = _circuits[circuitId];
        if (c.verifier == address(0)) revert UnknownCircuit(circuitId);
        if (nParams != c.layout.paramsAt.length) revert ParamCountMismatch(c.layout.paramsAt.length, nParams);
    }

    /** Every check of one presentation except replay (its callers', with _replaySlot) and the proof itself, in a fixed order. */
    function _check(Layout memory layout, bytes32 verifierKey, uint256[] calldata params, uint256[] calldata s)
        private
        view
        returns (Result)
    {
        Result r = _checkRequest(layout, verifierKey, params, s);
        if (r != Result.Accepted) return r;
        return layout.hidden ? _checkSet(layout, s) : _checkIssuer(layout, s);
    }

    /** Field range, scope, statement parameters, as-of day. */
    function _checkRequest(Layout memory layout, bytes32 verifierKey, uint256[] calldata params, uint256[] calldata s)
        private
        view
        returns (Result)
    {
        if (!_inField(s)) return Result.SignalOutOfField;
        uint256[] storage scopes = _verifiers[verifierKey].scopes;
        uint256 scope = s[layout.scopeAt];
        uint256 found = scopes.length;
        for (uint256 i = 0; i < scopes.length; i++) {
            if (scopes[i] == scope) {
                found = i;
                break;
            }
        }
        if (found == scopes.length) return Result.ScopeMismatch;
        if (!_paramsMatch(layout, params, s)) return Result.StatementMismatch;
        if (!Bn254.dayNearNow(s[layout.asOfAt])) return Result.AsOfNotCurrent;
        return Result.Accepted;
    }

    /** _check's checks that read no state: field range, statement parameters (for _sameJudged items). */
    function _checkSignals(Layout memory layout, uint256[] calldata params, uint256[] calldata s) private pure returns (Result) {
        if (!_inField(s)) return Result.SignalOutOfField;
        if (!_paramsMatch(layout, params, s)) return Result.StatementMismatch;
        return Result.Accepted;
    }

    /// Every signal below R: an out-of-field signal would alias s - R in the proof but not in the replay key.
    function _inField(uint256[] calldata s) private pure returns (bool ok) {
        uint256 r = Bn254.R;
        // A plain loop over calldata, without Solidity's per-read bounds check: s lies within the
        // calldata (the ABI decoder checked the array, and slices of it are checked when taken).
        assembly ("memory-safe") {
            ok := 1
            let end := add(s.offset, shl(5, s.length))
            for { let p := s.offset } lt(p, end) { p := add(p, 32) } {
                if iszero(lt(calldataload(p), r)) {
                    ok := 0
                    break
                }
            }
        }
    }

    /**
     * Each statement parameter equals its signal: params[k] == s[paramsAt[k]].
     * NOTE: the callers guarantee params.length == paramsAt.length (_circuit), s.length ==
     * nSignals and every paramsAt[k] < nSignals (setCircuit); both arrays lie within the calldata.
     * In assembly for gas: reads calldata and `paramsAt`'s bytes only.
     */
    function _paramsMatch(Layout memory layout, uint256[] calldata params, uint256[] calldata s) private pure returns (bool ok) {
        bytes memory at = layout.paramsAt;
        assembly ("memory-safe") {
            ok := 1
            let idx := add(at, 32)
            for { let k := 0 } lt(k, params.length) { k := add(k, 1) } {
                let j := byte(0, mload(add(idx, k)))
                if iszero(eq(calldataload(add(s.offset, shl(5, j))), calldataload(add(params.offset, shl(5, k))))) {
                    ok := 0
                    break
                }
            }
        }
    }

    /** Hidden issuer: the set's leaves bind each key's validity days, revocation root and schema (core/issuer-set.ts). */
    function _checkSet(Layout memory layout, uint256[] calldata s) private view returns (Result) {
        uint256 schemaId = layout.schemaAt == NO_INDEX ? layout.fixedSchemaId : s[layout.schemaAt];
        return _setRootAcceptable(schemaId, s[layout.issuerAt]) ? Result.Accepted : Result.IssuerSetRootNotAccepted;
    }

    /**
     * As key mode would accept every key of the set (docs/ledger.md, "When issuer changes take
     * effect"): published (or confirmed) after the last key status change, and current and not
     * ageing, or ageing for less than maxRootAge (strictly) since it was replaced or since the first
     * revocation root published after it, whichever came first.
     * NOTE: a revocation or status change of any issuer counts for every schema (over-refusal until
     * the admin republishes or confirms each set), which keeps this check in constant gas and code.
     */
    function _setRootAcceptable(uint256 schemaId, uint256 root) private view returns (bool) {
        uint256 stamp = _setRootStamp[schemaId][root];
        if (stamp == 0 || stamp >> 128 != _keyEpoch) return false; // never published, or before a key change
        uint256 at = _setRootReplacedAt[schemaId][root]; // 0 while current
        uint256 seen = stamp & type(uint128).max; // revocations published before it, plus one
        if (seen <= _revocations && (at == 0 || _revocationAt[seen] < at)) at = _revocationAt[seen];
        return at == 0 || block.timestamp < at + maxRootAge;
    }

    /** Issuer key registered, usable on the as-of day, allowed the schema; revocation root fresh. */
    function _checkIssuer(Layout memory layout, uint256[] calldata s) private view returns (Result) {
        IssuerKey storage key = _keys[keyIdOf(s[layout.issuerAt], s[layout.issuerAt + 1])];
        KeyStatus status = key.status;
        if (status == KeyStatus.None) return Result.IssuerUnknown;
        if (status == KeyStatus.Compromised) return Result.IssuerKeyCompromised;
        if (status == KeyStatus.Retired) return Result.IssuerKeyRetired;
        uint256 asOf = s[layout.asOfAt];
        if (asOf < key.validFrom || asOf > key.validUntil) return Result.IssuerKeyNotValid;
        address account = key.issuer;
        uint256[] storage allowed = _issuers[account].schemaIds;
        if (allowed.length > 0) {
            uint256 schemaId = layout.schemaAt == NO_INDEX ? layout.fixedSchemaId : s[layout.schemaAt];
            uint256 i = 0;
            while (i < allowed.length && allowed[i] != schemaId) i++;
            if (i == allowed.length) return Result.SchemaNotAllowed;
        }
        if (!_rootAcceptable(_rootHistory[account], _rootReplacedAt[account], s[layout.issuerAt + 2])) {
            return Result.RevocationRootNotAccepted;
        }
        return Result.Accepted;
    }

    /** Current, or replaced less than maxRootAge seconds ago (strictly, as src/verifier's rootAcceptable). */
    function _rootAcceptable(RootEntry[] storage history, mapping(uint256 => uint64) storage replacedAt, uint256 root)
        private
        view
        returns (bool)
    {
        uint256 n = history.length;
        if (n == 0) return false;
        if (history[n - 1].root == root) return true;
        uint64 at = replacedAt[root];
        return at != 0 && block.timestamp < uint256(at) + maxRootAge;
    }

    // ------------------------------------------------------------------ audit checkpoints

    /**
     * Anchors checkpoint `index` of a verifier's audit log (the Merkle root of entries fromSeq..toSeq,
     * src/audit), from the verifier's current account while it is active (a suspended verifier's
     * account may be the reason it was suspended). Append-only: index is the next one, fromSeq is
     * the previous toSeq + 1 (0 for the first), and toSeq at most MAX_SEQ: src/audit numbers entries
     * with JavaScript safe integers, so no real log reaches past it, and the next fromSeq can never
     * overflow (a checkpoint ending at 2^64 - 1 used to make every later anchor revert: a log closed for good).
     */
    /// The largest entry number of an audit log: Number.MAX_SAFE_INTEGER, 2^53 - 1 (src/audit).
    uint64 private constant MAX_SEQ = 2 ** 53 - 1;

    function anchorAuditCheckpoint(bytes32 logId, uint64 index, uint64 fromSeq, uint64 toSeq, bytes32 root) external {
        bytes32 owner = _verifierOfLog[logId];
        if (owner == bytes32(0)) revert UnknownLog(logId);
        Verifier storage v = _verifiers[owner];
        if (v.account != msg.sender) revert NotLogOwner(msg.sender, logId);
        if (v.status != VerifierStatus.Active) revert VerifierSuspended(owner);
        Checkpoint[] storage list = _checkpoints[logId];
        uint64 expectedFrom = list.length == 0 ? 0 : list[list.length - 1].toSeq + 1;
        if (index != list.length || fromSeq != expectedFrom) revert CheckpointOutOfOrder(uint64(list.length), expectedFrom);
        if (toSeq < fromSeq || toSeq > MAX_SEQ) revert InvalidCheckpointRange(fromSeq, toSeq);
        list.push(Checkpoint(fromSeq, toSeq, root, uint64(block.timestamp)));
        emit AuditCheckpointAnchored(logId, index, fromSeq, toSeq, root);
    }

    function auditCheckpoint(bytes32 logId, uint64 index) external view returns (Checkpoint memory) {
        return _checkpoints[logId][index];
    }

    function auditCheckpointCount(bytes32 logId) external view returns (uint256) {
        return _checkpoints[logId].length;
    }

    // ------------------------------------------------------------------ views

    function keyIdOf(uint256 ax, uint256 ay) internal pure returns (bytes32) {
        return keccak256(abi.encode(ax, ay));
    }

    /// keccak256(abi.encode(circuitId, params)): what PresentationChecked names the statement by.
    function statementIdOf(bytes32 circuitId, uint256[] calldata params) internal pure returns (bytes32) {
        return keccak256(abi.encode(circuitId, params));
    }

    function issuerList() external view returns (address[] memory) {
        return _issuerList;
    }

    function issuer(address account) external view returns (string memory name, string[] memory schemas, uint256[] memory schemaIds, bytes32[] memory keyIds) {
        Issuer storage i = _issuers[account];
        if (!i.exists) revert UnknownIssuer(account);
        return (i.name, i.schemas, i.schemaIds, i.keyIds);
    }

    function issuerKey(bytes32 keyId) external view returns (IssuerKey memory) {
        return _keys[keyId];
    }

    function revocationRootHistory(address account) external view returns (RootEntry[] memory history, uint256[] memory replacedAt) {
        return _historyWithReplacement(_rootHistory[account]);
    }

    function issuerSetRootHistory(uint256 schemaId) external view returns (RootEntry[] memory history, uint256[] memory replacedAt) {
        return _historyWithReplacement(_setRootHistory[schemaId]);
    }

    /** Each entry with the time it stopped being current: the next entry's publishedAt (0 for the current one). */
    function _historyWithReplacement(RootEntry[] storage h) private pure returns (RootEntry[] memory history, uint256[] memory replacedAt) {
        history = h;
        replacedAt = new uint256[](history.length);
        for (uint256 i = 0; i + 1 < history.length; i++) replacedAt[i] = history[i + 1].publishedAt;
    }

    function verifierList() external view returns (bytes32[] memory) {
        return _verifierList;
    }

    function verifier(bytes32 publicKey) external view returns (Verifier memory) {
        return _verifiers[publicKey];
    }

    function verifierOfAccount(address account) external view returns (bytes32) {
        return _verifierOfAccount[account];
    }

    function circuit(bytes32 circuitId) external view returns (Circuit memory) {
        return _circuits[circuitId];
    }

    function answered(bytes32 verifierKey, uint256 challenge) external view returns (bool) {
        return _spent(verifierKey, challenge);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Stores `data` as the code of a new contract (prefixed by a STOP byte so it can never run), to
     * be read back with EXTCODECOPY: the SSTORE2 pattern.
     */
    function _storeData(bytes calldata data) private returns (address pointer) {
        bytes memory code = abi.encodePacked(hex"00", data);
        // Init code: copy the runtime (everything after these 12 bytes) to memory and return it.
        bytes memory init = abi.encodePacked(hex"61", uint16(code.length), hex"80600c6000396000f3", code);
        assembly ("memory-safe") {
            pointer := create(0, add(init, 32), mload(init))
        }
        if (pointer == address(0)) revert InvalidVerificationKey(bytes32(0));
    }
}
