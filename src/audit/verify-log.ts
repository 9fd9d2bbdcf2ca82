/**
 * Verifies an audit log against its anchored checkpoints: recomputes the chain and every
 * checkpoint's Merkle root, and reports what is wrong with the first bad entry's seq.
 *
 * What each kind of damage looks like, and how it is told apart:
 * - edited: an entry whose stored hash is not SHA-256(previous hash || entry), or (when the
 *   editor recomputed the hashes from there on) a checkpoint whose root no longer matches;
 * - deleted / inserted / reordered: the seq numbers in storage order are not 0, 1, 2, …: some
 *   missing (deleted), some repeated or extra (inserted), all present in another order (reordered);
 * - truncated: the log ends before the last anchored checkpoint's toSeq, or below a head the
 *   caller saw earlier (`knownHead`, e.g. a monitor's or a patient's).
 * NOTE: entries after the last checkpoint are protected by the chain only: whoever can write the
 * log can cut them off, or rewrite them and their hashes, undetectably until the next checkpoint
 * (or against a `knownHead`). Checkpoint often enough for the exposure to be acceptable.
 */
import type { AnchoredCheckpoint } from "./anchor.js";
import { checkAnchoredCheckpoint } from "./checkpoint.js";
import { type AuditRecord, auditLogId, checkAuditRecord, entryHash } from "./entry.js";
import { merkleRoot } from "./merkle.js";

/** Kinds of problem {@link verifyAuditLog} reports. */
export type AuditProblemKind =
  | "malformed"
  | "foreign"
  | "edited"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "checkpoint-mismatch"
  | "checkpoint-invalid";

/** One problem: what, where (the first seq concerned), and a sentence for people. */
export interface AuditProblem {
  kind: AuditProblemKind;
  seq: number;
  message: string;
}

/** The outcome of {@link verifyAuditLog}. JSON-safe. */
export interface AuditVerification {
  /** True when nothing is wrong. */
  ok: boolean;
  logId: string;
  /** Records examined. */
  size: number;
  /** The hash of the last record (the log id when empty). */
  head: string;
  /** Anchored checkpoints checked, and how many entries they cover (0..covered-1). */
  checkpoints: number;
  covered: number;
  /** The smallest seq of any problem; absent when ok. */
  firstBadSeq?: number;
  /** Every problem found, by seq (at most 100). */
  problems: AuditProblem[];
}

/** What {@link verifyAuditLog} examines. */
export interface AuditLogVerifyInput {
  /** The verifier's Ed25519 public key (hex): the log's owner. */
  verifier: string;
  /** Every stored record in storage order, unchecked (`AuditLog.dump()`, or parsed lines; unparseable lines as their text). */
  records: readonly unknown[];
  /** The log's anchored checkpoints (`CheckpointAnchor.checkpoints(logId)`), unchecked. */
  checkpoints: readonly unknown[];
  /** A head seen earlier: the log must still hold `size` entries, the last with `hash`. */
  knownHead?: { size: number; hash: string };
}

const MAX_PROBLEMS = 100;

