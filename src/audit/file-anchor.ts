/**
 * The embedded checkpoint anchor: a JSON-lines file of anchored checkpoints, for one-instance
 * deployments without a chain. It enforces what the registry contract enforces on chain (the
 * next index, from the previous toSeq + 1: ./checkpoint.ts's assertNextCheckpoint) under the same
 * cross-process lock as the file log, and fsyncs each line.
 *
 * NOTE: whoever can write the log file can usually write this one too. A file anchor guards
 * against accidents and against tampering by someone with access to the log only (keep it on
 * other storage, e.g. append-only or WORM, or copy the checkpoints elsewhere); against the
 * operator, anchor on chain (ChainCheckpointAnchor, docs/ledger.md).
 */
import { open, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { MedzkError } from "../core/errors.js";
import { checkHex } from "../core/validate.js";
import type { AnchoredCheckpoint, AuditCheckpoint, CheckpointAnchor } from "./anchor.js";
import { assertNextCheckpoint, checkAnchoredCheckpoint } from "./checkpoint.js";
import { canonicalJson } from "./entry.js";
import { type FileLockOptions, withFileLock } from "./file-lock.js";

/** A {@link CheckpointAnchor} in a JSON-lines file (one anchored checkpoint per line, any number of logs). */
export class FileCheckpointAnchor implements CheckpointAnchor {
  readonly path: string;
  readonly #clock: () => Date;
  readonly #lock: FileLockOptions;

  constructor(path: string, options: { clock?: () => Date; lock?: FileLockOptions } = {}) {
    if (typeof path !== "string" || path.length === 0) throw new MedzkError("INVALID_ARGUMENT", `"path" must be the anchor file's path`);
    this.path = resolve(path);
    this.#clock = options.clock ?? (() => new Date());
    this.#lock = options.lock ?? {};
  }

  async anchor(checkpoint: AuditCheckpoint): Promise<AnchoredCheckpoint> {
    return withFileLock(
      `${this.path}.lock`,
      async () => {
        const previous = (await this.checkpoints(checkpoint.logId)).at(-1);
        assertNextCheckpoint(checkpoint, previous);
        const anchored: AnchoredCheckpoint = {
          logId: checkpoint.logId,
          index: checkpoint.index,
          fromSeq: checkpoint.fromSeq,
          toSeq: checkpoint.toSeq,
          root: checkpoint.root,
          anchoredAt: this.#clock().toISOString(),
          ref: `file:${this.path}`,
        };
        const checked = checkAnchoredCheckpoint(anchored);
        if (!checked.ok) throw new MedzkError("INVALID_ARGUMENT", checked.message);
        try {
          const handle = await open(this.path, "a");
          try {
            await handle.write(canonicalJson(anchored) + "\n");
            await handle.datasync();
          } finally {
            await handle.close();
          }
        } catch (cause) {
          throw new MedzkError("ANCHOR_UNAVAILABLE", `cannot write ${this.path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
        }
        return anchored;
      },
      this.#lock,
    );
  }

  async checkpoints(logId: string): Promise<AnchoredCheckpoint[]> {
    if (!checkHex(logId, "logId", 32).ok) throw new MedzkError("INVALID_ARGUMENT", `"logId" must be 32 bytes of lowercase hex`);
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw new MedzkError("ANCHOR_UNAVAILABLE", `cannot read ${this.path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause });
    }
    const found: AnchoredCheckpoint[] = [];
    // A fragment after the last newline is a write in progress (or one that crashed before its fsync).
    text.split("\n").slice(0, -1).forEach((line, i) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        json = undefined;
      }
      const checked = checkAnchoredCheckpoint(json, `${this.path} line ${i + 1}`);
      if (!checked.ok) throw new MedzkError("ANCHOR_UNAVAILABLE", `${this.path} is malformed: ${checked.message}`);
      if (checked.value.logId === logId) found.push(checked.value);
    });
    return found;
  }
}
