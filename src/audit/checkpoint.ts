/**
 * Checkpoints: the Merkle root (./merkle.ts) of a log's entries since the previous checkpoint,
 * anchored through a {@link CheckpointAnchor} (a file, or the registry contract on chain). Once
 * anchored, no entry up to `toSeq` can be edited, dropped, reordered or inserted without the
 * recomputed root disagreeing with the anchored one, and the log cannot be cut back below
 * `toSeq` unnoticed: `verifyAuditLog` reports either.
 */
import { MedzkError } from "../core/errors.js";
import { type Checked, checkHex, checkInstant, checkInteger, checkObject, checkString } from "../core/validate.js";
import type { AnchoredCheckpoint, AuditCheckpoint, CheckpointAnchor } from "./anchor.js";
import type { AuditLog } from "./audit-log.js";
import { entryHash } from "./entry.js";
import { merkleRoot } from "./merkle.js";

const CHECKPOINT_KEYS = ["logId", "index", "fromSeq", "toSeq", "root"] as const;

/** Parses an anchored checkpoint strictly (exactly its keys, toSeq ≥ fromSeq); never throws. */
export function checkAnchoredCheckpoint(value: unknown, name = "checkpoint"): Checked<AnchoredCheckpoint> {
  const shaped = checkObject(value, name, { required: [...CHECKPOINT_KEYS, "anchoredAt", "ref"] });
  if (!shaped.ok) return shaped;
  const c = shaped.value;
  const checks: Array<Checked<unknown>> = [
    checkHex(c.logId, `${name}.logId`, 32),
    checkInteger(c.index, `${name}.index`, 0, Number.MAX_SAFE_INTEGER),
    checkInteger(c.fromSeq, `${name}.fromSeq`, 0, Number.MAX_SAFE_INTEGER),
    checkInteger(c.toSeq, `${name}.toSeq`, 0, Number.MAX_SAFE_INTEGER),
    checkHex(c.root, `${name}.root`, 32),
    checkInstant(c.anchoredAt, `${name}.anchoredAt`),
    checkString(c.ref, `${name}.ref`, { max: 1024 }),
  ];
  for (const check of checks) if (!check.ok) return check as Checked<AnchoredCheckpoint>;
  if ((c.toSeq as number) < (c.fromSeq as number)) return { ok: false, message: `"${name}.toSeq" must be at least "${name}.fromSeq"` };
  return { ok: true, value: c as unknown as AnchoredCheckpoint };
}

/**
 * Refuses (CHECKPOINT_REJECTED) a checkpoint that does not extend `previous` (the log's last
 * anchored checkpoint, if any): the next index, starting right after it. The rule the registry
 * contract enforces on chain, for anchors that keep their own records.
 */
export function assertNextCheckpoint(checkpoint: AuditCheckpoint, previous: AuditCheckpoint | undefined): void {
  const index = previous === undefined ? 0 : previous.index + 1;
  const fromSeq = previous === undefined ? 0 : previous.toSeq + 1;
  if (checkpoint.index !== index || checkpoint.fromSeq !== fromSeq || checkpoint.toSeq < checkpoint.fromSeq) {
    throw new MedzkError(
      "CHECKPOINT_REJECTED",
      `checkpoint ${checkpoint.index} [${checkpoint.fromSeq}, ${checkpoint.toSeq}] of log ${checkpoint.logId} is not the next one: expected index ${index} from seq ${fromSeq}`,
    );
  }
}

/**
 * Anchors a checkpoint of the entries after the last anchored one, if there are at least
 * `minEntries` (default 1). Checks first that those entries chain (from the last checkpointed
 * entry's hash), so a log edited behind the service's back is never anchored. Resolves to the
 * anchored checkpoint, or undefined when there was nothing to anchor. Throws the log's and the
 * anchor's MedzkErrors (AUDIT_LOG_INVALID for a broken chain, ANCHOR_UNAVAILABLE, CHECKPOINT_REJECTED
 * when another instance anchored the same range first).
 */
