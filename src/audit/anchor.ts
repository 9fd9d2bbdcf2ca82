/**
 * Where an audit log's checkpoints are anchored: the interface shared by the embedded
 * {@link FileCheckpointAnchor} (./file-anchor.ts) and the chain's ChainCheckpointAnchor
 * (src/chain, the registry contract's `anchorAuditCheckpoint`). An anchor is append-only per log:
 * checkpoint `index` n+1 starts at the entry after checkpoint n's `toSeq`, so the anchored
 * checkpoints of a log cover its entries 0..toSeq without gap or overlap.
 *
 * SHA-256 (not Poseidon, not keccak) for entries and the Merkle tree: cheap in the EVM
 * (precompile 0x02) and in @noble/hashes. The tree is RFC 6962's (./merkle.ts).
 */

/** One checkpoint of an audit log: the Merkle root of entries [fromSeq, toSeq] (inclusive). */
export interface AuditCheckpoint {
  /** The log's id: 32 bytes lowercase hex (the audit helper defines it as SHA-256 of "medzk-audit/v1" || verifier Ed25519 public key bytes). */
  logId: string;
  /** 0, 1, 2, ... consecutive per log. */
  index: number;
  fromSeq: number;
  toSeq: number;
  /** The Merkle root (SHA-256, see src/audit for the exact tree), 32 bytes lowercase hex. */
  root: string;
}
export interface AnchoredCheckpoint extends AuditCheckpoint {
  /** When the anchor says it was anchored (ISO 8601 UTC; block time on chain). */
  anchoredAt: string;
  /** Where: e.g. "evm:<chainId>:<contract>:<txHash>", or "file:<path>". */
  ref: string;
}
export interface CheckpointAnchor {
  /** Anchors the checkpoint; resolves once final. Throws MedzkError("ANCHOR_UNAVAILABLE") when it cannot. */
  anchor(checkpoint: AuditCheckpoint): Promise<AnchoredCheckpoint>;
  /** Every anchored checkpoint of one log, in index order. */
  checkpoints(logId: string): Promise<AnchoredCheckpoint[]>;
}
