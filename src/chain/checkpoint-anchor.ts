/**
 * ChainCheckpointAnchor: anchors a verifier's audit-log checkpoints in the MedzkRegistry
 * (anchorAuditCheckpoint, from the verifier's registered account) and reads them back with the
 * block time and transaction they were anchored in: src/audit/anchor.ts's CheckpointAnchor.
 */
import type { AnchoredCheckpoint, AuditCheckpoint, CheckpointAnchor } from "../audit/anchor.js";
import { MedzkError } from "../core/errors.js";
import { type ChainWriter, loadViem, send } from "./client.js";
import { medzkRegistryAbi } from "./generated/abi.js";

/** src/audit/anchor.ts's AuditCheckpoint (the name medzk/chain has exported it under). */
export type ChainAuditCheckpoint = AuditCheckpoint;
/** src/audit/anchor.ts's AnchoredCheckpoint (the name medzk/chain has exported it under). */
export type ChainAnchoredCheckpoint = AnchoredCheckpoint;

const HEX32 = /^[0-9a-f]{64}$/;

function anchorError(what: string, cause: unknown): MedzkError {
  return new MedzkError("ANCHOR_UNAVAILABLE", `${what}: ${(cause as Error)?.message?.split("\n")[0] ?? String(cause)}`, { cause });
}

export class ChainCheckpointAnchor implements CheckpointAnchor {
  readonly #writer: ChainWriter;

  constructor(writer: ChainWriter) {
    if (typeof writer?.client?.readContract !== "function" || typeof writer.wallet?.writeContract !== "function") {
      throw new MedzkError("INVALID_ARGUMENT", `"client" and "wallet" must be viem public and wallet clients`);
    }
    this.#writer = writer;
  }

  /** Anchors the checkpoint and resolves with its block time and "evm:<chainId>:<registry>:<tx>". Throws ANCHOR_UNAVAILABLE. */
  async anchor(checkpoint: ChainAuditCheckpoint): Promise<ChainAnchoredCheckpoint> {
    const { logId, index, fromSeq, toSeq, root } = checkpoint;
    if (!HEX32.test(logId) || !HEX32.test(root)) throw new MedzkError("INVALID_ARGUMENT", `"logId" and "root" must be 32 bytes of lowercase hex`);
    for (const [name, v] of Object.entries({ index, fromSeq, toSeq })) {
      if (!Number.isSafeInteger(v) || v < 0) throw new MedzkError("INVALID_ARGUMENT", `"${name}" must be an integer >= 0`);
    }
    try {
      const receipt = await send(this.#writer, "anchorAuditCheckpoint", [`0x${logId}`, BigInt(index), BigInt(fromSeq), BigInt(toSeq), `0x${root}`]);
      const block = await this.#writer.client.getBlock({ blockNumber: receipt.blockNumber });
      const chainId = await this.#writer.client.getChainId();
      return {
        logId, index, fromSeq, toSeq, root,
        anchoredAt: new Date(Number(block.timestamp) * 1000).toISOString(),
        ref: `evm:${chainId}:${this.#writer.registry.toLowerCase()}:${receipt.hash}`,
      };
    } catch (error) {
      throw anchorError(`anchoring checkpoint ${index} of log ${logId}`, error);
    }
  }

  /** Every anchored checkpoint of one log, in index order, from the contract's events. */
  async checkpoints(logId: string): Promise<ChainAnchoredCheckpoint[]> {
    if (!HEX32.test(logId)) throw new MedzkError("INVALID_ARGUMENT", `"logId" must be 32 bytes of lowercase hex`);
    try {
      const { parseEventLogs } = await loadViem();
      const client = this.#writer.client;
      const logs = await client.getLogs({ address: this.#writer.registry, fromBlock: 0n, toBlock: "latest" });
      const events = parseEventLogs({ abi: medzkRegistryAbi, logs, eventName: "AuditCheckpointAnchored", args: { logId: `0x${logId}` } });
      const chainId = await client.getChainId();
      const out: ChainAnchoredCheckpoint[] = [];
      for (const log of events) {
        const a = (log as unknown as { args: { index: bigint; fromSeq: bigint; toSeq: bigint; root: string } }).args;
        const block = await client.getBlock({ blockNumber: log.blockNumber! });
        out.push({
          logId, index: Number(a.index), fromSeq: Number(a.fromSeq), toSeq: Number(a.toSeq), root: a.root.slice(2),
          anchoredAt: new Date(Number(block.timestamp) * 1000).toISOString(),
          ref: `evm:${chainId}:${this.#writer.registry.toLowerCase()}:${log.transactionHash}`,
        });
      }
      return out.sort((x, y) => x.index - y.index);
    } catch (error) {
      throw anchorError(`reading the checkpoints of log ${logId}`, error);
    }
  }
}