export async function anchorCheckpoint(log: AuditLog, anchor: CheckpointAnchor, options: { minEntries?: number } = {}): Promise<AnchoredCheckpoint | undefined> {
  const anchored = await anchor.checkpoints(log.logId);
  const last = anchored.at(-1);
  const fromSeq = last === undefined ? 0 : last.toSeq + 1;
  const head = await log.head();
  if (head.size - fromSeq < Math.max(1, options.minEntries ?? 1)) return undefined;
  const records = await log.read(Math.max(0, fromSeq - 1), head.size - 1);
  const segment = fromSeq === 0 ? records : records.slice(1);
  let prev = fromSeq === 0 ? log.logId : records[0]!.hash;
  segment.forEach((r, i) => {
    if (r.entry.seq !== fromSeq + i || entryHash(prev, r.entry) !== r.hash) {
      throw new MedzkError("AUDIT_LOG_INVALID", `entry ${fromSeq + i} does not chain to the one before: refusing to anchor; run medzk audit verify`);
    }
    prev = r.hash;
  });
  const toSeq = fromSeq + segment.length - 1;
  return anchor.anchor({ logId: log.logId, index: anchored.length, fromSeq, toSeq, root: merkleRoot(segment.map((r) => r.hash)) });
}

/** Anchors checkpoints as entries come; see {@link createCheckpointer}. */
export interface Checkpointer {
  /** Call after each append; anchors in the background once `every` entries are unanchored. */
  appended(seq: number): void;
  /** Waits for an anchoring under way, if any. */
  idle(): Promise<void>;
  /** Anchors whatever is unanchored now (e.g. at shutdown) and waits for it. */
  flush(): Promise<void>;
  /** Stops the timer of `intervalSeconds` (an anchoring under way finishes). */
  stop(): void;
}

/** Options of {@link createCheckpointer}. */
export interface CheckpointerOptions {
  /** Anchor once this many entries are unanchored (a positive integer). */
  every: number;
  /**
   * Also anchor whatever is unanchored (at least one entry) this often, in seconds, so that a
   * quiet log's entries are not protected by the chain alone for long. Default: no timer.
   */
  intervalSeconds?: number;
  /** Receives anchoring failures (for logging); the next append or tick retries. */
  onError?: (error: unknown) => void;
}

/**
 * Anchors a checkpoint once `every` entries are unanchored (and, with `intervalSeconds`, on a
 * timer), one anchoring at a time per process. Failures go to `onError` and the next append
 * retries: an anchor being down does not stop verifications (entries stay in the chain, and are
 * anchored once it is back). A CHECKPOINT_REJECTED from another instance winning the race is not
 * reported: the next append starts after that instance's checkpoint.
 */
export function createCheckpointer(log: AuditLog, anchor: CheckpointAnchor, options: CheckpointerOptions): Checkpointer {
  const { every, intervalSeconds } = options;
  const onError = options.onError ?? (() => undefined);
  if (!Number.isSafeInteger(every) || every < 1) throw new MedzkError("INVALID_ARGUMENT", `"checkpointEvery" must be a positive integer`);
  if (intervalSeconds !== undefined && (!Number.isSafeInteger(intervalSeconds) || intervalSeconds < 1)) {
    throw new MedzkError("INVALID_ARGUMENT", `"checkpointSeconds" must be a positive integer`);
  }
  let running: Promise<void> | undefined;
  let nextFrom = 0;
  let known = false;
  const run = (minEntries: number): Promise<void> =>
    (running ??= (async () => {
      try {
        const done = await anchorCheckpoint(log, anchor, { minEntries });
        if (done) nextFrom = done.toSeq + 1;
        else {
          const last = (await anchor.checkpoints(log.logId)).at(-1);
          nextFrom = last === undefined ? 0 : last.toSeq + 1;
        }
        known = true;
      } catch (error) {
        // Another instance anchoring the same range first is the expected outcome of a race, not a failure.
        if (!(error instanceof MedzkError && error.code === "CHECKPOINT_REJECTED")) onError(error);
      } finally {
        running = undefined;
      }
    })());
  // unref: the timer alone never keeps a process alive.
  const timer = intervalSeconds === undefined ? undefined : setInterval(() => void run(1), intervalSeconds * 1000);
  timer?.unref?.();
  return {
    appended(seq) {
      if (running === undefined && (!known || seq + 1 - nextFrom >= every)) void run(every);
    },
    async idle() {
      await running;
    },
    async flush() {
      await running;
      await run(1);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