/** Verifies a log (see the module header). Never throws on the data; it reports. */
export function verifyAuditLog(input: AuditLogVerifyInput): AuditVerification {
  const logId = auditLogId(input.verifier);
  const problems: AuditProblem[] = [];
  const report = (kind: AuditProblemKind, seq: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ kind, seq, message });
  };
  const parsed: Array<AuditRecord | undefined> = input.records.map((raw, i) => {
    const checked = checkAuditRecord(raw, `record ${i}`);
    if (!checked.ok) {
      report("malformed", i, checked.message);
      return undefined;
    }
    if (checked.value.entry.verifier !== input.verifier) {
      report("foreign", i, `record ${i} is verifier ${checked.value.entry.verifier}'s, not this log's`);
      return undefined;
    }
    return checked.value;
  });

  // Structure: the seq numbers in storage order must be 0, 1, 2, …
  const seqs = parsed.map((r, i) => r?.entry.seq ?? i);
  const firstOff = seqs.findIndex((s, i) => s !== i);
  if (firstOff !== -1) {
    const at = seqs[firstOff]!;
    const permutation = [...seqs].sort((a, b) => a - b).every((s, i) => s === i);
    const increasing = seqs.every((s, i) => i === 0 || s > seqs[i - 1]!);
    if (permutation) report("reordered", firstOff, `record ${firstOff} holds seq ${at}: entries are out of order from seq ${firstOff}`);
    else if (increasing && at > firstOff) report("deleted", firstOff, `record ${firstOff} holds seq ${at}: entries ${firstOff}..${at - 1} are missing`);
    else report("inserted", firstOff, `record ${firstOff} holds seq ${at}: a record was inserted at or before it`);
  }

  // Chain: each entry against the stored hash of seq - 1 (so one edit is reported once, and a
  // move is reported as a move, not as edits).
  const bySeq = new Map<number, AuditRecord>();
  for (const r of parsed) if (r !== undefined && !bySeq.has(r.entry.seq)) bySeq.set(r.entry.seq, r);
  for (const r of parsed) {
    if (r === undefined) continue;
    const prev = r.entry.seq === 0 ? logId : bySeq.get(r.entry.seq - 1)?.hash;
    if (prev !== undefined && entryHash(prev, r.entry) !== r.hash) {
      report("edited", r.entry.seq, `entry ${r.entry.seq} does not hash to its stored hash from the one before: it was edited`);
    }
  }
  const head = parsed.at(-1)?.hash ?? (input.records.length === 0 ? logId : "");
  let maxSeq = -1;
  for (const s of bySeq.keys()) if (s > maxSeq) maxSeq = s;

  // Checkpoints: consecutive, each root recomputed from the stored hashes of its range.
  let covered = 0;
  let count = 0;
  for (const [k, raw] of input.checkpoints.entries()) {
    const checked = checkAnchoredCheckpoint(raw, `checkpoint ${k}`);
    if (!checked.ok) {
      report("checkpoint-invalid", covered, checked.message);
      break;
    }
    const c: AnchoredCheckpoint = checked.value;
    if (c.logId !== logId || c.index !== k || c.fromSeq !== covered) {
      report("checkpoint-invalid", covered, `checkpoint ${k} (index ${c.index}, from ${c.fromSeq}) does not follow the one before (expected index ${k} from ${covered})`);
      break;
    }
    count += 1;
    covered = c.toSeq + 1;
    if (c.toSeq > maxSeq) {
      report("truncated", maxSeq + 1, `checkpoint ${c.index} covers entries up to ${c.toSeq}, the log ends at ${maxSeq}: it was truncated`);
      break;
    }
    const range: Array<AuditRecord | undefined> = [];
    for (let s = c.fromSeq; s <= c.toSeq; s++) range.push(bySeq.get(s));
    const missing = range.findIndex((r) => r === undefined);
    const root = missing === -1 ? merkleRoot(range.map((r) => r!.hash)) : undefined;
    if (root !== c.root) {
      // A missing or unreadable entry is where the range went wrong; otherwise the root only says "somewhere in it".
      report("checkpoint-mismatch", missing === -1 ? c.fromSeq : c.fromSeq + missing, `entries ${c.fromSeq}..${c.toSeq} do not give checkpoint ${c.index}'s anchored root (${c.ref}): one of them was edited, deleted or replaced`);
    }
  }

  if (input.knownHead !== undefined) {
    const { size, hash } = input.knownHead;
    if (input.records.length < size) report("truncated", input.records.length, `the log holds ${input.records.length} entries, fewer than the ${size} of the known head: it was truncated`);
    else if (size > 0 && parsed[size - 1]?.hash !== hash) report("edited", size - 1, `entry ${size - 1} is not the known head's: the log was rewritten`);
  }

  problems.sort((a, b) => a.seq - b.seq);
  const result: AuditVerification = { ok: problems.length === 0, logId, size: input.records.length, head, checkpoints: count, covered, problems };
  if (problems.length > 0) result.firstBadSeq = problems[0]!.seq;
  return result;
}
