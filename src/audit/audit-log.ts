/**
 * The audit log interface, and the group commit its stores share.
 *
 * A log belongs to one verifier (its Ed25519 public key; the log id is derived from it) and is
 * append-only: `append` gives the entry the next seq and chains it to the head. Stores:
 * FileAuditLog (one instance, a JSON-lines file) and PostgresAuditLog (several instances, one
 * total order through a locked head row).
 */
import { MedzkError } from "../core/errors.js";
import { checkHex } from "../core/validate.js";
import { type AuditEntryInput, type AuditRecord, auditLogId, chainEntry } from "./entry.js";

/** The head of a log: how many entries it holds and the hash of the last (the log id when empty). */
export interface AuditHead {
  size: number;
  hash: string;
}

/** Where an appended entry landed. */
export interface AppendedEntry {
  seq: number;
  hash: string;
}

/** An append-only, hash-chained audit log of one verifier. */
export interface AuditLog {
  /** SHA-256("medzk-audit/v1" || verifier public key), hex. */
  readonly logId: string;
  /** The verifier's Ed25519 public key (hex): every entry's `verifier`. */
  readonly verifier: string;
  /**
   * Appends an entry; resolves once it is durable (fsync'd, committed). Throws MedzkError:
   * INVALID_ARGUMENT for a malformed entry or another verifier's, AUDIT_LOG_UNAVAILABLE when the
   * store cannot be written, AUDIT_LOG_INVALID when the stored chain is broken (never appended to).
   */
  append(entry: AuditEntryInput): Promise<AppendedEntry>;
  /** Records fromSeq..toSeq (inclusive; toSeq defaults to the last), checked as they are read. */
  read(fromSeq: number, toSeq?: number): Promise<AuditRecord[]>;
  /** The current head. */
  head(): Promise<AuditHead>;
  /**
   * Resolves when the log could take an append now, else rejects with the MedzkError an append
   * would meet (AUDIT_LOG_UNAVAILABLE: the store unreachable; for PostgreSQL also a role that
   * could rewrite the log, or a trigger disabled). What the service's /readyz asks.
   */
  writable(): Promise<void>;
  /** Every record whose entry carries this nullifier (decimal), in seq order. */
  byNullifier(nullifier: string): Promise<AuditRecord[]>;
  /** Every stored record in storage order, unchecked (what verifyAuditLog examines). */
  dump(): Promise<unknown[]>;
  /** Releases what the log holds (a pool, a file handle); pending appends finish first. */
  close(): Promise<void>;
}

/** The verifier key and log id of a store's options; throws INVALID_ARGUMENT. */
export function logIdentity(verifier: unknown): { verifier: string; logId: string } {
  if (!checkHex(verifier, "verifier", 32).ok) throw new MedzkError("INVALID_ARGUMENT", `"verifier" must be the verifier's Ed25519 public key (32 bytes of lowercase hex)`);
  return { verifier: verifier as string, logId: auditLogId(verifier as string) };
}

/**
 * Refuses (INVALID_ARGUMENT) a malformed entry or one written in another verifier's name, before
 * it is queued: a bad entry must fail alone, not the batch it would have been committed with.
 */
export function assertOwnEntry(input: AuditEntryInput, verifier: string): void {
  if (typeof input !== "object" || input === null) throw new MedzkError("INVALID_ARGUMENT", `"entry" must be an audit entry object`);
  if (input.verifier !== verifier) throw new MedzkError("INVALID_ARGUMENT", `"entry.verifier" must be this log's verifier ${verifier}`);
  chainEntry(input, 0, verifier);
}

/** The inclusive range read(fromSeq, toSeq) asks for, clipped to `size`; throws INVALID_ARGUMENT. */
export function readRange(fromSeq: unknown, toSeq: unknown, size: number): [number, number] {
  if (!Number.isSafeInteger(fromSeq) || (fromSeq as number) < 0) throw new MedzkError("INVALID_ARGUMENT", `"fromSeq" must be a non-negative integer`);
  if (toSeq !== undefined && (!Number.isSafeInteger(toSeq) || (toSeq as number) < (fromSeq as number))) {
    throw new MedzkError("INVALID_ARGUMENT", `"toSeq" must be an integer at least "fromSeq"`);
  }
  return [fromSeq as number, Math.min(size - 1, (toSeq as number | undefined) ?? size - 1)];
}

interface Pending {
  input: AuditEntryInput;
  resolve: (value: AppendedEntry) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: appends that arrive while a commit is under way wait and go together in the next
 * one (one lock, one write, one fsync or one transaction for all), each resolving once its own
 * batch is durable. Durability per acknowledged entry is kept (nobody is answered before the
 * fsync), and under load the cost of an fsync is shared by the whole batch.
 */
export function groupCommit(
  commit: (inputs: AuditEntryInput[]) => Promise<AppendedEntry[]>,
  maxBatch = 256,
): { append: (input: AuditEntryInput) => Promise<AppendedEntry>; idle: () => Promise<void> } {
  let queue: Pending[] = [];
  let draining: Promise<void> | undefined;
  async function drain(): Promise<void> {
    // Let the appends made in the same turn (the items of one batch verification) join this commit.
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const done = await commit(batch.map((p) => p.input));
        batch.forEach((p, i) => p.resolve(done[i]!));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
    draining = undefined;
  }
  return {
    append: (input) =>
      new Promise<AppendedEntry>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        draining ??= drain();
      }),
    idle: async () => {
      await draining;
    },
  };
}
